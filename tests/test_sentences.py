"""Sentence splitting and word counts used by the actions."""

from actions import sentences


def test_long_message_is_split_into_sentences() -> None:
    text = ("I pay every bill. He never asks how I am!  Is that normal? "
            "My mum says it is fine")
    assert sentences.split(text) == ["I pay every bill.", "He never asks how I am!",
                                     "Is that normal?", "My mum says it is fine"]


def test_empty_text_has_no_sentences() -> None:
    assert sentences.split("") == []
    assert sentences.split("   ") == []


def test_word_count_ignores_emoji_and_numbers() -> None:
    assert sentences.word_count("he doesn't care \U0001F62D 100%") == 3
    assert sentences.word_count("") == 0
