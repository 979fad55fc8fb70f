"""The conversation suite (issue 14): hand-written conversations, end to end over REST.

The rules each reply must keep are in bench/conversations.py; this runs every conversation
of tests/conversations/ against a real bot and fails on any violation.
"""

import statistics
from pathlib import Path
from typing import Iterator, List

import pytest

from bench import conversations as suite
from tests.servers import running_bot

pytestmark = pytest.mark.slow  # starts the action server and rasa

CONVERSATIONS = suite.load_suite()


def test_the_suite_is_big_enough_and_well_formed() -> None:
    assert len(CONVERSATIONS) >= 40
    assert len({c.id for c in CONVERSATIONS}) == len(CONVERSATIONS)


@pytest.fixture(scope="module")
def done(tmp_path_factory: pytest.TempPathFactory) -> Iterator[List[suite.Conversation]]:
    folder: Path = tmp_path_factory.mktemp("conversations")
    with running_bot(folder / "tracker.db") as bot:
        yield [suite.run(bot, c) for c in CONVERSATIONS]


def test_no_conversation_breaks_a_rule(done: List[suite.Conversation]) -> None:
    found = [p for c in done for p in suite.problems(c)]
    assert not found, "\n".join(found)


def test_answers_are_short(done: List[suite.Conversation]) -> None:
    words = suite.answer_words(done)
    assert words, "no answer gave findings"
    assert statistics.median(words) <= suite.MAX_MEDIAN_WORDS


