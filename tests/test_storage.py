"""The storage layer on real SQLite files: URLs, profiles, forgetting, retention, locks."""

import asyncio
import json
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
import sqlalchemy as sa
from rasa.core.lock_store import InMemoryLockStore, RedisLockStore
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, SlotSet, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

from storage.database import DEFAULT_SQLITE, database_url, make_engine
from storage.locks import EnvLockStore
from storage.profiles import ProfileStore, summarise
from storage.retention import main as purge_main
from storage.retention import purge
from storage.tracker_store import FORGET_SLOT, TandemTrackerStore

NOW = datetime(2026, 11, 28, 12, 0, tzinfo=timezone.utc)


def test_database_url_prefers_tandem_db_url_then_pg_variables_then_sqlite() -> None:
    assert database_url({"TANDEM_DB_URL": "postgresql://a@b/c", "PGHOST": "x"}) == \
        "postgresql://a@b/c"
    url = database_url({"PGHOST": "db.internal", "PGPORT": "5433", "PGUSER": "tandem",
                        "PGPASSWORD": "s3cret", "PGDATABASE": "talks"})
    assert url == "postgresql://tandem:s3cret@db.internal:5433/talks"
    assert database_url({}) == f"sqlite:///{DEFAULT_SQLITE}"


def test_profile_store_records_and_summarises(tmp_path: Path) -> None:
    store = ProfileStore(f"sqlite:///{tmp_path / 'p.db'}")
    store.record("ann", ["codependent:helping"], "codependent", "rest",
                 when=NOW - timedelta(days=3))
    store.record("ann", ["codependent:helping"], "codependent", "slack",
                 when=NOW - timedelta(days=2))
    store.record("ann", ["interdependent:boundaries"], "interdependent", "telegram",
                 when=NOW - timedelta(days=1))
    store.record("bob", ["codependent:honesty"], "codependent", "rest")
    summary = store.summary("ann")
    assert summary.total == 3
    assert summary.counts == {"helping": {"codependent": 2, "interdependent": 0},
                              "boundaries": {"codependent": 0, "interdependent": 1}}
    assert summary.most_frequent == "codependent:helping"
    assert [r.channel for r in store.results("ann")] == ["rest", "slack", "telegram"]


def test_most_frequent_tie_goes_to_the_most_recent(tmp_path: Path) -> None:
    store = ProfileStore(f"sqlite:///{tmp_path / 'p.db'}")
    store.record("ann", ["codependent:helping"], "codependent", "rest",
                 when=NOW - timedelta(days=2))
    store.record("ann", ["interdependent:identity"], "interdependent", "rest",
                 when=NOW - timedelta(days=1))
    assert store.summary("ann").most_frequent == "interdependent:identity"
    assert summarise([]).most_frequent is None


@pytest.mark.parametrize("sender", ["", "x" * 256])
def test_profile_store_refuses_bad_sender_ids(tmp_path: Path, sender: str) -> None:
    store = ProfileStore(f"sqlite:///{tmp_path / 'p.db'}")
    with pytest.raises(ValueError):
        store.record(sender, ["codependent:helping"], "codependent", "rest")


@pytest.mark.parametrize("sender", ["Zoë 😀 日本", "x'); DROP TABLE tandem_results;--",
                                    "a" * 255, "%_\\"])
def test_profile_store_keeps_unusual_sender_ids_apart(tmp_path: Path, sender: str) -> None:
    store = ProfileStore(f"sqlite:///{tmp_path / 'p.db'}")
    store.record(sender, ["codependent:helping"], "codependent", "rest")
    store.record("other", ["interdependent:honesty"], "interdependent", "rest")
    assert store.summary(sender).total == 1
    assert store.forget(sender) == 1
    assert store.summary("other").total == 1


def _tracker(sender: str, domain: Domain, forget: bool = False) -> DialogueStateTracker:
    events = [ActionExecuted("action_listen"), UserUttered("hello", {"name": "greet"}),
              ActionExecuted("utter_greet"), ActionExecuted("action_listen")]
    if forget:
        events.append(SlotSet(FORGET_SLOT, True))
    return DialogueStateTracker.from_events(sender, events, domain.slots)


