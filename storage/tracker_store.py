"""Rasa's SQL tracker store on Tandem's database URL, able to forget a person completely."""

import contextvars
import logging
from typing import Any, NoReturn, Optional

import sqlalchemy as sa
from rasa.core.brokers.broker import EventBroker
from rasa.core.tracker_store import SQLTrackerStore
from rasa.shared.core.domain import Domain
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.shared.exceptions import RasaException
from sqlalchemy.exc import DBAPIError, SQLAlchemyError

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


class TandemTrackerStore(SQLTrackerStore):
    """The `events` table of Rasa's SQL store, on `TANDEM_DB_URL` (SQLite by default).

    Rasa has no delete API and re-inserts a whole tracker whose rows are gone, so forgetting
    happens here: a tracker that carries the forget slot is deleted, not saved.
    """

    def __init__(self, domain: Optional[Domain] = None, host: Optional[str] = None,
                 event_broker: Optional[EventBroker] = None, **kwargs: Any) -> None:
        url = host if host and "://" in host else database_url()
        ensure_sqlite_directory(url)
        super().__init__(domain, host=url, event_broker=event_broker)
        self.engine.dispose()  # type: ignore[has-type]
        self.engine = make_engine(url)
        self.sessionmaker = sa.orm.session.sessionmaker(bind=self.engine)
        logger.info("Tracker store: %s", self.engine.url.render_as_string(hide_password=True))

    async def retrieve(self, sender_id: str) -> Optional[DialogueStateTracker]:
        """The latest session of a conversation; StorageUnavailable if the database is down."""
        try:
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
            await super().save(tracker)
        except (DBAPIError, SQLAlchemyError) as error:
            _unavailable(error)

    def delete_conversation(self, sender_id: str) -> int:
        """Deletes every event of one conversation; returns how many rows went."""
        with self.session_scope() as session:
            deleted = session.query(self.SQLEvent).filter(
                self.SQLEvent.sender_id == sender_id).delete(synchronize_session=False)
            session.commit()
        return int(deleted)
