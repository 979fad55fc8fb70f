"""Every setting Tandem reads from the environment, in one place.

Functions rather than constants, so a test (or a process that changes its environment
before first use) always sees the current value.
"""

import os
from pathlib import Path
from typing import Mapping, Optional

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_SQLITE = ROOT / "var" / "tandem.db"
DEFAULT_SPACY_MODEL = ROOT / "build" / "spacy" / "en_tandem"
DEFAULT_KNOWLEDGE = ROOT / "knowledge" / "article.yml"
# Rasa's own action timeout is a hard-coded five minutes; a person should not wait that long.
DEFAULT_ACTION_TIMEOUT_SECONDS = 20.0
ACTION_TIMEOUT_VARIABLE = "TANDEM_ACTION_TIMEOUT"
# Set to "0" to send actions every event of the session instead of the recent turns.
TRIM_ACTION_EVENTS_VARIABLE = "TANDEM_TRIM_ACTION_EVENTS"


def _env(environ: Optional[Mapping[str, str]]) -> Mapping[str, str]:
    return os.environ if environ is None else environ


def database_url(environ: Optional[Mapping[str, str]] = None) -> str:
    """The database of conversations and results.

    `TANDEM_DB_URL`; else PostgreSQL from PGHOST/PGPORT/PGUSER/PGPASSWORD/PGDATABASE;
    else SQLite at var/tandem.db.
    """
    env = _env(environ)
    if env.get("TANDEM_DB_URL"):
        return env["TANDEM_DB_URL"]
    if env.get("PGHOST"):
        from sqlalchemy.engine import URL

        return str(URL.create(
            "postgresql", username=env.get("PGUSER") or None,
            password=env.get("PGPASSWORD") or None, host=env["PGHOST"],
            port=int(env["PGPORT"]) if env.get("PGPORT") else None,
            database=env.get("PGDATABASE", "tandem")))
    return f"sqlite:///{DEFAULT_SQLITE}"


def redis_url(environ: Optional[Mapping[str, str]] = None) -> Optional[str]:
    """The Redis lock store shared by replicas, or None for in-process locks."""
    return _env(environ).get("TANDEM_REDIS_URL") or None


def spacy_model_path(environ: Optional[Mapping[str, str]] = None) -> Path:
    """Tandem's offline spaCy pipeline (built by scripts/build_spacy_pipeline.py)."""
    return Path(_env(environ).get("TANDEM_SPACY_MODEL", DEFAULT_SPACY_MODEL))


def knowledge_path(environ: Optional[Mapping[str, str]] = None) -> Path:
    """The knowledge file with the article's content."""
    return Path(_env(environ).get("TANDEM_KNOWLEDGE", DEFAULT_KNOWLEDGE))


def action_timeout_seconds(environ: Optional[Mapping[str, str]] = None) -> float:
    """How long Rasa waits for the action server before the trouble reply."""
    value = _env(environ).get(ACTION_TIMEOUT_VARIABLE)
    return float(value) if value else DEFAULT_ACTION_TIMEOUT_SECONDS


def trim_action_events(environ: Optional[Mapping[str, str]] = None) -> bool:
    """True (the default) when actions get only the recent turns of the session."""
    return _env(environ).get(TRIM_ACTION_EVENTS_VARIABLE, "1").strip() not in {"0", "false", "no"}


def slack(environ: Optional[Mapping[str, str]] = None) -> Mapping[str, str]:
    """Slack's bot token, signing secret and API URL ('' when unset)."""
    env = _env(environ)
    return {"token": env.get("SLACK_BOT_TOKEN", ""),
            "secret": env.get("SLACK_SIGNING_SECRET", ""),
            "api_url": env.get("SLACK_API_URL", "")}


def telegram(environ: Optional[Mapping[str, str]] = None) -> Mapping[str, str]:
    """Telegram's token, bot name, webhook URL, secret token and API URL ('' when unset)."""
    env = _env(environ)
    return {"token": env.get("TELEGRAM_TOKEN", ""),
            "bot_name": env.get("TELEGRAM_BOT_NAME", ""),
            "webhook_url": env.get("TELEGRAM_WEBHOOK_URL", ""),
            "secret": env.get("TELEGRAM_SECRET_TOKEN", ""),
            "api_url": env.get("TELEGRAM_API_URL", "")}
