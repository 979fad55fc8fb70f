"""Loopback ports for Tandem's own servers: pick one (`free_port`) and wait for one (`wait`).

Command line: `wait_for_port.py PORT [SECONDS [HOST]]` waits until something listens on
HOST:PORT (HOST 127.0.0.1 unless given).

Why not port 0: a test or benchmark picks a port, then a server binds it up to 30 s later.
A port the kernel handed out from its ephemeral range (`ip_local_port_range`, 32768-60999 by
default) can meanwhile be given to an outgoing connection (to the action server, PostgreSQL,
Redis...), and the server then fails with "address already in use". `free_port` chooses
below the ephemeral range, where the kernel never picks a port by itself.
"""

import random
import socket
import sys
import time
from pathlib import Path
from typing import Set, Tuple

EPHEMERAL_RANGE = Path("/proc/sys/net/ipv4/ip_local_port_range")
# Preferred block: below Linux's default ephemeral start (32768), above most services.
LOWEST, HIGHEST = 20000, 32000
_handed_out: Set[int] = set()
# Not the module-level generator: a test that seeds `random` must not make two runs pick
# the same ports.
_random = random.SystemRandom()


def ephemeral_range() -> Tuple[int, int]:
    """The kernel's range for outgoing connections' local ports (Linux's default if unreadable)."""
    try:
        low, high = (int(part) for part in EPHEMERAL_RANGE.read_text().split()[:2])
        return low, high
    except (OSError, ValueError):
        return 32768, 60999


def candidate_range() -> Tuple[int, int]:
    """The ports `free_port` chooses from (inclusive), always below the ephemeral range.

    20000-32000 normally; when the ephemeral range starts lower than that, the 10,000 ports
    under its start (never below 1024).
    """
    low, _ = ephemeral_range()
    top = min(HIGHEST, low - 1)
    bottom = LOWEST if top - LOWEST >= 1000 else max(1024, top - 10000)
    if top <= bottom:
        raise RuntimeError(f"no ports below the ephemeral range ({low}) to choose from")
    return bottom, top


def _free_now(port: int) -> bool:
    # Binding the wildcard address fails when anything holds the port on any address.
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        try:
            sock.bind(("0.0.0.0", port))
        except OSError:
            return False
    return True


def free_port() -> int:
    """A random free port below the ephemeral range, for a server to bind later.

    Nothing holds it right now, and this process never hands out the same port twice (two
    calls in a row give two ports even though neither is bound yet).
    """
    bottom, top = candidate_range()
    for _ in range(500):
        port = _random.randint(bottom, top)
        if port not in _handed_out and _free_now(port):
            _handed_out.add(port)
            return port
    raise RuntimeError(f"no free port found in {bottom}-{top}")


def wait(port: int, seconds: float, host: str = "127.0.0.1") -> bool:
    """True once `host:port` accepts a connection, False after `seconds`."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            with socket.create_connection((host, port), timeout=1):
                return True
        except OSError:
            time.sleep(0.1)
    return False


if __name__ == "__main__":
    port = int(sys.argv[1])
    host = sys.argv[3] if len(sys.argv) > 3 else "127.0.0.1"
    if not wait(port, float(sys.argv[2]) if len(sys.argv) > 2 else 60, host):
        print(f"nothing is listening on {host}:{port}", file=sys.stderr)
        sys.exit(1)
