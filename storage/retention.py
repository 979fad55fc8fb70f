"""Deletes what is older than a retention period: `python -m storage.retention --days 30`.

A conversation goes when its newest event is older than the cutoff (deleting part of one
would leave a broken tracker); profile rows go one by one by their own date.
"""

import argparse
import sys
from datetime import datetime, timedelta, timezone
from typing import NamedTuple, Optional, Sequence

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from storage.database import make_engine
from storage.profiles import ProfileStore
from tandem import settings

EVENTS = sa.table("events", sa.column("sender_id"), sa.column("timestamp"))


class Purged(NamedTuple):
    """How much a purge deleted."""

    conversations: int
    events: int
    results: int


def purge(engine: Engine, days: float, now: Optional[datetime] = None) -> Purged:
    """Deletes conversations idle for more than `days` and results older than that."""
    if days < 0:
        raise ValueError("days must not be negative")
    cutoff = (now or datetime.now(timezone.utc)) - timedelta(days=days)
    conversations = events = 0
    if sa.inspect(engine).has_table("events"):
        stale = (sa.select(EVENTS.c.sender_id).group_by(EVENTS.c.sender_id)
                 .having(sa.func.max(EVENTS.c.timestamp) < cutoff.timestamp()))
        with engine.begin() as connection:
            senders = [row[0] for row in connection.execute(stale)]
            for start in range(0, len(senders), 500):
                chunk = senders[start:start + 500]
                events += connection.execute(
                    sa.delete(EVENTS).where(EVENTS.c.sender_id.in_(chunk))).rowcount
        conversations = len(senders)
    results = ProfileStore(engine=engine).purge_before(cutoff)
    return Purged(conversations, events, results)


def main(argv: Optional[Sequence[str]] = None) -> int:
    """Command line entry point; returns the exit status."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--days", type=float, required=True,
                        help="keep what is newer than this many days")
    parser.add_argument("--url", default=None, help="database URL (default: TANDEM_DB_URL)")
    args = parser.parse_args(argv)
    engine = make_engine(args.url or settings.database_url())
    done = purge(engine, args.days)
    print(f"purged {done.conversations} conversations ({done.events} events) and "
          f"{done.results} results older than {args.days:g} days "
          f"from {engine.url.render_as_string(hide_password=True)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
