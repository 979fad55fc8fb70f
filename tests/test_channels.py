"""Slack, Telegram and socket.io end to end, offline: the real connectors against local fakes."""

import json
import time
from pathlib import Path
from typing import Iterator, NamedTuple

import pytest

from tests.channel_clients import (
    SLACK_BOT_TOKEN,
    SLACK_SIGNING_SECRET,
    TELEGRAM_SECRET,
    TELEGRAM_TOKEN,
    ChannelClient,
    RestClient,
    SlackClient,
    SocketIoClient,
    TelegramClient,
    slack_headers,
)
from tests.fake_platforms import FakeApi, fake_slack, fake_telegram, reply_markup
from tests.servers import Bot, running_bot

pytestmark = pytest.mark.slow  # starts the action server and rasa

WEBHOOK_URL = "https://tandem.example.org/webhooks/telegram/webhook"
VAGUE = "he needs me"  # too vague for one dimension: Tandem asks, with buttons


class Platforms(NamedTuple):
    bot: Bot
    slack: FakeApi
    telegram: FakeApi


@pytest.fixture(scope="module")
def platforms(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Platforms]:
    folder: Path = tmp_path_factory.mktemp("channels")
    with fake_slack() as slack, fake_telegram() as telegram:
        env = {"SLACK_BOT_TOKEN": SLACK_BOT_TOKEN, "SLACK_SIGNING_SECRET": SLACK_SIGNING_SECRET,
               "SLACK_API_URL": f"{slack.url}/api/",
               "TELEGRAM_TOKEN": TELEGRAM_TOKEN, "TELEGRAM_BOT_NAME": "tandem_test_bot",
               "TELEGRAM_WEBHOOK_URL": WEBHOOK_URL, "TELEGRAM_SECRET_TOKEN": TELEGRAM_SECRET,
               "TELEGRAM_API_URL": telegram.url}
        with running_bot(folder / "tracker.db", env_extra=env) as bot:
            yield Platforms(bot, slack, telegram)


# --- Slack ---------------------------------------------------------------------------------

def test_slack_direct_message_gets_the_explanation(platforms: Platforms) -> None:
    person = SlackClient(platforms.bot, platforms.slack)
    texts = person.say("I do all the cooking, cleaning and bills and my husband never even "
                       "asks how my day was. I'm exhausted and nobody helps me.")
    assert any("That sounds like a codependent pattern around give and take" in t
               for t in texts)
    assert platforms.bot.slots(person.sender)["findings"] == ["codependent:give_and_take"]


def test_slack_clarifying_buttons_and_the_click_resolves_them(platforms: Platforms) -> None:
    person = SlackClient(platforms.bot, platforms.slack)
    person.say(VAGUE)
    with_buttons = [c for c in person.posts() if c.params.get("blocks")]
    assert with_buttons, "the clarifying question did not arrive with Slack buttons"
    blocks = with_buttons[-1].params["blocks"]
    buttons = [e for b in blocks if b["type"] == "actions" for e in b["elements"]]
    assert 2 <= len(buttons) <= 5  # Slack drops every button past five
    assert buttons[-1]["text"]["text"] == "None of these"
    first = buttons[0]
    texts = person.click(first["value"])
    dimension = json.loads(first["value"][first["value"].index("{"):])["dimension"]
    findings = platforms.bot.slots(person.sender)["findings"]
    assert len(findings) == 1 and findings[0].endswith(f":{dimension}")
    assert any(t.startswith("That sounds like") for t in texts)


@pytest.mark.parametrize("headers", [
    {"X-Slack-Request-Timestamp": str(int(time.time())), "X-Slack-Signature": "v0=deadbeef"},
    {},
    "stale",
    "wrong-secret",
], ids=["bad-signature", "unsigned", "stale-timestamp", "wrong-secret"])
def test_slack_refuses_bad_signatures_without_replying(platforms: Platforms,
                                                       headers: object) -> None:
    person = SlackClient(platforms.bot, platforms.slack)
    body = json.dumps(person.event("I always pay for everything and he never does")).encode()
    if headers == "stale":
        headers = slack_headers(body, timestamp=time.time() - 600)
    elif headers == "wrong-secret":
        headers = slack_headers(body, secret="not-the-secret")
    response = person.post_json(body, headers=headers)  # type: ignore[arg-type]
    assert response.status_code == 400
    time.sleep(1.5)
    assert person.posts() == []


