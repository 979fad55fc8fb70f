"""Rasa's SQL tracker store on Tandem's database URL, able to forget a person completely."""

import json
import logging
from collections import OrderedDict
from typing import Any, List, NamedTuple, NoReturn, Optional

import sqlalchemy as sa
from rasa.core.brokers.broker import EventBroker
from rasa.core.tracker_store import SQLTrackerStore
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import Event, SessionStarted
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.shared.exceptions import RasaException
from sqlalchemy.exc import DBAPIError, SQLAlchemyError

from storage.database import ensure_sqlite_directory, make_engine
from storage.outage import HANDLING_MESSAGE, StorageUnavailable
from tandem import settings
from tandem.vocabulary import FORGET_SLOT

__all__ = ["FORGET_SLOT", "HANDLING_MESSAGE", "StorageError", "StorageUnavailable",
           "TandemTrackerStore"]

logger = logging.getLogger(__name__)


class StorageError(RasaException):
    """The database failed outside message handling (the HTTP API): Rasa's fallback applies."""


def _unavailable(error: Exception) -> NoReturn:
    """Raises what fits the moment: StorageUnavailable while a channel handles a message.

    StorageUnavailable is a BaseException on purpose: Rasa wraps every tracker store in a
    FailSafeTrackerStore that catches Exception and carries on with an empty in-memory
    tracker, so the person would get an answer out of context and their message would
    never be stored. A BaseException passes through Rasa to the channel, where
    `connectors.guard` catches it and apologises instead. Outside a message (the HTTP API)
    nothing would catch it, so a RasaException lets Rasa's own fallback answer.
    """
    reason = f"tracker store unreachable: {type(error).__name__}"
    if HANDLING_MESSAGE.get():
        raise StorageUnavailable(reason) from error
    raise StorageError(reason) from error


class _Recent(NamedTuple):
    """A private copy of a conversation this process saved, and how to tell it is current."""

    last_event_id: Optional[int]  # the conversation's newest row when it was cached
    events: str  # its latest session, serialised as the `events` table stores each event


def latest_session(tracker: DialogueStateTracker) -> List[Event]:
    """The events Rasa's SQL store reads back for a tracker it saved: its latest session.

    The same rule as `SQLTrackerStore._event_query`: every event from the newest
    SessionStarted's timestamp on, or all of them when there is none. A tracker that
    began a new session while handling a message still holds the old session too, and
    Rasa's `save` counts only the stored session's events (handing that tracker out
    again would make it store the old session's events a second time).
    """
    events = list(tracker.events)
    starts = [event.timestamp for event in events if isinstance(event, SessionStarted)]
    if not starts:
        return events
    start = max(starts)
    return [event for event in events if event.timestamp >= start]


class TandemTrackerStore(SQLTrackerStore):
    """The `events` table of Rasa's SQL store, on `TANDEM_DB_URL` (SQLite by default).

    Rasa has no delete API and re-inserts a whole tracker whose rows are gone, so forgetting
    happens here: a tracker that carries the forget slot is deleted, not saved.

    Rasa reads and rebuilds the whole conversation from the database for every message,
    which grows with its length. The store keeps a copy of the conversations it recently
    saved and, while a conversation's newest row in the database is still the one it saw
    (so a write by another replica, a purge or a deletion is always noticed), hands out a
    tracker rebuilt from those events: what reading the database would give. They are kept
    serialised as the database keeps them, because Rasa changes the tracker it gets (it
    appends the new message, which a failed message never saves) and even events already
    in it (`DefinePrevUserUtteredFeaturization` edits the latest message). A deep copy did
    the same but grew costly: with the sentence rankings in every message's parse data,
    two deep copies took 60% of the server's time late in a 200-message conversation.
    """

    RECENT_TRACKERS = 100

    def __init__(self, domain: Optional[Domain] = None, host: Optional[str] = None,
                 event_broker: Optional[EventBroker] = None, **kwargs: Any) -> None:
        url = host if host and "://" in host else settings.database_url()
        ensure_sqlite_directory(url)
        super().__init__(domain, host=url, event_broker=event_broker)
        self.engine.dispose()  # type: ignore[has-type]
        self.engine = make_engine(url)
        self.sessionmaker = sa.orm.session.sessionmaker(bind=self.engine)
        self._recent: OrderedDict[str, _Recent] = OrderedDict()
        logger.info("Tracker store: %s", self.engine.url.render_as_string(hide_password=True))

    def _last_event_id(self, sender_id: str) -> Optional[int]:
        with self.session_scope() as session:
            return session.query(sa.func.max(self.SQLEvent.id)).filter(
                self.SQLEvent.sender_id == sender_id).scalar()

    def _remember(self, tracker: DialogueStateTracker, last_event_id: Optional[int]) -> None:
        """Keeps a private copy of a saved tracker (the caller may go on changing its own)."""
        self._recent[tracker.sender_id] = _Recent(
            last_event_id, json.dumps([event.as_dict() for event in latest_session(tracker)]))
        self._recent.move_to_end(tracker.sender_id)
        while len(self._recent) > self.RECENT_TRACKERS:
            self._recent.popitem(last=False)

    async def retrieve(self, sender_id: str) -> Optional[DialogueStateTracker]:
        """The latest session of a conversation; StorageUnavailable if the database is down."""
        try:
            recent = self._recent.get(sender_id)
            if (recent is not None and recent.events and self.domain is not None
                    and recent.last_event_id == self._last_event_id(sender_id)):
                self._recent.move_to_end(sender_id)
                return DialogueStateTracker.from_dict(
                    sender_id, json.loads(recent.events), self.domain.slots)
            self._recent.pop(sender_id, None)
            return await super().retrieve(sender_id)
        except (DBAPIError, SQLAlchemyError) as error:
            _unavailable(error)

    async def retrieve_full_tracker(self, conversation_id: str
                                    ) -> Optional[DialogueStateTracker]:
        """Every session of a conversation; StorageUnavailable if the database is down."""
        try:
            return await super().retrieve_full_tracker(conversation_id)
        except (DBAPIError, SQLAlchemyError) as error:
            _unavailable(error)

    async def save(self, tracker: DialogueStateTracker) -> None:
        """Stores new events, or deletes the conversation if the person asked to be forgotten."""
        try:
            if tracker.get_slot(FORGET_SLOT):
                deleted = self.delete_conversation(tracker.sender_id)
                logger.info("Forgot a conversation on request (%d events deleted).", deleted)
                return
            self._recent.pop(tracker.sender_id, None)
            await super().save(tracker)
            self._remember(tracker, self._last_event_id(tracker.sender_id))
        except (DBAPIError, SQLAlchemyError) as error:
            _unavailable(error)

    def delete_conversation(self, sender_id: str) -> int:
        """Deletes every event of one conversation; returns how many rows went."""
        self._recent.pop(sender_id, None)
        with self.session_scope() as session:
            deleted = session.query(self.SQLEvent).filter(
                self.SQLEvent.sender_id == sender_id).delete(synchronize_session=False)
            session.commit()
        return int(deleted)
