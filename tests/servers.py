"""Start the action server and `rasa run` on free loopback ports for end-to-end tests."""

import os
import subprocess
import sys
import time
from contextlib import contextmanager
from pathlib import Path
from typing import Dict, Iterator, List, Optional, Sequence

from urllib.parse import quote

import requests

from bench.data import ROOT
from scripts.wait_for_port import free_port

__all__ = ["MODEL", "RASA", "ROOT", "TOKEN", "Bot", "free_port", "running_bot",
           "start_action_server", "stop_process", "stop_processes", "wait_http"]

MODEL = ROOT / "models" / "tandem.tar.gz"
RASA = str(Path(sys.executable).parent / "rasa")
TOKEN = "e2e-test-token"
# `make check` sets this: the unit tier must not start servers (mark such tests `slow`).
UNIT_TIER = "TANDEM_UNIT_TIER"


def no_servers_in_the_unit_tier() -> None:
    """Fails at once when a test of `make check`'s unit tier tries to start a server."""
    if os.environ.get(UNIT_TIER) == "1":
        raise RuntimeError("this test starts servers or needs the trained model: mark it "
                           "@pytest.mark.slow (make check runs only the unit tier)")


def wait_http(url: str, seconds: float, process: subprocess.Popen) -> None:
    """Waits until `url` answers 2xx; fails early when `process` exits first."""
    no_servers_in_the_unit_tier()
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"server exited with {process.returncode} before {url} answered")
        try:
            if requests.get(url, timeout=2).ok:
                return
        except requests.RequestException:
            pass
        time.sleep(0.2)
    raise TimeoutError(f"{url} did not answer within {seconds}s")


def stop_process(process: subprocess.Popen) -> None:
    """Stops `process` (SIGTERM, then SIGKILL after 20 s) and waits for it."""
    stop_processes([process])


def stop_processes(processes: Sequence[Optional[subprocess.Popen]]) -> None:
    """Stops several processes at once: each gets SIGTERM, then they are waited for together
    (rasa takes a few seconds to shut down; one after the other that time adds up)."""
    running = [p for p in processes if p is not None and p.poll() is None]
    for process in running:
        process.terminate()
    deadline = time.monotonic() + 20
    for process in running:
        try:
            process.wait(timeout=max(0.1, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


class Bot:
    """A running Tandem: REST webhook and the HTTP API, with helpers for tests."""

    def __init__(self, rasa_url: str, rasa_pid: int, actions_pid: int,
                 startup_seconds: float, db_url: str = "",
                 env: Optional[Dict[str, str]] = None) -> None:
        self.url = rasa_url
        self.db_url = db_url
        self.env = env or {}
        self.rasa_pid = rasa_pid
        self.actions_pid = actions_pid
        self.startup_seconds = startup_seconds

    def send(self, sender: str, text: str) -> List[Dict]:
        """Send one message over REST; returns the bot's replies."""
        response = requests.post(f"{self.url}/webhooks/rest/webhook",
                                 json={"sender": sender, "message": text}, timeout=60)
        response.raise_for_status()
        return response.json()

    def tracker(self, sender: str) -> Dict:
        """The conversation tracker from the HTTP API."""
        response = requests.get(f"{self.url}/conversations/{quote(sender, safe='')}/tracker",
                                params={"token": TOKEN}, timeout=30)
        response.raise_for_status()
        return response.json()

    def rows(self, table: str, sender: str) -> int:
        """How many rows of `table` (events, tandem_results) belong to `sender`, read
        straight from the database."""
        import sqlalchemy as sa

        engine = sa.create_engine(self.db_url)
        try:
            with engine.connect() as connection:
                return int(connection.execute(
                    sa.text(f"SELECT count(*) FROM {table} WHERE sender_id = :sender"),
                    {"sender": sender}).scalar_one())
        finally:
            engine.dispose()

    def slots(self, sender: str) -> Dict:
        """The tracker's current slots."""
        return self.tracker(sender)["slots"]


def start_action_server(env: Dict[str, str], port: int, log: Path) -> subprocess.Popen:
    """`rasa run actions` on loopback `port`, logging to `log`."""
    no_servers_in_the_unit_tier()
    # rasa_sdk has no --interface option; it binds SANIC_HOST (default 0.0.0.0).
    return subprocess.Popen(
        [RASA, "run", "actions", "--actions", "actions", "--port", str(port)],
        cwd=ROOT, env=dict(env, SANIC_HOST="127.0.0.1"), stdout=open(log, "a"),
        stderr=subprocess.STDOUT)


@contextmanager
def running_bot(db_path: Path, env_extra: Optional[Dict[str, str]] = None,
                rasa_args: Sequence[str] = (), model: Path = MODEL,
                start_together: bool = True) -> Iterator[Bot]:
    """Runs the action server and rasa (API with a token) until the block ends.

    Args:
        db_path: SQLite tracker store file; logs go next to it.
        env_extra: environment for both servers on top of this process's.
        rasa_args: extra `rasa run` arguments, such as `--cors`.
        model: the trained model to serve.
        start_together: start rasa while the action server is still starting (rasa calls
            it only when a message comes); False starts rasa once the action server
            answers, so `startup_seconds` is rasa's alone, without the other's CPU load.
    """
    no_servers_in_the_unit_tier()
    if not model.exists():
        raise FileNotFoundError(f"{model} is missing: run `make train` first")
    action_port, rasa_port = free_port(), free_port()
    # Channel secrets from the developer's shell must not switch channels on in tests.
    inherited = {k: v for k, v in os.environ.items()
                 if not k.startswith(("SLACK_", "TELEGRAM_", "TANDEM_"))}
    env = dict(inherited, PYTHONPATH=str(ROOT), TF_CPP_MIN_LOG_LEVEL="2",
               RASA_TELEMETRY_ENABLED="false",
               TANDEM_ACTION_URL=f"http://127.0.0.1:{action_port}/webhook",
               TANDEM_DB_URL=f"sqlite:///{db_path}")
    env.update(env_extra or {})
    logs = db_path.parent
    actions = start_action_server(env, action_port, logs / "actions.log")
    rasa = None
    try:
        if not start_together:
            wait_http(f"http://127.0.0.1:{action_port}/health", 120, actions)
        started = time.monotonic()
        rasa = subprocess.Popen(
            [RASA, "run", "--enable-api", "--auth-token", TOKEN, "--model", str(model),
             "--endpoints", "endpoints.yml", "--credentials", "credentials.yml",
             "--interface", "127.0.0.1", "--port", str(rasa_port), *rasa_args],
            cwd=ROOT, env=env, stdout=open(logs / "rasa.log", "w"), stderr=subprocess.STDOUT)
        wait_http(f"http://127.0.0.1:{rasa_port}/status?token={TOKEN}", 300, rasa)
        startup_seconds = time.monotonic() - started
        wait_http(f"http://127.0.0.1:{action_port}/health", 120, actions)
        yield Bot(f"http://127.0.0.1:{rasa_port}", rasa.pid, actions.pid,
                  startup_seconds, env["TANDEM_DB_URL"], env)
    finally:
        stop_processes([rasa, actions])
