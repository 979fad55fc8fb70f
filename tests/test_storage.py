"""The storage layer on real SQLite files: URLs, profiles, forgetting, retention, locks."""

import json
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from rasa.core.lock_store import InMemoryLockStore, RedisLockStore
from rasa.core.tracker_store import SQLTrackerStore
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, SessionStarted, SlotSet, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker, EventVerbosity

from storage.database import DEFAULT_SQLITE, database_url, make_engine
from storage.locks import EnvLockStore
from storage.profiles import ProfileStore, summarise
from storage.retention import main as purge_main
from storage.retention import purge
from storage.tracker_store import TandemTrackerStore
from tandem import settings, vocabulary
from tandem.vocabulary import FORGET_SLOT

NOW = datetime(2026, 11, 28, 12, 0, tzinfo=timezone.utc)


def test_names_and_settings_come_from_the_tandem_core() -> None:
    import storage.database
    import storage.profiles
    import storage.tracker_store

    assert storage.database.ROOT is settings.ROOT
    assert storage.database.DEFAULT_SQLITE == settings.DEFAULT_SQLITE
    assert storage.database.database_url is settings.database_url
    assert storage.tracker_store.FORGET_SLOT is vocabulary.FORGET_SLOT
    assert storage.profiles.MAX_SENDER_ID == vocabulary.MAX_SENDER_ID
    assert storage.profiles.Result.__table__.c.sender_id.type.length == vocabulary.MAX_SENDER_ID


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


async def test_tracker_store_deletes_a_conversation_that_asked_to_be_forgotten(
        tmp_path: Path, domain: Domain) -> None:
    url = f"sqlite:///{tmp_path / 't.db'}"
    store = TandemTrackerStore(domain, host=url)
    await store.save(_tracker("ann", domain))
    await store.save(_tracker("bob", domain))
    assert _event_count(url, "ann") == 4
    await store.save(_tracker("ann", domain, forget=True))
    assert _event_count(url, "ann") == 0
    assert (await store.retrieve("ann")) is None
    assert _event_count(url, "bob") == 4


def _old_events(url: str, sender: str, when: datetime) -> None:
    with make_engine(url).begin() as connection:
        connection.execute(sa.text(
            "UPDATE events SET timestamp = :t WHERE sender_id = :s"),
            {"t": when.timestamp(), "s": sender})


async def test_purge_deletes_idle_conversations_and_old_results(tmp_path: Path,
                                                               domain: Domain) -> None:
    url = f"sqlite:///{tmp_path / 't.db'}"
    store = TandemTrackerStore(domain, host=url)
    for sender in ("old", "new"):
        await store.save(_tracker(sender, domain))
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


async def test_corrections_export_reads_the_words_from_the_tracker_store(
        tmp_path: Path, domain: Domain) -> None:
    from storage.corrections import as_nlu_yaml, candidates

    url = f"sqlite:///{tmp_path / 't.db'}"
    store = TandemTrackerStore(domain, host=url)
    tracker = _tracker("ann", domain)
    await store.save(tracker)
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


async def test_recent_trackers_are_reused_only_while_the_database_agrees(
        tmp_path: Path, domain: Domain, monkeypatch: pytest.MonkeyPatch) -> None:
    url = f"sqlite:///{tmp_path / 't.db'}"
    mine, other_replica = TandemTrackerStore(domain, host=url), TandemTrackerStore(domain, host=url)
    reads = _count_database_reads(monkeypatch)
    await mine.save(_tracker("ann", domain))
    first = await mine.retrieve("ann")
    second = await mine.retrieve("ann")
    assert first is not None and second is not None and second is not first  # copies ...
    assert _state(second) == _state(first) and reads == []  # ... of the saved conversation

    # Another replica adds to the conversation: this store reads it afresh.
    theirs = await other_replica.retrieve("ann")
    assert theirs is not None and theirs is not first
    _more(theirs, "from the other replica")
    await other_replica.save(theirs)
    fresh = await mine.retrieve("ann")
    assert fresh is not None and fresh is not first
    assert [e.text for e in fresh.events if isinstance(e, UserUttered)] == [
        "hello", "from the other replica"]

    # Changed in memory but never saved (a failed message): not handed out again.
    _more(fresh, "never saved")
    reread = await mine.retrieve("ann")
    assert reread is not None and reread is not fresh and len(reread.events) == 7

    # Deleted behind the store's back (a purge in another process): gone here too.
    with make_engine(url).begin() as connection:
        connection.execute(sa.text("DELETE FROM events WHERE sender_id = 'ann'"))
    assert (await mine.retrieve("ann")) is None


