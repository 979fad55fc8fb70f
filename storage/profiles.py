"""Per-person results over time: an SQLAlchemy repository used by the action server.

Each analysed situation (and each finished self-check) becomes one row: when, which
findings, which pattern, on which channel. The person's words are never stored here.
"""

import json
import time
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Dict, Iterator, List, Optional, Sequence

import sqlalchemy as sa
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError, ProgrammingError
from sqlalchemy.orm import Session, declarative_base, sessionmaker

from storage.database import make_engine
from tandem import settings
from tandem.vocabulary import MAX_SENDER_ID

Base = declarative_base()


class Result(Base):  # type: ignore[misc, valid-type]
    """One analysed message (or self-check) of one person."""

    __tablename__ = "tandem_results"

    id = sa.Column(sa.Integer, primary_key=True)
    sender_id = sa.Column(sa.String(MAX_SENDER_ID), nullable=False, index=True)
    recorded_at = sa.Column(sa.DateTime(timezone=True), nullable=False, index=True)
    kind = sa.Column(sa.String(20), nullable=False)
    findings = sa.Column(sa.Text, nullable=False)
    pattern = sa.Column(sa.String(20))
    channel = sa.Column(sa.String(50))


class Feedback(Base):  # type: ignore[misc, valid-type]
    """One answer to "was this helpful?"."""

    __tablename__ = "tandem_feedback"

    id = sa.Column(sa.Integer, primary_key=True)
    sender_id = sa.Column(sa.String(MAX_SENDER_ID), nullable=False, index=True)
    recorded_at = sa.Column(sa.DateTime(timezone=True), nullable=False, index=True)
    helpful = sa.Column(sa.Boolean, nullable=False)
    findings = sa.Column(sa.Text, nullable=False)


class Correction(Base):  # type: ignore[misc, valid-type]
    """"That's not it": the finding Tandem gave and the one the person picked.

    The message itself stays in the tracker store (found by sender and timestamp), so a
    correction disappears with the conversation when the person is forgotten.
    """

    __tablename__ = "tandem_corrections"

    id = sa.Column(sa.Integer, primary_key=True)
    sender_id = sa.Column(sa.String(MAX_SENDER_ID), nullable=False, index=True)
    recorded_at = sa.Column(sa.DateTime(timezone=True), nullable=False, index=True)
    message_timestamp = sa.Column(sa.Float)
    original = sa.Column(sa.String(60), nullable=False)
    corrected = sa.Column(sa.String(60), nullable=False)


PERSONAL_TABLES = (Result, Feedback, Correction)


@dataclass
class Summary:
    """What one person has described over time."""

    total: int = 0
    first_recorded: Optional[datetime] = None
    # dimension -> pole -> how many findings
    counts: Dict[str, Dict[str, int]] = field(default_factory=dict)
    # the "pole:dimension" label found most often (ties: the most recent wins)
    most_frequent: Optional[str] = None
    # the clear leanings of the latest self-check, and when it was done
    self_check: List[str] = field(default_factory=list)
    self_check_at: Optional[datetime] = None


def summarise(rows: Sequence[Result]) -> Summary:
    """Counts per dimension and pole, oldest first, from a person's result rows."""
    if not rows:
        return Summary()
    ordered = sorted(rows, key=lambda r: (r.recorded_at, r.id or 0))
    labels: List[str] = [label for row in ordered for label in json.loads(row.findings)]
    counts: Dict[str, Dict[str, int]] = {}
    for label in labels:
        pole, dimension = label.split(":", 1)
        counts.setdefault(dimension, {"codependent": 0, "interdependent": 0})[pole] += 1
    tally = Counter(labels)
    most = max(tally.values()) if tally else 0
    latest_first = [label for label in reversed(labels) if tally[label] == most]
    return Summary(total=len(ordered), first_recorded=ordered[0].recorded_at, counts=counts,
                   most_frequent=latest_first[0] if latest_first else None)


CREATE_ATTEMPTS = 3


def create_tables(engine: Engine) -> None:
    """Creates Tandem's tables where missing, even when another process does it too.

    Two action servers starting on one PostgreSQL database can both find a table missing
    and both create it; the slower one fails (a duplicate type or table). Its next try
    finds the table there and has nothing to do.
    """
    for attempt in range(1, CREATE_ATTEMPTS + 1):
        try:
            Base.metadata.create_all(engine)
            return
        except (IntegrityError, ProgrammingError):
            if attempt == CREATE_ATTEMPTS:
                raise
            time.sleep(0.2 * attempt)


