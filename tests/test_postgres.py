"""Tandem on a real PostgreSQL server: restart, forget me, and a database outage."""

import uuid
from pathlib import Path
from typing import Iterator

import pytest

from tests.servers import Bot, running_bot
from tests.services import HAVE_POSTGRES, Postgres, running_postgres

pytestmark = [pytest.mark.slow, pytest.mark.requires(
    HAVE_POSTGRES, "Debian's postgresql is not installed (make test installs it as root)")]

SITUATION = ("I do all the cooking, cleaning and bills and my husband never even asks how "
             "my day was. I'm exhausted and nobody helps me.")


@pytest.fixture(scope="module")
def postgres() -> Iterator[Postgres]:
    with running_postgres() as server:
        yield server


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("postgres")


@pytest.fixture(scope="module")
def bot(postgres: Postgres, folder: Path) -> Iterator[Bot]:
    with running_bot(folder / "unused.db", env_extra={"TANDEM_DB_URL": postgres.url}) as bot:
        yield bot


def texts(replies) -> str:
    return "\n".join(r.get("text", "") for r in replies)


def test_conversations_and_results_go_to_postgres(bot: Bot) -> None:
    sender = f"pg-{uuid.uuid4().hex[:8]}"
    bot.send(sender, SITUATION)
    assert bot.db_url.startswith("postgresql://")
    assert bot.rows("events", sender) > 0
    assert bot.rows("tandem_results", sender) == 1


def test_forget_me_on_postgres(bot: Bot) -> None:
    sender, other = f"pg-{uuid.uuid4().hex[:8]}", f"pg-{uuid.uuid4().hex[:8]}"
    for person in (sender, other):
        bot.send(person, SITUATION)
    bot.send(sender, "erase everything you have on me")
    bot.send(sender, "/affirm")
    assert bot.rows("events", sender) == 0 and bot.rows("tandem_results", sender) == 0
    assert bot.rows("events", other) > 0 and bot.rows("tandem_results", other) == 1


def test_database_outage_gets_an_apology_and_the_bot_recovers(bot: Bot,
                                                              postgres: Postgres) -> None:
    sender = f"pg-{uuid.uuid4().hex[:8]}"
    bot.send(sender, SITUATION)
    before = bot.rows("events", sender)
    postgres.stop()
    try:
        replies = bot.send(sender, "I always give in to my mum so she won't be upset")
        assert "can't reach my memory" in texts(replies)
    finally:
        postgres.start()
    replies = bot.send(sender, "I always lie to my sister's boss and say she's sick when "
                               "she's hungover")
    assert "That sounds like" in texts(replies)
    assert bot.rows("events", sender) > before
    users = [e["text"] for e in bot.tracker(sender)["events"] if e["event"] == "user"]
    assert users[0] == SITUATION and users[-1].startswith("I always lie to my sister's boss")


def test_the_conversation_survives_a_rasa_restart(bot: Bot, postgres: Postgres,
                                                  folder: Path) -> None:
    sender = f"pg-{uuid.uuid4().hex[:8]}"
    bot.send(sender, SITUATION)  # the module's server; a new rasa process carries on
    with running_bot(folder / "second.db",
                     env_extra={"TANDEM_DB_URL": postgres.url}) as restarted:
        users = [e["text"] for e in restarted.tracker(sender)["events"] if e["event"] == "user"]
        assert users == [SITUATION]
        replies = restarted.send(sender, "show my summary")
        assert "(1 in all)" in texts(replies)