def test_slack_retry_of_the_same_event_gets_no_second_reply(platforms: Platforms) -> None:
    person = SlackClient(platforms.bot, platforms.slack)
    event = person.event("I lie to my dad's friends about his drinking so nobody finds out")
    body = json.dumps(event).encode()
    first = len(person.deliver(lambda: person.post_json(body)))
    assert first >= 2  # intro, finding, explanation...
    for attempt, reason in ((1, "http_timeout"), (2, "http_error")):
        retry = person.post_json(body, headers={**slack_headers(body),
                                                "X-Slack-Retry-Num": str(attempt),
                                                "X-Slack-Retry-Reason": reason})
        assert retry.status_code == 200
    time.sleep(3)
    assert len(person.posts()) == first
    user_turns = [e for e in platforms.bot.tracker(person.sender)["events"]
                  if e["event"] == "user"]
    assert len(user_turns) == 1


def test_slack_crisis_reply_uses_mrkdwn_for_the_emergency_line(platforms: Platforms) -> None:
    person = SlackClient(platforms.bot, platforms.slack)
    texts = person.say("my husband hits me when he's drunk and I'm scared to go home")
    crisis = next(t for t in texts if "1-800-799-7233" in t)
    assert "*If you're in danger now, call your local emergency number" in crisis
    assert platforms.bot.slots(person.sender)["risk_detected"] is True


def test_slack_url_verification_and_malformed_bodies(platforms: Platforms) -> None:
    person = SlackClient(platforms.bot, platforms.slack)
    challenge = json.dumps({"type": "url_verification", "challenge": "c-123"}).encode()
    answer = person.post_json(challenge)
    assert answer.status_code == 200 and answer.json() == {"challenge": "c-123"}
    for body in (b"{not json", b"[1, 2]", b'{"event": "text"}', b"\xff\xfe"):
        assert person.post_json(body).status_code == 400


# --- Telegram ------------------------------------------------------------------------------

def test_telegram_registered_its_webhook_with_the_secret(platforms: Platforms) -> None:
    calls = platforms.telegram.wait_for("setWebhook")
    assert calls[0].params["url"] == WEBHOOK_URL
    assert calls[0].params["secret_token"] == TELEGRAM_SECRET


def test_telegram_message_gets_the_explanation(platforms: Platforms) -> None:
    person = TelegramClient(platforms.bot, platforms.telegram)
    texts = person.say("my girlfriend and I each have our own friends and hobbies and we "
                       "still make time for each other, it feels balanced")
    assert any(t.startswith("That sounds like an interdependent (healthy) pattern") for t in texts)
    assert all("**" not in t and "<b>" not in t for t in texts)  # plain text on Telegram


def test_telegram_buttons_are_an_inline_keyboard_and_a_press_resolves_them(
        platforms: Platforms) -> None:
    person = TelegramClient(platforms.bot, platforms.telegram)
    person.say(VAGUE)
    keyboards = [reply_markup(c) for c in person.sends() if c.params.get("reply_markup")]
    assert keyboards, "the clarifying question came without a keyboard"
    rows = keyboards[-1]["inline_keyboard"]
    buttons = [b for row in rows for b in row]
    assert all(len(row) == 1 for row in rows)  # one per row: readable on a phone
    assert all(len(b["callback_data"].encode()) <= 64 for b in buttons)  # Bot API limit
    texts = person.deliver(person.button_update(buttons[0]["callback_data"]))
    assert any(t.startswith("That sounds like") for t in texts)
    assert platforms.telegram.calls_to("answerCallbackQuery")