class ProfileStore:
    """Results per person in `tandem_results`, on `TANDEM_DB_URL` (SQLite by default)."""

    def __init__(self, url: Optional[str] = None, engine: Optional[Engine] = None) -> None:
        self.engine = engine or make_engine(url or settings.database_url())
        create_tables(self.engine)
        self._sessions = sessionmaker(bind=self.engine, expire_on_commit=False)

    def _session(self) -> Session:
        return self._sessions()

    def record(self, sender_id: str, findings: Sequence[str], pattern: Optional[str],
               channel: Optional[str], kind: str = "situation",
               when: Optional[datetime] = None) -> None:
        """Adds one result row for a person."""
        if not sender_id or len(sender_id) > MAX_SENDER_ID:
            raise ValueError("sender id must be 1-255 characters")
        with self._session() as session:
            session.add(Result(sender_id=sender_id, kind=kind, pattern=pattern,
                               findings=json.dumps(list(findings)), channel=channel,
                               recorded_at=when or datetime.now(timezone.utc)))
            session.commit()

    def results(self, sender_id: str, kind: Optional[str] = None) -> List[Result]:
        """A person's rows (of one kind, if given), oldest first."""
        with self._session() as session:
            query = session.query(Result).filter(Result.sender_id == sender_id)
            if kind is not None:
                query = query.filter(Result.kind == kind)
            return list(query.order_by(Result.recorded_at, Result.id))

    def summary(self, sender_id: str) -> Summary:
        """What a person has described over time, and their latest self-check."""
        found = summarise(self.results(sender_id, kind="situation"))
        checks = self.results(sender_id, kind="self_check")
        if checks:
            found.self_check = json.loads(checks[-1].findings)
            found.self_check_at = checks[-1].recorded_at
        return found

    def record_feedback(self, sender_id: str, helpful: bool, findings: Sequence[str]) -> None:
        """Adds one answer to "was this helpful?"."""
        with self._session() as session:
            session.add(Feedback(sender_id=sender_id, helpful=helpful,
                                 findings=json.dumps(list(findings)),
                                 recorded_at=datetime.now(timezone.utc)))
            session.commit()

    def feedback_counts(self) -> Dict[bool, int]:
        """How many answers said helpful (True) and not helpful (False)."""
        with self._session() as session:
            rows = session.query(Feedback.helpful, sa.func.count()).group_by(Feedback.helpful)
            counts = {True: 0, False: 0}
            counts.update({bool(helpful): int(n) for helpful, n in rows})
            return counts

    def record_correction(self, sender_id: str, original: str, corrected: str,
                          message_timestamp: Optional[float]) -> None:
        """Notes that the person's message showed `corrected`, not `original`."""
        with self._session() as session:
            session.add(Correction(sender_id=sender_id, original=original,
                                   corrected=corrected, message_timestamp=message_timestamp,
                                   recorded_at=datetime.now(timezone.utc)))
            session.commit()

    def corrections(self) -> List[Correction]:
        """Every recorded correction, oldest first."""
        with self._session() as session:
            return list(session.query(Correction).order_by(Correction.recorded_at))

    def forget(self, sender_id: str) -> int:
        """Deletes every row about a person in every table; returns how many went."""
        deleted = 0
        with self._session() as session:
            for table in PERSONAL_TABLES:
                deleted += session.query(table).filter(table.sender_id == sender_id).delete(
                    synchronize_session=False)
            session.commit()
        return int(deleted)

    def purge_before(self, cutoff: datetime) -> int:
        """Deletes rows recorded before `cutoff` in every table; returns how many went."""
        deleted = 0
        with self._session() as session:
            for table in PERSONAL_TABLES:
                deleted += session.query(table).filter(table.recorded_at < cutoff).delete(
                    synchronize_session=False)
            session.commit()
        return int(deleted)

    def senders(self) -> Iterator[str]:
        """Everyone with at least one row."""
        with self._session() as session:
            for (sender_id,) in session.query(Result.sender_id).distinct():
                yield sender_id
