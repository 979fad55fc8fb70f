"""One person talking to Tandem over each channel, as that channel's platform would."""

import hashlib
import hmac
import itertools
import json
import random
import threading
import time
import uuid
from typing import Any, Callable, Dict, List, Optional
from urllib.parse import urlencode

import requests
import socketio

from tests.fake_platforms import FakeApi
from tests.servers import Bot

SLACK_SIGNING_SECRET = "test-signing-secret-0123456789abcdef"
SLACK_BOT_TOKEN = "xoxb-test-token"
TELEGRAM_TOKEN = "123456789:TEST-token_abcdefghijklmnopqrstuvwxyz01234"
TELEGRAM_SECRET = "test-telegram-secret_0123456789"
_update_ids = itertools.count(int(time.time()))


def wait_until_answered(bot: Bot, sender: str, user_messages: int, seconds: float = 60) -> None:
    """Waits until the tracker holds `user_messages` user turns and the bot is listening."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            events = bot.tracker(sender)["events"]
        except requests.HTTPError:
            events = []
        users = sum(1 for e in events if e["event"] == "user")
        if users >= user_messages and events[-1]["event"] == "action" \
                and events[-1]["name"] == "action_listen":
            return
        time.sleep(0.2)
    raise TimeoutError(f"{sender} was not answered {user_messages} times in {seconds}s")


def slack_headers(body: bytes, secret: str = SLACK_SIGNING_SECRET,
                  timestamp: Optional[float] = None) -> Dict[str, str]:
    """The signature headers Slack puts on a request."""
    stamp = str(int(time.time() if timestamp is None else timestamp))
    digest = hmac.new(secret.encode(), f"v0:{stamp}:".encode() + body,
                      hashlib.sha256).hexdigest()
    return {"X-Slack-Request-Timestamp": stamp, "X-Slack-Signature": f"v0={digest}"}


class ChannelClient:
    """Sends a person's messages and returns the texts Tandem sent back on that channel."""

    sender: str

    def say(self, text: str) -> List[str]:
        """Sends one message; the reply texts."""
        raise NotImplementedError

    def close(self) -> None:
        """Releases connections."""


class RestClient(ChannelClient):
    """The REST webhook."""

    def __init__(self, bot: Bot) -> None:
        self.bot = bot
        self.sender = f"rest-{uuid.uuid4().hex[:10]}"

    def say(self, text: str) -> List[str]:
        return [r.get("text", "") for r in self.bot.send(self.sender, text)]


class SocketIoClient(ChannelClient):
    """socket.io as the web widget speaks it: session_request, then user_uttered."""

    def __init__(self, bot: Bot) -> None:
        self.bot = bot
        self.sender = uuid.uuid4().hex
        self.received: List[Dict[str, Any]] = []
        self.turns = 0
        self.confirmed = threading.Event()
        self.client = socketio.Client(reconnection=False)
        self.client.on("bot_uttered", self.received.append)
        self.client.on("session_confirm", lambda _: self.confirmed.set())
        self.client.connect(bot.url, socketio_path="/socket.io", transports=["polling"])
        self.client.emit("session_request", {"session_id": self.sender})
        if not self.confirmed.wait(30):
            raise TimeoutError("socket.io session was not confirmed")

    def say(self, text: str) -> List[str]:
        seen = len(self.received)
        self.turns += 1
        self.client.emit("user_uttered", {"message": text, "session_id": self.sender})
        wait_until_answered(self.bot, self.sender, self.turns)
        time.sleep(0.5)  # bot_uttered frames may trail the tracker update by a poll cycle
        return [m.get("text", "") for m in self.received[seen:]]

    def close(self) -> None:
        # Client.disconnect() joins the pending long-poll request, which the server holds
        # for up to its ping interval (about 30 s a test); nothing is left to receive, so
        # close the engine.io session without waiting for it (the server ends the session).
        self.client.eio.disconnect(abort=True)


