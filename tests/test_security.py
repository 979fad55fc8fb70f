"""`make serve` as shipped: the HTTP API only behind a token or JWT, CORS only for the
configured origins, and none of a person's words in the logs at the default level."""

import os
import signal
import subprocess
import uuid
from contextlib import contextmanager
from pathlib import Path
from typing import Dict, Iterator

import jwt
import pytest
import requests

from bench.data import ROOT
from tests.servers import MODEL, free_port, wait_http

pytestmark = pytest.mark.slow  # runs scripts/serve.sh

ALLOWED = "https://chat.allowed.example"
# Words nobody else uses, so finding them in a log means a message leaked into it.
SECRET_WORDS = "zorblax quimbering"
MESSAGES = [
    f"my husband {SECRET_WORDS} never helps with anything and I do all the chores",
    f"I feel {SECRET_WORDS} like I want to kill myself",
    f"what is {SECRET_WORDS} codependency",
    f"{SECRET_WORDS} " * 900,
    f"hola {SECRET_WORDS} mi novio no me deja salir",
]


@contextmanager
def serving(folder: Path, env_extra: Dict[str, str]) -> Iterator[str]:
    """`bash scripts/serve.sh` on free ports until the block ends; yields the base URL."""
    if not MODEL.exists():
        pytest.fail(f"{MODEL} is missing: run `make train` first")
    port = free_port()
    inherited = {k: v for k, v in os.environ.items() if not k.startswith("TANDEM_")}
    env = dict(inherited, ACTION_PORT=str(free_port()), RASA_PORT=str(port),
               TANDEM_DB_URL=f"sqlite:///{folder / 'tracker.db'}", TANDEM_LOG_DIR=str(folder),
               TANDEM_CORS_ORIGINS=ALLOWED, TF_CPP_MIN_LOG_LEVEL="2", **env_extra)
    process = subprocess.Popen(["bash", "scripts/serve.sh"], cwd=ROOT, env=env,
                               stdout=open(folder / "rasa.log", "w"), stderr=subprocess.STDOUT,
                               start_new_session=True)
    url = f"http://127.0.0.1:{port}"
    try:
        wait_http(url, 300, process)
        yield url
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


def send(url: str, sender: str, text: str) -> requests.Response:
    return requests.post(f"{url}/webhooks/rest/webhook", timeout=60,
                         json={"sender": sender, "message": text})


def test_without_a_token_the_api_stays_closed(tmp_path: Path) -> None:
    with serving(tmp_path, {}) as url:
        assert send(url, "closed-api", "hello").json()
        for path in ("/status", "/conversations/closed-api/tracker", "/model/parse"):
            assert requests.get(f"{url}{path}", timeout=10).status_code in (404, 405), path
        assert requests.post(f"{url}/model/parse", json={"text": "hi"},
                             timeout=10).status_code == 404
    assert "HTTP API closed" in (tmp_path / "rasa.log").read_text()


def test_token_cors_and_quiet_logs(tmp_path: Path) -> None:
    token = uuid.uuid4().hex
    sender = f"sec-{uuid.uuid4().hex[:8]}"
    with serving(tmp_path, {"TANDEM_API_TOKEN": token}) as url:
        tracker = f"{url}/conversations/{sender}/tracker"
        assert requests.get(tracker, timeout=10).status_code == 401
        assert requests.get(tracker, params={"token": "wrong"}, timeout=10).status_code == 401
        assert requests.get(tracker, params={"token": token}, timeout=10).ok

        preflight = {"Access-Control-Request-Method": "POST",
                     "Access-Control-Request-Headers": "content-type"}
        allowed = requests.options(f"{url}/webhooks/rest/webhook", timeout=10,
                                   headers={"Origin": ALLOWED, **preflight})
        assert allowed.headers.get("Access-Control-Allow-Origin") == ALLOWED
        other = requests.options(f"{url}/webhooks/rest/webhook", timeout=10,
                                 headers={"Origin": "https://evil.example", **preflight})
        assert "Access-Control-Allow-Origin" not in other.headers
        posted = requests.post(f"{url}/webhooks/rest/webhook", timeout=60,
                               headers={"Origin": "https://evil.example"},
                               json={"sender": sender, "message": "hi"})
        assert "Access-Control-Allow-Origin" not in posted.headers

        for text in MESSAGES:
            send(url, sender, text)
        send(url, sender, "x" * 30_000 + SECRET_WORDS)  # refused with 400
        users = [e for e in requests.get(tracker, params={"token": token}, timeout=10)
                 .json()["events"] if e["event"] == "user"]
        assert len(users) == 1 + len(MESSAGES)
    logs = {name: (tmp_path / name).read_text() for name in ("rasa.log", "actions.log")}
    assert all(logs.values())
    for name, text in logs.items():
        for word in SECRET_WORDS.split():
            assert word not in text, f"{name} contains message text"


def test_the_api_opens_with_a_jwt_and_refuses_a_forged_one(tmp_path: Path) -> None:
    secret = uuid.uuid4().hex
    with serving(tmp_path, {"TANDEM_JWT_SECRET": secret}) as url:
        good = jwt.encode({"user": {"username": "ops", "role": "admin"}}, secret,
                          algorithm="HS256")
        forged = jwt.encode({"user": {"username": "ops", "role": "admin"}}, "not-the-secret",
                            algorithm="HS256")
        status = f"{url}/status"
        assert requests.get(status, timeout=10).status_code == 401
        assert requests.get(status, timeout=10,
                            headers={"Authorization": f"Bearer {forged}"}).status_code == 401
        assert requests.get(status, timeout=10,
                            headers={"Authorization": f"Bearer {good}"}).ok
