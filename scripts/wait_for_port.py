"""Wait until something listens on a loopback port: `wait_for_port.py PORT [SECONDS]`."""

import socket
import sys
import time


def wait(port: int, seconds: float, host: str = "127.0.0.1") -> bool:
    """True once `host:port` accepts a connection, False after `seconds`."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            with socket.create_connection((host, port), timeout=1):
                return True
        except OSError:
            time.sleep(0.25)
    return False


if __name__ == "__main__":
    port = int(sys.argv[1])
    if not wait(port, float(sys.argv[2]) if len(sys.argv) > 2 else 60):
        print(f"nothing is listening on port {port}", file=sys.stderr)
        sys.exit(1)
