"""Shared fixtures: a domain, a dispatcher and a tracker factory, as in rasa-demo.

Test tiers (markers are registered in pyproject.toml):
- unit (no marker): no trained model, no servers, no npm; `make check` runs only these.
- `@pytest.mark.slow`: needs the trained model, or starts servers, a browser or a terminal;
  `make test` runs them too.
- `@pytest.mark.requires(available, reason)`: needs a Debian service or tool (PostgreSQL,
  Redis, nginx, Chromium). When it is missing the test FAILS with the reason, so a machine
  without it cannot pass silently; `TANDEM_ALLOW_SKIP=1` turns that into a skip.
"""

import os
from typing import Any, Callable, Dict, Iterator, List, Optional

import pytest
import yaml
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions import actions as actions_module
from bench.data import ROOT
from storage.profiles import ProfileStore
from tests.servers import UNIT_TIER

ALLOW_SKIP = "TANDEM_ALLOW_SKIP"


def pytest_configure(config: pytest.Config) -> None:
    """With `-m "not slow"` (make check), starting a server fails the test that tried:
    a test that needs one must be marked slow (tests/servers.py checks the flag)."""
    if (config.getoption("markexpr") or "").strip() == "not slow":
        os.environ[UNIT_TIER] = "1"


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_setup(item: pytest.Item) -> None:
    """A test marked `requires(available, reason)` fails (or skips) before its fixtures run."""
    for mark in item.iter_markers("requires"):
        available, reason = mark.args
        if not available:
            if os.environ.get(ALLOW_SKIP) == "1":
                pytest.skip(reason)
            pytest.fail(f"{reason}. Set {ALLOW_SKIP}=1 to skip instead of failing.",
                        pytrace=False)


def load_domain() -> Dict[str, Any]:
    """The merged domain files as one dict (responses, slots, intents)."""
    merged: Dict[str, Any] = {"responses": {}, "slots": {}, "intents": [], "actions": []}
    for path in sorted((ROOT / "domain").glob("*.yml")):
        part = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        merged["responses"].update(part.get("responses") or {})
        merged["slots"].update(part.get("slots") or {})
        merged["intents"].extend(part.get("intents") or [])
        merged["actions"].extend(part.get("actions") or [])
    return merged


@pytest.fixture(scope="session")
def domain() -> Dict[str, Any]:
    """The project's domain."""
    return load_domain()


@pytest.fixture
def dispatcher() -> CollectingDispatcher:
    """A dispatcher that collects what an action utters."""
    return CollectingDispatcher()


def ranking(*pairs: Any) -> List[Dict[str, Any]]:
    """An intent ranking from (name, confidence) pairs."""
    return [{"name": name, "confidence": conf} for name, conf in pairs]


@pytest.fixture
def make_tracker() -> Callable[..., Tracker]:
    """Builds a tracker whose latest message has the given text, intent and ranking."""

    def _make(text: str = "", intent: Optional[str] = None, confidence: float = 1.0,
              intent_ranking: Optional[List[Dict[str, Any]]] = None,
              slots: Optional[Dict[str, Any]] = None,
              entities: Optional[List[Dict[str, Any]]] = None) -> Tracker:
        latest = {
            "text": text,
            "intent": {"name": intent, "confidence": confidence},
            "intent_ranking": intent_ranking or ([{"name": intent, "confidence": confidence}]
                                                 if intent else []),
            "entities": entities or [],
        }
        return Tracker(
            sender_id="test-user",
            slots=slots or {},
            latest_message=latest,
            events=[],
            paused=False,
            followup_action=None,
            active_loop={},
            latest_action_name="action_listen",
        )

    return _make


@pytest.fixture(autouse=True)
def profile_db(tmp_path, monkeypatch) -> Iterator[str]:
    """Every test's actions record into a fresh SQLite profile store, never var/tandem.db.

    Only the URL: the database and its tables are made on first use (by the actions, or by
    the `profile_store` fixture), not for each of the hundreds of tests that never use it.
    """
    url = f"sqlite:///{tmp_path / 'profiles.db'}"
    monkeypatch.setenv("TANDEM_DB_URL", url)
    # The cached function itself: a test may monkeypatch actions.actions.profiles meanwhile.
    profiles = actions_module.profiles
    profiles.cache_clear()
    yield url
    profiles.cache_clear()


@pytest.fixture
def profile_store(profile_db: str) -> ProfileStore:
    """The store this test's actions record into, to read back what they recorded."""
    return ProfileStore(profile_db)