class SlackClient(ChannelClient):
    """Signed Events API deliveries of direct messages, and button clicks."""

    def __init__(self, bot: Bot, api: FakeApi) -> None:
        self.bot = bot
        self.api = api
        self.sender = f"U{uuid.uuid4().hex[:9].upper()}"
        self.channel = f"D{uuid.uuid4().hex[:9].upper()}"
        self.turns = 0

    def event(self, text: str) -> Dict[str, Any]:
        """An Events API envelope for a direct message from this person."""
        return {"type": "event_callback", "team_id": "T0TANDEM", "api_app_id": "A0TANDEM",
                "event_id": f"Ev{uuid.uuid4().hex[:10]}", "event_time": int(time.time()),
                "authorizations": [{"user_id": "U0TANDEMBOT"}],
                "event": {"type": "message", "channel_type": "im", "channel": self.channel,
                          "user": self.sender, "text": text, "ts": f"{time.time():.6f}"}}

    def post_json(self, body: bytes, headers: Optional[Dict[str, str]] = None
                  ) -> requests.Response:
        """POSTs a JSON body to the Slack webhook, signed unless headers say otherwise."""
        return requests.post(f"{self.bot.url}/webhooks/slack/webhook", data=body, timeout=30,
                             headers={"Content-Type": "application/json",
                                      **(headers if headers is not None
                                         else slack_headers(body))})

    def click(self, value: str) -> List[str]:
        """A signed block_actions payload for a button with this value."""
        payload = {"type": "block_actions", "trigger_id": uuid.uuid4().hex,
                   "user": {"id": self.sender}, "channel": {"id": self.channel},
                   "message": {"ts": f"{time.time():.6f}"},
                   "actions": [{"type": "button", "value": value,
                                "action_ts": f"{time.time():.6f}"}]}
        body = urlencode({"payload": json.dumps(payload)}).encode()
        return self.deliver(lambda: requests.post(
            f"{self.bot.url}/webhooks/slack/webhook", data=body, timeout=30,
            headers={"Content-Type": "application/x-www-form-urlencoded",
                     **slack_headers(body)}))

    def say(self, text: str) -> List[str]:
        body = json.dumps(self.event(text)).encode()
        return self.deliver(lambda: self.post_json(body))

    def deliver(self, post: Callable[[], requests.Response]) -> List[str]:
        """Makes one delivery; the texts Tandem posted back once it answered."""
        seen = len(self.posts())
        response = post()
        assert response.status_code == 200, response.text
        self.turns += 1
        wait_until_answered(self.bot, self.sender, self.turns)
        time.sleep(0.5)  # Rasa posts to Slack from a background task
        return [str(c.params.get("text", "")) for c in self.posts()[seen:]]

    def posts(self) -> List[Any]:
        """chat.postMessage calls to this person's channel."""
        return self.api.calls_to("chat.postMessage", channel=self.channel)


class TelegramClient(ChannelClient):
    """Bot API webhook updates from a private chat, with the registered secret."""

    def __init__(self, bot: Bot, api: FakeApi) -> None:
        self.bot = bot
        self.api = api
        self.chat_id = random.randint(10**8, 10**9)
        self.sender = str(self.chat_id)

    def message_update(self, text: str) -> Dict[str, Any]:
        """An Update carrying a text message from this person."""
        person = {"id": self.chat_id, "is_bot": False, "first_name": "Sam"}
        return {"update_id": next(_update_ids), "message": {
            "message_id": random.randint(1, 10**6), "date": int(time.time()),
            "chat": {"id": self.chat_id, "type": "private"}, "from": person, "text": text}}

    def button_update(self, data: str) -> Dict[str, Any]:
        """An Update carrying a press on an inline keyboard button."""
        person = {"id": self.chat_id, "is_bot": False, "first_name": "Sam"}
        return {"update_id": next(_update_ids), "callback_query": {
            "id": uuid.uuid4().hex[:16], "from": person, "chat_instance": "1", "data": data,
            "message": {"message_id": random.randint(1, 10**6), "date": int(time.time()),
                        "chat": {"id": self.chat_id, "type": "private"}, "text": "..."}}}

    def post(self, update: Any, secret: Optional[str] = TELEGRAM_SECRET,
             raw: Optional[bytes] = None) -> requests.Response:
        """POSTs an update to the webhook with the given secret header (None: no header)."""
        headers = {"Content-Type": "application/json"}
        if secret is not None:
            headers["X-Telegram-Bot-Api-Secret-Token"] = secret
        body = raw if raw is not None else json.dumps(update).encode()
        return requests.post(f"{self.bot.url}/webhooks/telegram/webhook", data=body,
                             headers=headers, timeout=60)

    def sends(self) -> List[Any]:
        """sendMessage calls to this chat."""
        return self.api.calls_to("sendMessage", chat_id=self.chat_id)

    def deliver(self, update: Dict[str, Any]) -> List[str]:
        """Posts an update; the texts sent back (the webhook answers after processing)."""
        seen = len(self.sends())
        response = self.post(update)
        assert response.status_code == 200, response.text
        return [str(c.params.get("text", "")) for c in self.sends()[seen:]]

    def say(self, text: str) -> List[str]:
        return self.deliver(self.message_update(text))
