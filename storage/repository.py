"""The actions' one way to the profile store: async, off the event loop, never raising.

The action server answers every action on one asyncio event loop; SQLAlchemy blocks, so
each call runs `storage.profiles.ProfileStore` in a worker thread (`asyncio.to_thread`).
A database failure costs only the record, never the person's answer: this is the one place
that catches it, logs `"<what> not <done>: <ErrorType>"` (never a sender id, finding or
message) and tells the caller with the return value.
"""

import asyncio
import logging
import threading
from typing import Any, Callable, Optional, Sequence, TypeVar

from sqlalchemy.exc import SQLAlchemyError

from storage.profiles import ProfileStore, Summary

logger = logging.getLogger(__name__)

T = TypeVar("T")
# What a store call may raise that is not a bug here: the database (unreachable, locked,
# missing tables, a constraint) or a refused value (a sender id the columns cannot hold).
STORAGE_ERRORS = (SQLAlchemyError, ValueError)


class ProfileRepository:
    """Per-person results, feedback and corrections for the actions.

    Connects on first use, not at import (the action server starts without a database),
    and tries again on the next call after a failed connection.
    """

    def __init__(self, url: Optional[str] = None,
                 store_factory: Optional[Callable[[], ProfileStore]] = None) -> None:
        """`url` defaults to `tandem.settings.database_url()`, read when first connecting."""
        self._factory = store_factory or (lambda: ProfileStore(url))
        self._store: Optional[ProfileStore] = None
        self._connecting = threading.Lock()

    def store(self) -> ProfileStore:
        """The connected store (blocking; raises the database's error if it cannot connect)."""
        with self._connecting:
            if self._store is None:
                self._store = self._factory()
            return self._store

    async def _run(self, failure: str, work: Callable[[ProfileStore], T]) -> Optional[T]:
        """`work(store)` in a worker thread; None (logged as `failure`) if storage fails."""

        def call() -> T:
            return work(self.store())

        try:
            return await asyncio.to_thread(call)
        except STORAGE_ERRORS as error:
            logger.warning("%s: %s", failure, type(error).__name__)
            return None

    async def _write(self, failure: str, work: Callable[[ProfileStore], Any]) -> bool:
        """`work(store)` in a worker thread; True if it succeeded."""

        def write(store: ProfileStore) -> bool:
            work(store)
            return True

        return bool(await self._run(failure, write))

    async def record(self, sender_id: str, findings: Sequence[str], pattern: Optional[str],
                     channel: Optional[str], kind: str = "situation") -> bool:
        """Adds one analysed situation (or, with kind="self_check", a finished self-check).

        Returns:
            True if it was stored.
        """
        return await self._write("Result not recorded", lambda store: store.record(
            sender_id, list(findings), pattern, channel, kind=kind))

    async def record_self_check(self, sender_id: str, findings: Sequence[str],
                                channel: Optional[str]) -> bool:
        """Adds one finished self-check; True if it was stored."""
        return await self.record(sender_id, findings, None, channel, kind="self_check")

    async def record_correction(self, sender_id: str, original: str, corrected: str,
                                message_timestamp: Optional[float]) -> bool:
        """Notes "that's not it": the message showed `corrected`, not `original`.

        Returns:
            True if it was stored.
        """
        return await self._write("Correction not recorded", lambda store: store.record_correction(
            sender_id, original, corrected, message_timestamp))

    async def record_feedback(self, sender_id: str, helpful: bool,
                              findings: Sequence[str]) -> bool:
        """Adds one answer to "was this helpful?"; True if it was stored."""
        return await self._write("Feedback not recorded", lambda store: store.record_feedback(
            sender_id, helpful, list(findings)))

    async def summary(self, sender_id: str) -> Optional[Summary]:
        """What the person has described over time; None if it cannot be read now.

        A person with no results gets an empty Summary (total 0), not None.
        """
        return await self._run("Summary not read", lambda store: store.summary(sender_id))

    async def forget(self, sender_id: str) -> Optional[int]:
        """Deletes every row about the person; how many went, or None if nothing could be.

        0 means there was nothing to delete, which is a success.
        """
        deleted = await self._run("Person not forgotten",
                                  lambda store: store.forget(sender_id))
        if deleted is not None:
            logger.info("Forgot a person on request (%d results deleted).", deleted)
        return deleted
