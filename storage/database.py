"""Engines on Tandem's database that survive a database restart.

The URL itself comes from `tandem.settings.database_url` (re-exported here for the
storage commands): `TANDEM_DB_URL`, else PostgreSQL from the PG* variables, else SQLite.
"""

from pathlib import Path

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from tandem.settings import DEFAULT_SQLITE, ROOT, database_url

__all__ = ["DEFAULT_SQLITE", "ROOT", "database_url", "ensure_sqlite_directory", "make_engine"]


def ensure_sqlite_directory(url: str) -> None:
    """Creates the folder of an SQLite file, which SQLite will not do itself."""
    parsed = sa.engine.make_url(url)
    if parsed.get_backend_name() == "sqlite" and parsed.database:
        Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)


def make_engine(url: str) -> Engine:
    """An engine that checks connections before use, so it recovers after an outage."""
    ensure_sqlite_directory(url)
    if sa.engine.make_url(url).get_backend_name() == "sqlite":
        # Several processes (rasa, actions, purge) share the file: wait instead of failing.
        return sa.create_engine(url, connect_args={"timeout": 30})
    return sa.create_engine(url, pool_pre_ping=True, connect_args={"connect_timeout": 5})
