"""Connector logic without a server: delivery ids, secrets, updates, a failing setWebhook."""

import json
import logging
import re

import pytest

from connectors.recent import RecentIds
from connectors.telegram import TelegramChannel, derived_secret, parse_update, user_message
from tests.servers import free_port


def test_recent_ids_remember_within_the_window_and_forget_after() -> None:
    now = [0.0]
    recent = RecentIds(ttl_seconds=10, clock=lambda: now[0])
    assert recent.check_and_add("Ev1") is False
    assert recent.check_and_add("Ev1") is True
    now[0] = 11
    assert recent.check_and_add("Ev1") is False


def test_recent_ids_stay_bounded() -> None:
    recent = RecentIds(max_size=3)
    for delivery in range(10):
        recent.check_and_add(delivery)
    assert len(recent._seen) <= 3
    assert recent.check_and_add(9) is True


def test_derived_secret_is_stable_and_allowed_by_the_bot_api() -> None:
    secret = derived_secret("123:abc")
    assert secret == derived_secret("123:abc") != derived_secret("123:abd")
    assert re.fullmatch(r"[A-Za-z0-9_-]{1,256}", secret)


def update(**fields: object) -> bytes:
    return json.dumps({"update_id": 7, **fields}).encode()


CHAT = {"id": 99, "type": "private"}


@pytest.mark.parametrize("body, expected", [
    (update(message={"message_id": 1, "date": 0, "chat": CHAT, "text": "hi there"}),
     ("99", "hi there")),
    (update(message={"message_id": 1, "date": 0, "chat": CHAT, "text": "/start"}),
     ("99", "/greet")),
    (update(message={"message_id": 1, "date": 0, "chat": CHAT, "text": "/start@tandem_bot"}),
     ("99", "/greet")),
    (update(edited_message={"message_id": 1, "date": 0, "chat": CHAT, "text": "edited"}),
     ("99", "edited")),
    (update(callback_query={"id": "c", "chat_instance": "1", "data": "/deny",
                            "from": {"id": 99, "is_bot": False, "first_name": "A"},
                            "message": {"message_id": 1, "date": 0, "chat": CHAT}}),
     ("99", "/deny")),
    (update(message={"message_id": 1, "date": 0, "chat": CHAT,
                     "sticker": {"file_id": "x"}}), None),
])
def test_user_message_reads_text_edits_and_buttons(body: bytes, expected: object) -> None:
    parsed = parse_update(body)
    assert parsed is not None
    assert user_message(parsed) == expected


@pytest.mark.parametrize("body", [b"", b"{", b"[]", b'"text"', b'{"update_id": "1"}',
                                  b'{"message": {}}', b"\xff\xfe"])
def test_parse_update_refuses_what_is_not_an_update(body: bytes) -> None:
    assert parse_update(body) is None


async def test_unreachable_bot_api_leaves_the_bot_running_with_a_clear_log_line(
        caplog: pytest.LogCaptureFixture) -> None:
    channel = TelegramChannel("123456:TEST-token_abcdefghijklmnopqrstuvwxyz01234", "bot",
                              "https://example.org/hook", "secret",
                              api_url=f"http://127.0.0.1:{free_port()}")

    with caplog.at_level(logging.ERROR, logger="connectors.telegram"):
        try:
            assert await channel.register_webhook() is False
        finally:
            await channel.get_output_channel().session.close()
    assert "Telegram setWebhook failed" in caplog.text
    assert "keeps running" in caplog.text
