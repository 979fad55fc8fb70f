"""Faults a person must not notice as silence: the action server down, and back."""

import os
import signal
import time
import uuid
from pathlib import Path
from typing import Iterator
from urllib.parse import urlsplit

import pytest
import requests

from tests.servers import Bot, _stop, _wait_http, running_bot, start_action_server


@pytest.fixture(scope="module")
def bot(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Bot]:
    folder: Path = tmp_path_factory.mktemp("faults")
    with running_bot(folder / "tracker.db") as running:
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


def test_action_server_down_gets_a_short_reply_and_recovers(bot: Bot, tmp_path: Path) -> None:
    sender = f"fault-{uuid.uuid4().hex[:8]}"
    assert "This sounds like" in texts(bot.send(
        sender, "I always lie to my sister's boss and say she's sick when she's hungover"))
    os.kill(bot.actions_pid, signal.SIGTERM)
    port = urlsplit(bot.env["TANDEM_ACTION_URL"]).port
    assert port is not None
    assert wait_until_down(f"http://127.0.0.1:{port}/health", 30)
    replies = bot.send(sender, "I do all the cooking and cleaning and he never helps")
    assert "having trouble right now" in texts(replies)
    restarted = start_action_server(bot.env, port, tmp_path / "actions.log")
    try:
        _wait_http(f"http://127.0.0.1:{port}/health", 120, restarted)
        replies = bot.send(sender, "I told my mum no when she asked me to host christmas "
                                   "again and I honestly didn't feel guilty about it")
        assert "This sounds like" in texts(replies)
        users = [e["text"] for e in bot.tracker(sender)["events"] if e["event"] == "user"]
        assert len(users) == 3  # the message during the outage is kept, not lost
    finally:
        _stop(restarted)
