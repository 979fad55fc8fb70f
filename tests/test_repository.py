"""The actions' profile repository: async calls in a thread, one place for storage failures."""

import asyncio
import logging
import threading
from pathlib import Path
from typing import List

import pytest
import sqlalchemy as sa

from storage.profiles import ProfileStore, Summary
from storage.repository import ProfileRepository

SENDER = "Zoë private-sender 42"
FINDING = "codependent:helping"


def _url(tmp_path: Path, name: str = "p.db") -> str:
    return f"sqlite:///{tmp_path / name}"


async def test_records_and_reads_what_the_store_keeps(tmp_path: Path) -> None:
    repository = ProfileRepository(_url(tmp_path))
    assert await repository.record(SENDER, [FINDING], "codependent", "rest")
    assert await repository.record(SENDER, ("interdependent:honesty",), "interdependent", None)
    assert await repository.record_self_check(SENDER, [FINDING], "slack")
    assert await repository.record_correction(SENDER, FINDING, "codependent:honesty", 12.5)
    assert await repository.record_feedback(SENDER, True, [FINDING])
    assert await repository.record_feedback(SENDER, False, [])

    summary = await repository.summary(SENDER)
    assert isinstance(summary, Summary) and summary.total == 2  # self-checks are apart
    assert summary.most_frequent == "interdependent:honesty"
    store = ProfileStore(_url(tmp_path))
    assert [(r.kind, r.channel) for r in store.results(SENDER)] == [
        ("situation", "rest"), ("situation", None), ("self_check", "slack")]
    assert [(c.original, c.corrected, c.message_timestamp) for c in store.corrections()] == [
        (FINDING, "codependent:honesty", 12.5)]
    assert store.feedback_counts() == {True: 1, False: 1}

    assert await repository.forget(SENDER) == 6
    assert await repository.forget(SENDER) == 0  # nothing left: still a success
    empty = await repository.summary(SENDER)
    assert empty is not None and empty.total == 0


async def test_work_runs_off_the_event_loop(tmp_path: Path) -> None:
    seen: List[str] = []
    real = ProfileStore.record

    def record(self: ProfileStore, *args: object, **kwargs: object) -> None:
        seen.append(threading.current_thread().name)
        real(self, *args, **kwargs)  # type: ignore[arg-type]

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(ProfileStore, "record", record)
        repository = ProfileRepository(_url(tmp_path))
        assert await repository.record(SENDER, [FINDING], None, None)
    assert seen and seen[0] != threading.main_thread().name


async def test_connects_once_and_on_first_use(tmp_path: Path) -> None:
    made: List[ProfileStore] = []

    def factory() -> ProfileStore:
        made.append(ProfileStore(_url(tmp_path)))
        return made[-1]

    repository = ProfileRepository(store_factory=factory)
    assert made == []  # nothing at construction: the action server starts without a database
    results = await asyncio.gather(*(repository.record(f"p{n}", [FINDING], None, None)
                                     for n in range(8)))
    assert all(results) and len(made) == 1


async def test_uses_the_database_url_from_tandem_settings(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TANDEM_DB_URL", _url(tmp_path, "from-env.db"))
    assert await ProfileRepository().record(SENDER, [FINDING], None, None)
    assert ProfileStore(_url(tmp_path, "from-env.db")).summary(SENDER).total == 1


def _assert_logged_without_personal_data(caplog: pytest.LogCaptureFixture,
                                         expected: List[str]) -> None:
    messages = [r.getMessage() for r in caplog.records if r.name == "storage.repository"]
    assert messages == expected
    for message in messages:
        assert SENDER not in message and FINDING not in message and "helping" not in message


async def test_a_database_that_cannot_be_opened_costs_only_the_record(
        tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    blocked = tmp_path / "blocked.db"
    blocked.mkdir()  # a folder where the database file should be: SQLite cannot open it
    repository = ProfileRepository(f"sqlite:///{blocked}")
    caplog.set_level(logging.WARNING, logger="storage.repository")

    assert await repository.record(SENDER, [FINDING], "codependent", "rest") is False
    assert await repository.record_self_check(SENDER, [FINDING], "rest") is False
    assert await repository.record_correction(SENDER, FINDING, "codependent:honesty",
                                              1.0) is False
    assert await repository.record_feedback(SENDER, True, [FINDING]) is False
    assert await repository.summary(SENDER) is None
    assert await repository.forget(SENDER) is None
    _assert_logged_without_personal_data(caplog, [
        "Result not recorded: OperationalError",
        "Result not recorded: OperationalError",
        "Correction not recorded: OperationalError",
        "Feedback not recorded: OperationalError",
        "Summary not read: OperationalError",
        "Person not forgotten: OperationalError",
    ])

    # The database comes back: the next call connects and works.
    blocked.rmdir()
    assert await repository.record(SENDER, [FINDING], "codependent", "rest") is True
    summary = await repository.summary(SENDER)
    assert summary is not None and summary.total == 1


async def test_a_database_failing_after_connecting_costs_only_the_record(
        tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    url = _url(tmp_path)
    repository = ProfileRepository(url)
    assert await repository.record(SENDER, [FINDING], None, None)
    with sa.create_engine(url).begin() as connection:
        for table in ("tandem_results", "tandem_feedback", "tandem_corrections"):
            connection.execute(sa.text(f"DROP TABLE {table}"))
    caplog.set_level(logging.WARNING, logger="storage.repository")

    assert await repository.record(SENDER, [FINDING], None, None) is False
    assert await repository.record_correction(SENDER, FINDING, "codependent:honesty",
                                              None) is False
    assert await repository.record_feedback(SENDER, False, [FINDING]) is False
    assert await repository.summary(SENDER) is None
    assert await repository.forget(SENDER) is None
    _assert_logged_without_personal_data(caplog, [
        "Result not recorded: OperationalError",
        "Correction not recorded: OperationalError",
        "Feedback not recorded: OperationalError",
        "Summary not read: OperationalError",
        "Person not forgotten: OperationalError",
    ])


@pytest.mark.parametrize("sender", ["", "x" * 256])
async def test_a_sender_id_the_columns_cannot_hold_is_refused_not_raised(
        tmp_path: Path, sender: str, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.WARNING, logger="storage.repository")
    assert await ProfileRepository(_url(tmp_path)).record(sender, [FINDING], None, None) is False
    assert [r.getMessage() for r in caplog.records] == ["Result not recorded: ValueError"]


async def test_a_bug_is_not_hidden_as_a_storage_failure(tmp_path: Path) -> None:
    def broken() -> ProfileStore:
        raise TypeError("a bug, not an outage")

    with pytest.raises(TypeError):
        await ProfileRepository(store_factory=broken).summary(SENDER)


async def test_forgetting_logs_the_count_only(tmp_path: Path,
                                              caplog: pytest.LogCaptureFixture) -> None:
    repository = ProfileRepository(_url(tmp_path))
    await repository.record(SENDER, [FINDING], None, None)
    caplog.set_level(logging.INFO, logger="storage.repository")
    assert await repository.forget(SENDER) == 1
    _assert_logged_without_personal_data(
        caplog, ["Forgot a person on request (1 results deleted)."])
