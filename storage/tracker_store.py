"""Rasa's SQL tracker store on Tandem's database URL, able to forget a person completely."""

import contextvars
import logging
from collections import OrderedDict
from typing import Any, NamedTuple, NoReturn, Optional

import sqlalchemy as sa
from rasa.core.brokers.broker import EventBroker
from rasa.core.tracker_store import SQLTrackerStore
from rasa.shared.core.domain import Domain
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.shared.exceptions import RasaException
from sqlalchemy.exc import DBAPIError, SQLAlchemyError

import patches
from storage.database import database_url, ensure_sqlite_directory, make_engine

logger = logging.getLogger(__name__)

# Set by action_forget_me once the person confirmed; the store then deletes instead of saving.
FORGET_SLOT = "forget_confirmed"


# True while a channel is handling a person's message (set by connectors.guard).
HANDLING_MESSAGE: contextvars.ContextVar[bool] = contextvars.ContextVar(
    "tandem_handling_message", default=False)


class StorageUnavailable(BaseException):
    """The conversation database cannot be reached while handling a message.

    A BaseException on purpose: Rasa wraps every tracker store in a FailSafeTrackerStore
    that catches Exception and carries on with an empty in-memory tracker, so the person
    would get an answer out of context and their message would never be stored. This one
    passes through to the channel, which apologises instead (connectors.guard).
    """


class StorageError(RasaException):
    """The database failed outside message handling (the HTTP API): Rasa's fallback applies."""


def _unavailable(error: Exception) -> NoReturn:
    reason = f"tracker store unreachable: {type(error).__name__}"
    if HANDLING_MESSAGE.get():
        raise StorageUnavailable(reason) from error
    raise StorageError(reason) from error


class _Recent(NamedTuple):
    """A tracker this process read or saved, and how to tell it is still current."""

    last_event_id: Optional[int]  # the conversation's newest row when it was cached
    length: int  # its number of events then; more means it was changed but not saved
    tracker: DialogueStateTracker


class TandemTrackerStore(SQLTrackerStore):
    """The `events` table of Rasa's SQL store, on `TANDEM_DB_URL` (SQLite by default).

    Rasa has no delete API and re-inserts a whole tracker whose rows are gone, so forgetting
    happens here: a tracker that carries the forget slot is deleted, not saved.

    Rasa reads and rebuilds the whole conversation from the database for every message,
    which grows with its length. The store keeps the trackers it recently handled and
    reuses one while the conversation's newest row in the database is still the one it
    saw, so a write by another replica, a purge or a deletion is always noticed.
    """

    RECENT_TRACKERS = 100

    def __init__(self, domain: Optional[Domain] = None, host: Optional[str] = None,
                 event_broker: Optional[EventBroker] = None, **kwargs: Any) -> None:
        url = host if host and "://" in host else database_url()
        ensure_sqlite_directory(url)
        super().__init__(domain, host=url, event_broker=event_broker)
        self.engine.dispose()  # type: ignore[has-type]
        self.engine = make_engine(url)
        self.sessionmaker = sa.orm.session.sessionmaker(bind=self.engine)
        self._recent: OrderedDict[str, _Recent] = OrderedDict()
        patches.apply()
        logger.info("Tracker store: %s", self.engine.url.render_as_string(hide_password=True))

    def _last_event_id(self, sender_id: str) -> Optional[int]:
        with self.session_scope() as session:
            return session.query(sa.func.max(self.SQLEvent.id)).filter(
                self.SQLEvent.sender_id == sender_id).scalar()

    def _remember(self, tracker: DialogueStateTracker, last_event_id: Optional[int]) -> None:
        self._recent[tracker.sender_id] = _Recent(last_event_id, len(tracker.events), tracker)
        self._recent.move_to_end(tracker.sender_id)
        while len(self._recent) > self.RECENT_TRACKERS:
            self._recent.popitem(last=False)

    async def retrieve(self, sender_id: str) -> Optional[DialogueStateTracker]:
        """The latest session of a conversation; StorageUnavailable if the database is down."""
        try:
            last_event_id = self._last_event_id(sender_id)
            recent = self._recent.get(sender_id)
            if (recent is not None and recent.last_event_id == last_event_id
                    and len(recent.tracker.events) == recent.length):
                self._recent.move_to_end(sender_id)
                return recent.tracker
            self._recent.pop(sender_id, None)
            tracker = await super().retrieve(sender_id)
            if tracker is not None:
                self._remember(tracker, last_event_id)
            return tracker
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
