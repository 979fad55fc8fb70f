"""REST: Rasa's input, refusing bodies it would otherwise half-read, and kind when storage fails."""

import json
from http import HTTPStatus
from typing import Any, Awaitable, Callable, Optional

from rasa.core.channels.channel import UserMessage
from rasa.core.channels.rest import RestInput
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

from connectors.guard import MAX_SENDER_ID, guard, storable, valid_sender_id

# Longer messages are refused before NLU; MessageScreen already asks for a shorter version
# of anything over 3,000 characters, this only keeps megabyte bodies away from the model.
MAX_MESSAGE_CHARS = 20_000


def body_problem(body: bytes) -> Optional[str]:
    """Why a webhook body cannot be taken, or None if it can."""
    try:
        data = json.loads(body)
    except (UnicodeDecodeError, ValueError):
        return "the body must be JSON in UTF-8"
    if not isinstance(data, dict):
        return "the body must be a JSON object with 'sender' and 'message'"
    if not valid_sender_id(data.get("sender")):
        return f"'sender' must be a string of 1 to {MAX_SENDER_ID} printable characters"
    message = data.get("message")
    if not isinstance(message, str) or not storable(message):
        return "'message' must be a string of valid Unicode text"
    if len(message) > MAX_MESSAGE_CHARS:
        return f"'message' is longer than {MAX_MESSAGE_CHARS} characters"
    return None


class RestChannel(RestInput):
    """POST /webhooks/rest/webhook with {"sender": ..., "message": ...}."""

    @classmethod
    def name(cls) -> str:
        """The channel name, also the webhook path segment."""
        return "rest"

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]
                  ) -> Blueprint:
        """Rasa's REST routes behind a body check, with the storage guard."""
        webhook = super().blueprint(guard(on_new_message))

        @webhook.middleware("request")
        async def screen(request: Request) -> Optional[HTTPResponse]:
            if request.method != "POST" or not request.path.endswith("/webhook"):
                return None
            media_type = request.headers.get("content-type", "").split(";")[0].strip()
            if media_type.lower() != "application/json":
                return response.json({"error": "send the body as application/json"},
                                     status=HTTPStatus.UNSUPPORTED_MEDIA_TYPE)
            problem = body_problem(request.body)
            if problem is None:
                return None
            return response.json({"error": problem}, status=HTTPStatus.BAD_REQUEST)

        return webhook
