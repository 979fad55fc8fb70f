"""Per-person results over time: an SQLAlchemy repository used by the action server.

Each analysed situation (and each finished self-check) becomes one row: when, which
findings, which pattern, on which channel. The person's words are never stored here.
"""

import json
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Dict, Iterator, List, Optional, Sequence

import sqlalchemy as sa
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session, declarative_base, sessionmaker

from storage.database import database_url, make_engine

Base = declarative_base()
MAX_SENDER_ID = 255


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


@dataclass
class Summary:
    """What one person has described over time."""

    total: int = 0
    first_recorded: Optional[datetime] = None
    # dimension -> pole -> how many findings
    counts: Dict[str, Dict[str, int]] = field(default_factory=dict)
    # the "pole:dimension" label found most often (ties: the most recent wins)
    most_frequent: Optional[str] = None


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


class ProfileStore:
    """Results per person in `tandem_results`, on `TANDEM_DB_URL` (SQLite by default)."""

    def __init__(self, url: Optional[str] = None, engine: Optional[Engine] = None) -> None:
        self.engine = engine or make_engine(url or database_url())
        Base.metadata.create_all(self.engine)
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

    def results(self, sender_id: str) -> List[Result]:
        """A person's rows, oldest first."""
        with self._session() as session:
            return list(session.query(Result).filter(Result.sender_id == sender_id)
                        .order_by(Result.recorded_at, Result.id))

    def summary(self, sender_id: str) -> Summary:
        """What a person has described over time."""
        return summarise(self.results(sender_id))

    def forget(self, sender_id: str) -> int:
        """Deletes every row about a person; returns how many went."""
        with self._session() as session:
            deleted = session.query(Result).filter(Result.sender_id == sender_id).delete(
                synchronize_session=False)
            session.commit()
        return int(deleted)

    def purge_before(self, cutoff: datetime) -> int:
        """Deletes rows recorded before `cutoff`; returns how many went."""
        with self._session() as session:
            deleted = session.query(Result).filter(Result.recorded_at < cutoff).delete(
                synchronize_session=False)
            session.commit()
        return int(deleted)

    def senders(self) -> Iterator[str]:
        """Everyone with at least one row."""
        with self._session() as session:
            for (sender_id,) in session.query(Result.sender_id).distinct():
                yield sender_id
