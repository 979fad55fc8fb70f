"""socket.io for the web widget: Rasa's input with session persistence that really persists.

Rasa 3.6 calls `sio.enter_room()` without awaiting it; since python-socketio 5.10 that is
a coroutine, so the room is never joined and the bot's replies to a persistent session
never reach the widget (RasaHQ/rasa#13027). This re-registers `session_request` with the
call awaited, and the message handler with checks on what a client sends (Rasa's crashes
on a non-dict payload and takes any session id).

It also tells the widget when the bot has finished answering (`bot_answering`, see
ANSWERING_EVT): the widget shows the person's own messages at once but each bot message
after a delay, so without this a first message typed while the greeting was still on its
way was shown above the greeting (web/tandem-widget.js holds it until the greeting is shown).
"""

import json
import logging
import uuid
from collections import Counter
from typing import Any, Awaitable, Callable, Dict, Optional

from rasa.core.channels.channel import UserMessage
from rasa.core.channels.socketio import SocketIOInput, SocketIOOutput
from sanic import Blueprint

from connectors.guard import guard, valid_sender_id
from connectors.rest import MAX_MESSAGE_CHARS

logger = logging.getLogger(__name__)

# {"answering": false} goes to a session's room once every message received for it has been
# answered (all its bot_uttered events sent), and {"answering": <bool>} to a socket just
# before each session_confirm. A client sends nothing before session_confirm and socket.io
# keeps one connection's events in order, so the state it gets then is current, also after a
# reconnect that missed the end of an answer. Counted in this process: with several rasa
# replicas, a reconnect to another replica is told "not answering".
ANSWERING_EVT = "bot_answering"


def _metadata(raw: object) -> Dict[str, Any]:
    """The client's metadata as a dict (Rasa accepts a JSON string too); {} if unusable."""
    if isinstance(raw, str):
        try:
            raw = json.loads(raw)
        except ValueError:
            return {}
    return raw if isinstance(raw, dict) else {}


class SocketIOChannel(SocketIOInput):
    """socket.io on /socket.io, as configured in credentials.yml."""

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]
                  ) -> Blueprint:
        """Rasa's blueprint with a session_request handler that joins the session's room."""
        handle = guard(on_new_message)
        socketio_webhook = super().blueprint(handle)
        sio = self.sio
        assert sio is not None  # set by SocketIOInput.blueprint
        # Messages received and not yet answered, by sender id (the room replies go to).
        unanswered: Counter = Counter()

        @sio.on("session_request", namespace=self.namespace)
        async def session_request(sid: str, data: Optional[Any]) -> None:
            session_id = data.get("session_id") if isinstance(data, dict) else None
            if not valid_sender_id(session_id):
                session_id = uuid.uuid4().hex
            if self.session_persistence:
                await sio.enter_room(sid, session_id)
            room = session_id if self.session_persistence else sid
            await sio.emit(ANSWERING_EVT, {"answering": unanswered[room] > 0}, room=sid)
            await sio.emit("session_confirm", session_id, room=sid)

        @sio.on(self.user_message_evt, namespace=self.namespace)
        async def handle_message(sid: str, data: Optional[Any]) -> None:
            if not isinstance(data, dict) or not isinstance(data.get("message", ""), str):
                logger.warning("Ignored a socket.io message that is not {message: text}.")
                return
            sender_id = data.get("session_id") if self.session_persistence else sid
            if not valid_sender_id(sender_id):
                logger.warning("Ignored a socket.io message without a valid session id.")
                return
            # Lone surrogates (possible in JSON) become "?" rather than reach the stores.
            text = data.get("message", "")[:MAX_MESSAGE_CHARS].encode(
                "utf-8", "replace").decode("utf-8")
            # Counted before the first await: a session_request handled after this message
            # arrived reports "answering" until it has been answered.
            unanswered[sender_id] += 1
            try:
                await handle(UserMessage(
                    text, SocketIOOutput(sio, self.bot_message_evt), sender_id,
                    input_channel=self.name(), metadata=_metadata(data.get(self.metadata_key))))
            finally:
                unanswered[sender_id] -= 1
                answered = unanswered[sender_id] <= 0
                if answered:
                    del unanswered[sender_id]
            if answered:
                await sio.emit(ANSWERING_EVT, {"answering": False}, room=sender_id)

        return socketio_webhook
