"""Telegram: Rasa's output channel behind a webhook that checks the Bot API secret token.

Enabled when TELEGRAM_TOKEN, TELEGRAM_BOT_NAME and TELEGRAM_WEBHOOK_URL are set. Rasa's own
input accepts any POST; this one only takes updates carrying the secret registered with
setWebhook (TELEGRAM_SECRET_TOKEN, or one derived from the bot token when unset).
TELEGRAM_API_URL points the Bot API client elsewhere (the offline tests use a local fake).
"""

import hashlib
import hmac
import json
import logging
from http import HTTPStatus
from typing import Any, Awaitable, Callable, Dict, List, Optional, Tuple

from aiogram import Bot
from aiogram.bot.api import TELEGRAM_PRODUCTION, TelegramAPIServer
from aiogram.types import Update
from rasa.core.channels.channel import InputChannel, UserMessage
from rasa.core.channels.telegram import TelegramOutput
from sanic import Blueprint, Sanic, response
from sanic.request import Request
from sanic.response import HTTPResponse

from connectors.guard import guard
from tandem import settings
from connectors.recent import RecentIds

logger = logging.getLogger(__name__)

SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
SETUP_TIMEOUT_SECONDS = 10
# Telegram's client sends /start first; Tandem greets instead of reading it as an intent.
START_COMMAND = "/start"
GREET_PAYLOAD = "/greet"


def derived_secret(token: str) -> str:
    """A webhook secret only the owner of the bot token can know (Bot API: [A-Za-z0-9_-])."""
    return hmac.new(token.encode(), b"tandem-telegram-webhook", hashlib.sha256).hexdigest()


class TandemTelegramOutput(TelegramOutput):
    """Rasa's Telegram output at a configurable Bot API address, buttons one per row."""

    def __init__(self, access_token: str, server: TelegramAPIServer = TELEGRAM_PRODUCTION
                 ) -> None:
        Bot.__init__(self, access_token, server=server)

    async def send_text_with_buttons(self, recipient_id: str, text: str,
                                     buttons: List[Dict[str, Any]],
                                     button_type: Optional[str] = "vertical",
                                     **kwargs: Any) -> None:
        """Stacks the buttons: dimension names are too long to share a row on a phone."""
        await super().send_text_with_buttons(recipient_id, text, buttons, "vertical", **kwargs)


class TelegramChannel(InputChannel):
    """Telegram updates on /webhooks/telegram/webhook."""

    @classmethod
    def name(cls) -> str:
        """The channel name, also the webhook path segment."""
        return "telegram"

    @classmethod
    def from_credentials(cls, credentials: Optional[Dict[str, Any]]) -> InputChannel:
        """Builds the channel from the environment; credentials.yml holds no secrets."""
        telegram = settings.telegram()
        token = telegram["token"]
        return cls(
            token=token,
            bot_name=telegram["bot_name"],
            webhook_url=telegram["webhook_url"],
            secret=telegram["secret"] or (token and derived_secret(token)),
            api_url=telegram["api_url"],
        )

    def __init__(self, token: str, bot_name: str, webhook_url: str, secret: str,
                 api_url: str = "") -> None:
        self.enabled = bool(token and bot_name and webhook_url)
        self.token = token
        self.bot_name = bot_name
        self.webhook_url = webhook_url
        self.secret = secret
        self.server = TelegramAPIServer.from_base(api_url) if api_url else TELEGRAM_PRODUCTION
        self.updates = RecentIds()
        self._output: Optional[TandemTelegramOutput] = None

    def get_output_channel(self) -> TandemTelegramOutput:
        """One Bot API client per process, created on first use inside the server loop."""
        if self._output is None:
            self._output = TandemTelegramOutput(self.token, self.server)
        return self._output

    async def register_webhook(self) -> bool:
        """Tells Telegram where to send updates and which secret to send; never raises."""
        bot = self.get_output_channel()
        try:
            with bot.request_timeout(SETUP_TIMEOUT_SECONDS):
                await bot.request("setWebhook", {"url": self.webhook_url,
                                                 "secret_token": self.secret})
        except Exception as error:  # noqa: BLE001 - any failure must leave the bot running
            logger.error("Telegram setWebhook failed (%s: %s). Tandem keeps running; "
                         "Telegram updates will arrive once the webhook is registered.",
                         type(error).__name__, error)
            return False
        logger.info("Telegram webhook registered at %s.", self.webhook_url)
        return True

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]
                  ) -> Blueprint:
        """Health, and the webhook that checks the secret before reading the update."""
        telegram_webhook = Blueprint("telegram_webhook", __name__)
        handle = guard(on_new_message)

        @telegram_webhook.route("/", methods=["GET"])
        async def health(_: Request) -> HTTPResponse:
            return response.json({"status": "ok" if self.enabled else "not configured"})

        if self.enabled:
            @telegram_webhook.listener("after_server_start")
            async def register(_: Sanic, __: Any) -> None:
                await self.register_webhook()

        @telegram_webhook.route("/webhook", methods=["POST"])
        async def webhook(request: Request) -> HTTPResponse:
            if not self.enabled:
                return response.json({"error": "Telegram is not configured on this server"},
                                     status=HTTPStatus.NOT_FOUND)
            if not hmac.compare_digest(request.headers.get(SECRET_HEADER, ""), self.secret):
                logger.warning("Refused a Telegram update without the right secret token.")
                return response.text("Forbidden.", status=HTTPStatus.FORBIDDEN)
            update = parse_update(request.body)
            if update is None:
                return response.text("Malformed Telegram update.",
                                     status=HTTPStatus.BAD_REQUEST)
            if self.updates.check_and_add(update.update_id):
                return response.text("success")
            message = user_message(update)
            if message is None:
                return response.text("success")
            chat_id, text = message
            if update.callback_query is not None:
                await self.acknowledge_button(update.callback_query.id)
            try:
                await handle(UserMessage(
                    text, self.get_output_channel(), chat_id, input_channel=self.name(),
                    metadata=self.get_metadata(request)))
            except Exception:  # noqa: BLE001 - Telegram retries on errors; answer once
                logger.exception("Could not handle a Telegram update.")
            return response.text("success")

        return telegram_webhook

    async def acknowledge_button(self, callback_query_id: str) -> None:
        """Stops the client's button spinner; a failure here must not lose the message."""
        try:
            await self.get_output_channel().answer_callback_query(callback_query_id)
        except Exception as error:  # noqa: BLE001
            logger.warning("answerCallbackQuery failed: %s", type(error).__name__)


def parse_update(body: bytes) -> Optional[Update]:
    """The Update in a webhook body, or None if it is not one."""
    try:
        data = json.loads(body)
        if not isinstance(data, dict) or not isinstance(data.get("update_id"), int):
            return None
        return Update(**data)
    except (TypeError, ValueError, AttributeError):
        return None


def user_message(update: Update) -> Optional[Tuple[str, str]]:
    """(chat id, text) for a text message, edited message or button press; else None."""
    if update.callback_query is not None and update.callback_query.message is not None:
        return str(update.callback_query.message.chat.id), update.callback_query.data or ""
    message = update.message or update.edited_message
    if message is None or message.text is None or message.chat is None:
        return None
    text = message.text
    if text.split("@")[0].strip() == START_COMMAND:
        text = GREET_PAYLOAD
    return str(message.chat.id), text