@pytest.fixture
def domain() -> Domain:
    return Domain.from_dict({"intents": ["greet"], "responses": {"utter_greet": [{"text": "hi"}]},
                             "slots": {FORGET_SLOT: {"type": "bool", "initial_value": False,
                                                     "mappings": [{"type": "custom"}]}}})


def _event_count(url: str, sender: str) -> int:
    with make_engine(url).connect() as connection:
        return connection.execute(sa.text("SELECT count(*) FROM events WHERE sender_id = :s"),
                                  {"s": sender}).scalar_one()


def test_tracker_store_deletes_a_conversation_that_asked_to_be_forgotten(
        tmp_path: Path, domain: Domain) -> None:
    url = f"sqlite:///{tmp_path / 't.db'}"
    store = TandemTrackerStore(domain, host=url)
    asyncio.run(store.save(_tracker("ann", domain)))
    asyncio.run(store.save(_tracker("bob", domain)))
    assert _event_count(url, "ann") == 4
    asyncio.run(store.save(_tracker("ann", domain, forget=True)))
    assert _event_count(url, "ann") == 0
    assert asyncio.run(store.retrieve("ann")) is None
    assert _event_count(url, "bob") == 4


def _old_events(url: str, sender: str, when: datetime) -> None:
    with make_engine(url).begin() as connection:
        connection.execute(sa.text(
            "UPDATE events SET timestamp = :t WHERE sender_id = :s"),
            {"t": when.timestamp(), "s": sender})


def test_purge_deletes_idle_conversations_and_old_results(tmp_path: Path,
                                                                domain: Domain) -> None:
    url = f"sqlite:///{tmp_path / 't.db'}"
    store = TandemTrackerStore(domain, host=url)
    for sender in ("old", "new"):
        asyncio.run(store.save(_tracker(sender, domain)))
    _old_events(url, "old", NOW - timedelta(days=40))
    _old_events(url, "new", NOW - timedelta(days=1))
    profiles = ProfileStore(url)
    profiles.record("old", ["codependent:helping"], "codependent", "rest",
                    when=NOW - timedelta(days=40))
    profiles.record("new", ["codependent:helping"], "codependent", "rest",
                    when=NOW - timedelta(days=40))
    profiles.record("new", ["codependent:helping"], "codependent", "rest",
                    when=NOW - timedelta(days=1))
    done = purge(make_engine(url), days=30, now=NOW)
    assert done.conversations == 1 and done.events == 4 and done.results == 2
    assert _event_count(url, "old") == 0 and _event_count(url, "new") == 4
    assert profiles.summary("new").total == 1


def test_purge_command_line_on_an_empty_database(tmp_path: Path,
                                                 capsys: pytest.CaptureFixture) -> None:
    assert purge_main(["--days", "30", "--url", f"sqlite:///{tmp_path / 'e.db'}"]) == 0
    assert "purged 0 conversations" in capsys.readouterr().out


def test_lock_store_is_in_memory_unless_redis_is_configured(monkeypatch) -> None:
    monkeypatch.delenv("TANDEM_REDIS_URL", raising=False)
    assert isinstance(EnvLockStore(), InMemoryLockStore)
    monkeypatch.setenv("TANDEM_REDIS_URL", "redis://:pw@127.0.0.1:6390/3")
    store = EnvLockStore()
    assert isinstance(store, RedisLockStore)
    kwargs = store.red.connection_pool.connection_kwargs
    assert (kwargs["host"], kwargs["port"], kwargs["db"], kwargs["password"]) == \
        ("127.0.0.1", 6390, 3, "pw")


def test_findings_are_stored_as_json_lists(tmp_path: Path) -> None:
    store = ProfileStore(f"sqlite:///{tmp_path / 'p.db'}")
    store.record("ann", ["codependent:helping", "codependent:honesty"], "codependent", None)
    assert json.loads(store.results("ann")[0].findings) == ["codependent:helping",
                                                            "codependent:honesty"]


