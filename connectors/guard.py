"""What every channel shares: sender id rules, and a reply instead of silence on failure."""

import logging
import unicodedata
from typing import Any, Awaitable, Callable, Dict

from rasa.core.channels.channel import OutputChannel, UserMessage
from sanic import Sanic

from storage.outage import HANDLING_MESSAGE, StorageUnavailable
from tandem.vocabulary import MAX_SENDER_ID

__all__ = ["MAX_SENDER_ID", "CountingOutput", "guard", "storable", "valid_sender_id"]

logger = logging.getLogger(__name__)

STORAGE_TROUBLE = "utter_storage_trouble"
# Said when a message got no answer at all, e.g. the action server is down or timed out
# (Rasa logs the failed action and carries on silently).
TROUBLE = "utter_trouble"
# Only if the domain's response cannot be generated (no model loaded, a broken NLG server).
LAST_RESORT = {"text": "Sorry, I'm having trouble right now. Please try again in a minute."}

Handler = Callable[[UserMessage], Awaitable[Any]]


def storable(text: str) -> bool:
    """True if the text can be written as UTF-8 (JSON may carry lone surrogates)."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def valid_sender_id(sender_id: object) -> bool:
    """1-255 characters, none of them control characters."""
    return (isinstance(sender_id, str) and 0 < len(sender_id) <= MAX_SENDER_ID
            and not any(unicodedata.category(c) == "Cc" for c in sender_id)
            and storable(sender_id))


def current_agent() -> Any:
    """The agent (model) of the running rasa server."""
    return Sanic.get_app().ctx.agent


async def trouble_reply(name: str, sender_id: str, channel: str) -> Dict[str, Any]:
    """A domain response as Rasa's `utter_` actions make and send it.

    Rasa's response generation (the agent's NLG) picks the channel's variation
    (`channel: slack`) and fills the text; the message is then what Rasa would send for
    the resulting bot event. The conversation itself may be unreadable (that is often why
    this is said), so slots have the domain's initial values.
    """
    # Imported only when something failed; the rasa server has loaded them long before.
    from rasa.core.actions.action import create_bot_utterance
    from rasa.shared.core.trackers import DialogueStateTracker

    try:
        agent = current_agent()
        generated = await agent.nlg.generate(
            name, DialogueStateTracker(sender_id, agent.domain.slots), channel)
    except Exception as error:  # noqa: BLE001 - the person must get an answer
        logger.error("Reply %s not generated: %s", name, type(error).__name__)
        generated = None
    if not generated:
        return dict(LAST_RESORT)
    generated["utter_action"] = name
    return create_bot_utterance(generated).message()


class CountingOutput(OutputChannel):
    """Passes every bot message to the real channel and counts them."""

    def __init__(self, inner: OutputChannel) -> None:
        self.inner = inner
        self.sent = 0

    def name(self) -> str:
        """The real channel's name, so channel-specific responses still apply."""
        return self.inner.name()

    async def send_response(self, recipient_id: str, message: Dict[str, Any]) -> None:
        """Sends through the real channel."""
        self.sent += 1
        await self.inner.send_response(recipient_id, message)


def guard(on_new_message: Handler) -> Handler:
    """Wraps Rasa's message handler so a person is never met with silence.

    Storage down: an apology and the message is not processed. Any other failure, or a
    message that got no reply (action server down), gets a short "having trouble" reply.
    Logs name the error type only, never the person's words.
    """

    async def handle(message: UserMessage) -> None:
        HANDLING_MESSAGE.set(True)
        output = CountingOutput(message.output_channel)
        message.output_channel = output
        try:
            await on_new_message(message)
        except StorageUnavailable as error:
            logger.error("Message not handled: %s", error)
            await output.inner.send_response(message.sender_id, await trouble_reply(
                STORAGE_TROUBLE, message.sender_id, output.name()))
            return
        except Exception as error:  # noqa: BLE001 - the person must get an answer
            logger.error("Message not handled: %s", type(error).__name__)
        if output.sent == 0:
            logger.warning("No reply to a message; sending the trouble reply.")
            await output.inner.send_response(message.sender_id, await trouble_reply(
                TROUBLE, message.sender_id, output.name()))

    return handle