@pytest.mark.parametrize("secret", [None, "wrong-secret", ""], ids=["missing", "wrong", "empty"])
def test_telegram_refuses_updates_without_the_secret(platforms: Platforms,
                                                     secret: object) -> None:
    person = TelegramClient(platforms.bot, platforms.telegram)
    update = person.message_update("I always give in to my mum so she won't be upset")
    response = person.post(update, secret=secret)  # type: ignore[arg-type]
    assert response.status_code == 403
    assert person.sends() == []


def test_telegram_malformed_and_repeated_updates(platforms: Platforms) -> None:
    person = TelegramClient(platforms.bot, platforms.telegram)
    for raw in (b"{oops", b"[]", b'{"update_id": "x"}', b"\xff"):
        assert person.post(None, raw=raw).status_code == 400
    update = person.message_update("I keep apologising to my wife for things that aren't "
                                   "my fault just to keep the peace")
    assert person.deliver(update)
    assert person.deliver(update) == []  # Telegram redelivered it: no second answer


def test_telegram_start_command_greets(platforms: Platforms) -> None:
    person = TelegramClient(platforms.bot, platforms.telegram)
    texts = person.say("/start")
    assert any("not a therapist" in t for t in texts)


# --- socket.io --------------------------------------------------------------------------

def test_socketio_ignores_malformed_messages_and_keeps_serving(platforms: Platforms) -> None:
    person = SocketIoClient(platforms.bot)
    try:
        too_long = "s" * 256
        person.client.emit("user_uttered", "just a string")
        person.client.emit("user_uttered", {"message": ["not", "text"],
                                            "session_id": person.sender})
        person.client.emit("user_uttered", {"message": "hello", "session_id": too_long})
        time.sleep(2)
        for sender in (too_long, person.sender):
            events = platforms.bot.tracker(sender)["events"]
            assert not [e for e in events if e["event"] == "user"], sender
        assert person.received == []
        assert any("Tandem" in t for t in person.say("hello"))
    finally:
        person.close()


@pytest.mark.parametrize("text, answer", [
    ("", "didn't catch anything"),
    ("  \n\t ", "didn't catch anything"),
    ("I do everything for him. " * 4_000, "more than I can take in"),  # 100,000 characters
    ("\U0001F494\U0001F494", "only read words"),
    ("thanks \ud800", ""),
    ("/situation_codependent_helping", ""),
], ids=["empty", "whitespace", "100k", "emoji", "lone-surrogate", "forced-intent"])
def test_socketio_bad_input_gets_a_kind_reply(platforms: Platforms, text: str,
                                              answer: str) -> None:
    person = SocketIoClient(platforms.bot)
    try:
        person.say("hi")
        replies = person.say(text)
        assert replies and answer in "\n".join(replies)
        assert platforms.bot.slots(person.sender)["findings"] == []
    finally:
        person.close()


# --- Same answer everywhere ----------------------------------------------------------------

CONVERSATION = [
    ("I do all the cooking, cleaning and bills and my husband never even asks how my day "
     "was. I'm exhausted and nobody helps me.", ["codependent:give_and_take"], False),
    ("I told my mum no when she asked me to host christmas again and I honestly didn't feel "
     "guilty about it, she was fine", ["interdependent:boundaries"], False),
    ("I cover for him all the time and last night he choked me", [], True),
]


def client_for(channel: str, platforms: Platforms) -> ChannelClient:
    if channel == "rest":
        return RestClient(platforms.bot)
    if channel == "socketio":
        return SocketIoClient(platforms.bot)
    if channel == "slack":
        return SlackClient(platforms.bot, platforms.slack)
    return TelegramClient(platforms.bot, platforms.telegram)


@pytest.mark.parametrize("channel", ["rest", "socketio", "slack", "telegram"])
def test_same_findings_and_safety_flag_on_every_channel(platforms: Platforms,
                                                        channel: str) -> None:
    person = client_for(channel, platforms)
    try:
        for text, findings, risk in CONVERSATION:
            replies = " ".join(person.say(text))
            slots = platforms.bot.slots(person.sender)
            assert slots["findings"] == findings, channel
            assert slots["risk_detected"] is risk, channel
            if risk:
                assert "1-800-799-7233" in replies and "findahelpline.com" in replies
            else:
                assert "That sounds like" in replies
    finally:
        person.close()
