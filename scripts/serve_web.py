"""Serve the web widget demo page (web/) on 127.0.0.1: `serve_web.py [PORT]` (default 8080).

The page loads rasa-webchat from web/node_modules, so `make web-install` must have run.
Open http://127.0.0.1:PORT/?server=http://localhost:5005 with the bot running (`make serve`).
"""

import argparse
import functools
import sys
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Optional, Sequence

WEB = Path(__file__).resolve().parent.parent / "web"
WIDGET = WEB / "node_modules" / "rasa-webchat" / "lib" / "index.js"
DEFAULT_PORT = 8080


class QuietHandler(SimpleHTTPRequestHandler):
    """Static files from web/, no caching, one short log line per request on stderr."""

    extensions_map = {**SimpleHTTPRequestHandler.extensions_map,
                      ".js": "text/javascript; charset=utf-8",
                      ".html": "text/html; charset=utf-8"}

    def end_headers(self) -> None:
        """Ask browsers not to cache, so an edited page shows up on reload."""
        self.send_header("Cache-Control", "no-store")
        super().end_headers()

    def log_message(self, format: str, *args: object) -> None:
        """Log as `METHOD path status` without the date and client address."""
        sys.stderr.write(f"serve_web: {format % args}\n")


def make_server(port: int = DEFAULT_PORT, root: Path = WEB) -> ThreadingHTTPServer:
    """A threading HTTP server for `root` on 127.0.0.1:`port` (0 picks a free port).

    Raises:
        FileNotFoundError: rasa-webchat is not installed under `root`/node_modules.
    """
    widget = root / WIDGET.relative_to(WEB)
    if not widget.is_file():
        raise FileNotFoundError(
            f"{widget} is missing: run `make web-install` (npm ci in web/) first")
    handler = functools.partial(QuietHandler, directory=str(root))
    return ThreadingHTTPServer(("127.0.0.1", port), handler)


def main(argv: Optional[Sequence[str]] = None) -> int:
    """Serve until interrupted; returns the process exit status."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("port", nargs="?", type=int, default=DEFAULT_PORT,
                        help=f"port on 127.0.0.1 (default {DEFAULT_PORT})")
    args = parser.parse_args(argv)
    try:
        server = make_server(args.port)
    except FileNotFoundError as error:
        print(f"serve_web: {error}", file=sys.stderr)
        return 1
    with server:
        port = server.server_address[1]
        print(f"serve_web: serving {WEB} on http://127.0.0.1:{port}/ (Ctrl-C stops)", flush=True)
        try:
            server.serve_forever()
        except KeyboardInterrupt:
            pass
    return 0


if __name__ == "__main__":
    sys.exit(main())
