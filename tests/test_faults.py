"""Faults a person must not notice as silence or lost context: the action server down or
stalling, and the rasa server killed mid-conversation."""

import os
import signal
import threading
import time
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Iterator, List
from urllib.parse import urlsplit

import pytest
import requests

from tests.servers import Bot, running_bot, start_action_server, stop_process, wait_http

pytestmark = pytest.mark.slow  # starts, stops and kills the action server and rasa


ACTION_TIMEOUT = 3


@pytest.fixture(scope="module")
def bot(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Bot]:
    folder: Path = tmp_path_factory.mktemp("faults")
    with running_bot(folder / "tracker.db",
                     env_extra={"TANDEM_ACTION_TIMEOUT": str(ACTION_TIMEOUT)}) as running:
        yield running


def wait_until_down(url: str, seconds: float) -> bool:
    """True once nothing answers at `url`."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            requests.get(url, timeout=2)
        except requests.RequestException:
            return True
        time.sleep(0.5)
    return False


def texts(replies) -> str:
    return "\n".join(r.get("text", "") for r in replies)


def stop_action_server(bot: Bot) -> int:
    """Stops the bot's action server; returns the port it listened on."""
    os.kill(bot.actions_pid, signal.SIGTERM)
    port = urlsplit(bot.env["TANDEM_ACTION_URL"]).port
    assert port is not None
    assert wait_until_down(f"http://127.0.0.1:{port}/health", 30)
    return port


def explained_after_restart(bot: Bot, port: int, log: Path, sender: str,
                            text: str) -> List[str]:
    """Starts the action server again on `port` and checks `text` is explained; returns
    every user turn the tracker kept."""
    restarted = start_action_server(bot.env, port, log)
    try:
        wait_http(f"http://127.0.0.1:{port}/health", 120, restarted)
        assert "That sounds like" in texts(bot.send(sender, text))
        return [e["text"] for e in bot.tracker(sender)["events"] if e["event"] == "user"]
    finally:
        stop_process(restarted)


def test_action_server_down_gets_a_short_reply_and_recovers(bot: Bot, tmp_path: Path) -> None:
    sender = f"fault-{uuid.uuid4().hex[:8]}"
    assert "That sounds like" in texts(bot.send(
        sender, "I always lie to my sister's boss and say she's sick when she's hungover"))
    port = stop_action_server(bot)
    replies = bot.send(sender, "I do all the cooking and cleaning and he never helps")
    assert "having trouble right now" in texts(replies)
    users = explained_after_restart(
        bot, port, tmp_path / "actions.log", sender,
        "I told my mum no when she asked me to host christmas again and I honestly didn't "
        "feel guilty about it")
    assert len(users) == 3  # the message during the outage is kept, not lost


class StallingActionServer:
    """Accepts action calls on a port and answers none of them until stopped."""

    def __init__(self, port: int) -> None:
        release = self.release = threading.Event()

        class Stall(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802 - http.server's naming
                release.wait(120)
                self.send_response(503)
                self.end_headers()

            def log_message(self, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", port), Stall)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def stop(self) -> None:
        self.release.set()
        self.server.shutdown()
        self.server.server_close()


def test_a_stalling_action_server_gets_the_trouble_reply_within_the_timeout(
        bot: Bot, tmp_path: Path) -> None:
    sender = f"stall-{uuid.uuid4().hex[:8]}"
    port = stop_action_server(bot)
    stalling = StallingActionServer(port)
    try:
        began = time.monotonic()
        replies = bot.send(sender, "I pretend everything is fine with my husband so we don't "
                                   "fight, even when I'm really upset")
        waited = time.monotonic() - began
    finally:
        stalling.stop()
    assert "having trouble right now" in texts(replies)
    assert waited < ACTION_TIMEOUT + 10  # not Rasa's default 5 minutes
    users = explained_after_restart(
        bot, port, tmp_path / "actions.log", sender,
        "my sister and I help each other move house and neither of us keeps score")
    assert len(users) == 2


def test_rasa_killed_mid_conversation_continues_from_the_sql_store(tmp_path: Path) -> None:
    sender = f"killed-{uuid.uuid4().hex[:8]}"
    store = tmp_path / "tracker.db"
    with running_bot(store) as first:
        replies = first.send(sender, "he needs me")
        buttons = [b["payload"] for r in replies for b in r.get("buttons", [])]
        assert len(buttons) >= 3 and first.slots(sender)["clarify_candidates"]
        os.kill(first.rasa_pid, signal.SIGKILL)
        assert wait_until_down(f"{first.url}/", 10)
    with running_bot(store) as second:
        # The answer to a question asked before the crash is understood after it.
        replies = second.send(sender, buttons[0])
        assert "That sounds like" in texts(replies)
        dimension = buttons[0].split('"dimension":"')[1].split('"')[0]
        assert second.slots(sender)["findings"][0].endswith(f":{dimension}")
        users = [e["text"] for e in second.tracker(sender)["events"] if e["event"] == "user"]
        assert users == ["he needs me", buttons[0]]
