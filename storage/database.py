"""The database URL from the environment, and engines that survive a database restart."""

import os
from pathlib import Path
from typing import Mapping, Optional

import sqlalchemy as sa
from sqlalchemy.engine import Engine

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_SQLITE = ROOT / "var" / "tandem.db"


def database_url(environ: Optional[Mapping[str, str]] = None) -> str:
    """The database of conversations and results.

    `TANDEM_DB_URL`; else PostgreSQL from PGHOST/PGPORT/PGUSER/PGPASSWORD/PGDATABASE;
    else SQLite at var/tandem.db.
    """
    env = os.environ if environ is None else environ
    if env.get("TANDEM_DB_URL"):
        return env["TANDEM_DB_URL"]
    if env.get("PGHOST"):
        return str(sa.engine.URL.create(
            "postgresql", username=env.get("PGUSER") or None,
            password=env.get("PGPASSWORD") or None, host=env["PGHOST"],
            port=int(env["PGPORT"]) if env.get("PGPORT") else None,
            database=env.get("PGDATABASE", "tandem")))
    return f"sqlite:///{DEFAULT_SQLITE}"


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
