"""Debian's PostgreSQL, Redis and nginx on loopback, in temporary folders, for tests.

scripts/debian-packages.txt lists the packages (`make test` installs them as root). Tests
mark what they need with `@pytest.mark.requires(HAVE_..., reason)`: a missing one fails the
test with the reason, or skips it with TANDEM_ALLOW_SKIP=1 (tests/conftest.py).
"""

import glob
import os
import shutil
import subprocess
import tempfile
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from contextlib import ExitStack, contextmanager
from pathlib import Path
from typing import Dict, Iterator, List, Sequence

from scripts import wait_for_port
from tests.servers import Bot, free_port, running_bot

PG_BINS = sorted(glob.glob("/usr/lib/postgresql/*/bin"))
PG_BIN = Path(PG_BINS[-1]) if PG_BINS else None
HAVE_POSTGRES = PG_BIN is not None and (PG_BIN / "initdb").exists()
HAVE_REDIS = shutil.which("redis-server") is not None
HAVE_NGINX = shutil.which("nginx") is not None or Path("/usr/sbin/nginx").exists()


def _as_postgres_user(command: Sequence[str]) -> List[str]:
    # PostgreSQL refuses to run as root; CI runs as root.
    return ["runuser", "-u", "postgres", "--", *command] if os.geteuid() == 0 else list(command)


class Postgres:
    """A throw-away PostgreSQL cluster; `stop()` and `start()` simulate an outage."""

    def __init__(self, folder: Path, port: int) -> None:
        self.folder = folder
        self.port = port
        self.url = f"postgresql://tandem@127.0.0.1:{port}/tandem"

    def _ctl(self, *args: str) -> None:
        assert PG_BIN is not None
        subprocess.run(_as_postgres_user([
            str(PG_BIN / "pg_ctl"), "-D", str(self.folder / "data"), "-l",
            str(self.folder / "postgres.log"), "-w", "-t", "60", *args]),
            check=True, stdout=subprocess.DEVNULL)

    def start(self) -> None:
        """Starts the server and waits until it accepts connections."""
        self._ctl("-o", f"-p {self.port} -k {self.folder} -h 127.0.0.1 -F", "start")

    def stop(self) -> None:
        """Stops the server at once (clients are disconnected)."""
        self._ctl("-m", "fast", "stop")


@contextmanager
def running_postgres() -> Iterator[Postgres]:
    """PostgreSQL with a `tandem` superuser and database, trusted on loopback."""
    assert PG_BIN is not None
    folder = Path(tempfile.mkdtemp(prefix="tandem-pg-"))
    if os.geteuid() == 0:
        shutil.chown(folder, "postgres", "postgres")
    server = Postgres(folder, free_port())
    subprocess.run(_as_postgres_user([
        str(PG_BIN / "initdb"), "-D", str(folder / "data"), "-A", "trust", "-U", "tandem",
        "-E", "UTF8", "--no-sync"]), check=True, stdout=subprocess.DEVNULL)
    server.start()
    try:
        subprocess.run([str(PG_BIN / "createdb"), "-h", "127.0.0.1", "-p", str(server.port),
                        "-U", "tandem", "tandem"], check=True)
        yield server
    finally:
        try:
            server.stop()
        except subprocess.CalledProcessError:
            pass  # already stopped by the test
        shutil.rmtree(folder, ignore_errors=True)


@contextmanager
def running_redis() -> Iterator[str]:
    """redis-server on a free loopback port, without persistence; yields its URL."""
    port = free_port()
    process = subprocess.Popen(["redis-server", "--port", str(port), "--bind", "127.0.0.1",
                                "--save", "", "--appendonly", "no"],
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        _wait_port(port, 30)
        yield f"redis://127.0.0.1:{port}/1"
    finally:
        process.terminate()
        process.wait(timeout=10)


class Balancer:
    """A running nginx: its URL and which upstream served each request."""

    def __init__(self, url: str, access_log: Path) -> None:
        self.url = url
        self.access_log = access_log

    def served_by(self) -> Dict[str, int]:
        """Requests per upstream address so far."""
        lines = self.access_log.read_text().split() if self.access_log.exists() else []
        return dict(Counter(lines))


@contextmanager
def running_nginx(upstreams: Sequence[str]) -> Iterator[Balancer]:
    """nginx balancing round robin over `upstreams` (host:port)."""
    folder = Path(tempfile.mkdtemp(prefix="tandem-nginx-"))
    port = free_port()
    servers = "\n".join(f"    server {u};" for u in upstreams)
    (folder / "nginx.conf").write_text(f"""
worker_processes 1;
daemon off;
pid {folder}/nginx.pid;
error_log {folder}/error.log warn;
events {{ worker_connections 1024; }}
http {{
  log_format upstream '$upstream_addr';
  access_log {folder}/access.log upstream;
  client_body_temp_path {folder}/body;
  proxy_temp_path {folder}/proxy;
  fastcgi_temp_path {folder}/fastcgi;
  uwsgi_temp_path {folder}/uwsgi;
  scgi_temp_path {folder}/scgi;
  upstream rasa {{
{servers}
  }}
  server {{
    listen 127.0.0.1:{port};
    location / {{
      proxy_pass http://rasa;
      proxy_read_timeout 120s;
    }}
  }}
}}
""")
    nginx = shutil.which("nginx") or "/usr/sbin/nginx"
    process = subprocess.Popen([nginx, "-c", str(folder / "nginx.conf"), "-p", str(folder)],
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        _wait_port(port, 30)
        yield Balancer(f"http://127.0.0.1:{port}", folder / "access.log")
    finally:
        process.terminate()
        process.wait(timeout=10)
        shutil.rmtree(folder, ignore_errors=True)


def _wait_port(port: int, seconds: float) -> None:
    if not wait_for_port.wait(port, seconds):
        raise TimeoutError(f"nothing listens on {port}")


@contextmanager
def running_replicas(folder: Path) -> Iterator[List[Bot]]:
    """Two rasa replicas (each with its action server) on one PostgreSQL and one Redis,
    started at the same time (on two cores that takes about as long as starting one)."""
    with running_postgres() as postgres, running_redis() as redis:
        env = {"TANDEM_DB_URL": postgres.url, "TANDEM_REDIS_URL": redis}
        for name in ("a", "b"):
            (folder / name).mkdir(exist_ok=True)
        managers = [running_bot(folder / name / "logs.db", env_extra=env) for name in "ab"]
        with ExitStack() as stack:
            with ThreadPoolExecutor(len(managers)) as pool:
                started = [pool.submit(manager.__enter__) for manager in managers]
            bots: List[Bot] = []
            for manager, future in zip(managers, started, strict=True):
                try:
                    bots.append(future.result())
                except BaseException:
                    continue  # its own finally stopped what it started; raised below
                stack.push(manager)  # stopped when the block ends, whatever happens
            if len(bots) < len(managers):
                for future in started:
                    future.result()  # re-raises the failure; the started ones stop on the way out
            yield bots
