"""socket.io for the web widget: Rasa's input with session persistence that really persists.

Rasa 3.6 calls `sio.enter_room()` without awaiting it; since python-socketio 5.11 that is
a coroutine, so the room is never joined and the bot's replies to a persistent session
never reach the widget. This re-registers `session_request` with the call awaited.
"""

import uuid
from typing import Any, Awaitable, Callable, Optional

from rasa.core.channels.channel import UserMessage
from rasa.core.channels.socketio import SocketIOInput
from sanic import Blueprint


class SocketIOChannel(SocketIOInput):
    """socket.io on /socket.io, as configured in credentials.yml."""

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]
                  ) -> Blueprint:
        """Rasa's blueprint with a session_request handler that joins the session's room."""
        socketio_webhook = super().blueprint(on_new_message)
        sio = self.sio
        assert sio is not None  # set by SocketIOInput.blueprint

        @sio.on("session_request", namespace=self.namespace)
        async def session_request(sid: str, data: Optional[Any]) -> None:
            session_id = data.get("session_id") if isinstance(data, dict) else None
            if not isinstance(session_id, str) or not session_id:
                session_id = uuid.uuid4().hex
            if self.session_persistence:
                await sio.enter_room(sid, session_id)
            await sio.emit("session_confirm", session_id, room=sid)

        return socketio_webhook
