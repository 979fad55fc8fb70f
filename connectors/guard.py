"""What every channel shares: sender id rules and a reply when storage is down."""

import logging
import unicodedata
from typing import Any, Awaitable, Callable

from rasa.core.channels.channel import UserMessage
from sanic import Sanic

from storage.tracker_store import HANDLING_MESSAGE, StorageUnavailable

logger = logging.getLogger(__name__)

MAX_SENDER_ID = 255  # the tracker store's sender_id column
STORAGE_TROUBLE = "utter_storage_trouble"

Handler = Callable[[UserMessage], Awaitable[Any]]


def valid_sender_id(sender_id: object) -> bool:
    """1-255 characters, none of them control characters."""
    return (isinstance(sender_id, str) and 0 < len(sender_id) <= MAX_SENDER_ID
            and not any(unicodedata.category(c) == "Cc" for c in sender_id))


def _response_text(name: str) -> str:
    """The first text of a domain response, from the model the server has loaded."""
    agent = Sanic.get_app().ctx.agent
    return str(agent.domain.responses[name][0]["text"])


def guard(on_new_message: Handler) -> Handler:
    """Wraps Rasa's message handler: if the database is down, the person is told so."""

    async def handle(message: UserMessage) -> None:
        HANDLING_MESSAGE.set(True)
        try:
            await on_new_message(message)
        except StorageUnavailable as error:
            logger.error("Message not handled: %s", error)
            await message.output_channel.send_response(
                message.sender_id, {"text": _response_text(STORAGE_TROUBLE)})

    return handle