def test_corrections_export_reads_the_words_from_the_tracker_store(tmp_path: Path,
                                                                   domain: Domain) -> None:
    from storage.corrections import as_nlu_yaml, candidates

    url = f"sqlite:///{tmp_path / 't.db'}"
    store = TandemTrackerStore(domain, host=url)
    tracker = _tracker("ann", domain)
    asyncio.run(store.save(tracker))
    sent = next(e.timestamp for e in tracker.events if isinstance(e, UserUttered))
    profiles = ProfileStore(url)
    profiles.record_correction("ann", "codependent:helping", "codependent:honesty", sent)
    profiles.record_correction("gone", "codependent:helping", "codependent:honesty", 1.0)
    found = candidates(make_engine(url))
    assert found == {"situation_codependent_honesty": ["hello"]}
    text = as_nlu_yaml(found)
    assert "Review each one" in text and "    - hello" in text
    assert profiles.forget("ann") == 1
    assert candidates(make_engine(url)) == {}


def _more(tracker: DialogueStateTracker, text: str) -> None:
    for event in (UserUttered(text, {"name": "greet"}), ActionExecuted("utter_greet"),
                  ActionExecuted("action_listen")):
        tracker.update(event)


def test_recent_trackers_are_reused_only_while_the_database_agrees(
        tmp_path: Path, domain: Domain) -> None:
    url = f"sqlite:///{tmp_path / 't.db'}"
    mine, other_replica = TandemTrackerStore(domain, host=url), TandemTrackerStore(domain, host=url)
    asyncio.run(mine.save(_tracker("ann", domain)))
    first = asyncio.run(mine.retrieve("ann"))
    assert first is not None and asyncio.run(mine.retrieve("ann")) is first  # reused

    # Another replica adds to the conversation: this store reads it afresh.
    theirs = asyncio.run(other_replica.retrieve("ann"))
    assert theirs is not None and theirs is not first
    _more(theirs, "from the other replica")
    asyncio.run(other_replica.save(theirs))
    fresh = asyncio.run(mine.retrieve("ann"))
    assert fresh is not None and fresh is not first
    assert [e.text for e in fresh.events if isinstance(e, UserUttered)] == [
        "hello", "from the other replica"]

    # Changed in memory but never saved (a failed message): not handed out again.
    _more(fresh, "never saved")
    reread = asyncio.run(mine.retrieve("ann"))
    assert reread is not None and reread is not fresh and len(reread.events) == 7

    # Deleted behind the store's back (a purge in another process): gone here too.
    with make_engine(url).begin() as connection:
        connection.execute(sa.text("DELETE FROM events WHERE sender_id = 'ann'"))
    assert asyncio.run(mine.retrieve("ann")) is None


def test_recent_trackers_stay_bounded(tmp_path: Path, domain: Domain) -> None:
    store = TandemTrackerStore(domain, host=f"sqlite:///{tmp_path / 't.db'}")
    store.RECENT_TRACKERS = 3
    for name in ("a", "b", "c", "d", "e"):
        asyncio.run(store.save(_tracker(name, domain)))
    assert list(store._recent) == ["c", "d", "e"]
    assert asyncio.run(store.retrieve("a")) is not None  # read from the database instead


def test_table_creation_survives_another_process_creating_them_at_once(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from sqlalchemy.exc import IntegrityError

    from storage import profiles

    real = profiles.Base.metadata.create_all
    calls = []

    def collide_once(engine: object) -> None:
        calls.append(engine)
        if len(calls) == 1:  # what PostgreSQL raises to the slower of two creators
            raise IntegrityError("CREATE TABLE tandem_results", {}, Exception("pg_type"))
        real(engine)

    monkeypatch.setattr(profiles.Base.metadata, "create_all", collide_once)
    store = ProfileStore(f"sqlite:///{tmp_path / 'p.db'}")
    store.record("ann", ["codependent:helping"], "codependent", "rest")
    assert len(calls) == 2 and store.summary("ann").total == 1