def _state(tracker: DialogueStateTracker) -> dict:
    return json.loads(json.dumps(tracker.current_state(EventVerbosity.ALL)))


def _count_database_reads(monkeypatch: pytest.MonkeyPatch) -> list:
    """Records every time a TandemTrackerStore reads a conversation from the database."""
    reads: list = []
    real = SQLTrackerStore.retrieve

    async def counting(self: SQLTrackerStore, sender_id: str) -> Any:
        reads.append(sender_id)
        return await real(self, sender_id)

    monkeypatch.setattr(SQLTrackerStore, "retrieve", counting)
    return reads


async def test_rasa_never_changes_the_cached_tracker(tmp_path: Path, domain: Domain,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    url = f"sqlite:///{tmp_path / 't.db'}"
    store = TandemTrackerStore(domain, host=url)
    saved = _tracker("ann", domain)
    await store.save(saved)
    reads = _count_database_reads(monkeypatch)
    expected = _state(saved)

    # What Rasa does to the tracker it saved and to the one it gets next.
    _more(saved, "after saving")
    handed_out = await store.retrieve("ann")
    assert handed_out is not None and _state(handed_out) == expected
    _more(handed_out, "a failed message")
    handed_out.update(SlotSet(FORGET_SLOT, True))
    assert handed_out.latest_message is not None
    handed_out.latest_message.parse_data["intent"]["name"] = "changed in place"
    handed_out.latest_message.use_text_for_featurization = True
    for event in handed_out.events:
        event.timestamp = 0.0

    again = await store.retrieve("ann")
    assert again is not None and again is not handed_out
    assert _state(again) == expected and not again.get_slot(FORGET_SLOT)
    assert reads == []  # all from the cache
    # ... and it is what the database itself gives.
    from_database = await TandemTrackerStore(domain, host=url).retrieve("ann")
    assert from_database is not None and _state(from_database) == expected


def _session(start: float, texts: list, new_session: bool) -> list:
    events: list = []
    if new_session:
        events += [ActionExecuted("action_session_start", timestamp=start),
                   SessionStarted(timestamp=start + 0.1),
                   ActionExecuted("action_listen", timestamp=start + 0.2)]
    for number, text in enumerate(texts, start=1):
        at = start + number
        events += [UserUttered(text, {"name": "greet"}, timestamp=at),
                   ActionExecuted("utter_greet", timestamp=at + 0.1),
                   ActionExecuted("action_listen", timestamp=at + 0.2)]
    return events


async def _handle(store: TandemTrackerStore, sender: str, events: list,
                  domain: Domain) -> DialogueStateTracker:
    """What Rasa does with a message: get the tracker, add the events, save it."""
    tracker = await store.retrieve(sender) or DialogueStateTracker(sender, domain.slots)
    for event in events:
        tracker.update(event)
    await store.save(tracker)
    return tracker


async def test_cached_conversations_are_what_the_database_reads_back(
        tmp_path: Path, domain: Domain) -> None:
    """Rasa's SQL store reads back the latest session from its SessionStarted on (not the
    `action_session_start` before it) and saves the events past that count; a cached
    tracker with more events made it store the last one twice (and a whole old session
    after a new one began)."""
    url = f"sqlite:///{tmp_path / 't.db'}"
    store = TandemTrackerStore(domain, host=url)
    await _handle(store, "ann", _session(1000.0, ["first"], True), domain)
    await _handle(store, "ann", _session(1010.0, ["second"], False), domain)
    await _handle(store, "ann", _session(1020.0, ["third"], False), domain)
    assert _event_count(url, "ann") == 12

    await _handle(store, "ann", _session(5000.0, ["after an hour"], True), domain)
    await _handle(store, "ann", _session(5010.0, ["and more"], False), domain)
    assert _event_count(url, "ann") == 21  # every event once

    cached = await store.retrieve("ann")
    from_database = await TandemTrackerStore(domain, host=url).retrieve("ann")
    assert cached is not None and from_database is not None
    assert _state(cached) == _state(from_database)
    assert [e.text for e in cached.events if isinstance(e, UserUttered)] == [
        "after an hour", "and more"]


async def test_recent_trackers_stay_bounded(tmp_path: Path, domain: Domain) -> None:
    store = TandemTrackerStore(domain, host=f"sqlite:///{tmp_path / 't.db'}")
    store.RECENT_TRACKERS = 3
    for name in ("a", "b", "c", "d", "e"):
        await store.save(_tracker(name, domain))
    assert list(store._recent) == ["c", "d", "e"]
    assert (await store.retrieve("a")) is not None  # read from the database instead


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
