"""Local stand-ins for the Slack Web API and the Telegram Bot API, recording every call.

The bot's real connectors talk HTTP to these on loopback, so the channel tests exercise
the whole path (signature or secret check, Rasa, actions, output client) with no internet.
"""

import json
import threading
import time
from email.parser import BytesParser
from email.policy import HTTP
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Callable, Dict, Iterator, List, Optional
from urllib.parse import parse_qs

from contextlib import contextmanager

from tests.servers import free_port


class ApiCall:
    """One request the bot made: the API method and its parameters."""

    def __init__(self, method: str, params: Dict[str, Any]) -> None:
        self.method = method
        self.params = params

    def __repr__(self) -> str:
        return f"ApiCall({self.method!r}, {self.params!r})"


class FakeApi:
    """Records calls; `answer(method, params)` gives the JSON body to return."""

    def __init__(self, answer: Callable[[str, Dict[str, Any]], Dict[str, Any]]) -> None:
        self.answer = answer
        self.calls: List[ApiCall] = []
        self.lock = threading.Lock()
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"

    def record(self, method: str, params: Dict[str, Any]) -> Dict[str, Any]:
        with self.lock:
            self.calls.append(ApiCall(method, params))
        return self.answer(method, params)

    def calls_to(self, method: str, **match: Any) -> List[ApiCall]:
        """Calls of `method` whose parameters include `match` (compared as strings)."""
        with self.lock:
            calls = list(self.calls)
        return [c for c in calls if c.method == method
                and all(str(c.params.get(k)) == str(v) for k, v in match.items())]

    def wait_for(self, method: str, count: int = 1, seconds: float = 60,
                 **match: Any) -> List[ApiCall]:
        """Waits until at least `count` matching calls arrived; returns them."""
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            calls = self.calls_to(method, **match)
            if len(calls) >= count:
                return calls
            time.sleep(0.2)
        raise TimeoutError(f"{count} x {method} {match} not seen; calls: {self.calls[-5:]}")


def _request_params(handler: BaseHTTPRequestHandler, body: bytes) -> Dict[str, Any]:
    content_type = handler.headers.get("Content-Type", "")
    if content_type.startswith("application/json"):
        return dict(json.loads(body or b"{}"))
    if content_type.startswith("application/x-www-form-urlencoded"):
        return {k: v[0] for k, v in parse_qs(body.decode()).items()}
    if content_type.startswith("multipart/form-data"):
        message = BytesParser(policy=HTTP).parsebytes(
            f"Content-Type: {content_type}\r\n\r\n".encode() + body)
        return {part.get_param("name", header="content-disposition"):
                part.get_content().strip() if isinstance(part.get_content(), str)
                else part.get_content() for part in message.iter_parts()}
    return {}


@contextmanager
def serving(api: FakeApi, method_from_path: Callable[[str], str]) -> Iterator[FakeApi]:
    """Serves `api` on its loopback port until the block ends."""

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:  # noqa: N802 - http.server's naming
            body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
            answer = api.record(method_from_path(self.path.split("?")[0]),
                                _request_params(self, body))
            data = json.dumps(answer).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        do_GET = do_POST  # noqa: N815

        def log_message(self, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", api.port), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield api
    finally:
        server.shutdown()
        server.server_close()


def slack_answer(method: str, params: Dict[str, Any]) -> Dict[str, Any]:
    """What the Slack Web API answers: ok, with a message timestamp."""
    return {"ok": True, "channel": params.get("channel"), "ts": f"{time.time():.6f}"}


def telegram_answer(method: str, params: Dict[str, Any]) -> Dict[str, Any]:
    """What the Bot API answers for the methods Tandem uses."""
    if method == "getMe":
        return {"ok": True, "result": {"id": 42, "is_bot": True, "first_name": "Tandem",
                                       "username": "tandem_test_bot"}}
    if method == "sendMessage":
        chat_id = int(params.get("chat_id", 0))
        return {"ok": True, "result": {
            "message_id": int(time.time() * 1000) % 1_000_000, "date": int(time.time()),
            "chat": {"id": chat_id, "type": "private"}, "text": params.get("text", "")}}
    return {"ok": True, "result": True}


@contextmanager
def fake_slack() -> Iterator[FakeApi]:
    """A Slack Web API on loopback; its base URL is `api.url + '/api/'`."""
    with serving(FakeApi(slack_answer), lambda path: path.rsplit("/", 1)[-1]) as api:
        yield api


@contextmanager
def fake_telegram() -> Iterator[FakeApi]:
    """A Telegram Bot API on loopback (paths /bot<token>/<method>)."""
    with serving(FakeApi(telegram_answer), lambda path: path.rsplit("/", 1)[-1]) as api:
        yield api


def reply_markup(call: ApiCall) -> Optional[Dict[str, Any]]:
    """The decoded reply_markup of a sendMessage call, if any."""
    markup = call.params.get("reply_markup")
    return json.loads(markup) if isinstance(markup, str) else markup
