"""Sentence splitting, word counts and negation words shared by actions and components."""

from typing import Optional

import pytest

from tandem import text


def test_long_message_is_split_into_sentences() -> None:
    message = ("I pay every bill. He never asks how I am!  Is that normal? "
               "My mum says it is fine")
    assert text.split_sentences(message) == ["I pay every bill.", "He never asks how I am!",
                                     "Is that normal?", "My mum says it is fine"]


def test_empty_text_has_no_sentences() -> None:
    assert text.split_sentences("") == []
    assert text.split_sentences("   ") == []


def test_word_count_ignores_emoji_and_numbers() -> None:
    assert text.word_count("he doesn't care \U0001F62D 100%") == 3
    assert text.word_count("") == 0


def test_negation_words_with_and_without_apostrophes() -> None:
    for token in ("not", "never", "don't", "dont", "can't", "CANT", "won\u2019t", "nobody"):
        assert text.is_negation(token), token
    for token in ("no-one", "know", "note", "stop"):
        assert not text.is_negation(token), token


@pytest.mark.parametrize("message,expected", [
    ("is that normal? he says it's because he loves me", True),
    ("he says it's because he loves me. is that normal", True),
    ("Should I leave him?", True),
    ("I just agree with everything to keep the peace", False),
])
def test_is_question(message: str, expected: bool) -> None:
    assert text.is_question(message) is expected


def test_opening_sentence_skips_a_courtesy() -> None:
    assert text.opening_sentence("Thanks. Why does my mum call six times a day?") == \
        "Why does my mum call six times a day?"
    assert text.opening_sentence("Thank you so much!") == "Thank you so much!"
    assert text.opening_sentence("Why? He gets upset") == "Why?"


@pytest.mark.parametrize("message, intent", [
    ("What else? He gets upset the minute I suggest anything.", "ask_what_to_do"),
    ("k anythin else quick", "ask_what_to_do"),
    ("Why is doing his applications a problem?", "ask_why"),
    ("how is that codependent, she is my mum", "ask_why"),
    ("what would a healthy version of this look like", "ask_healthy"),
    ("my mum calls every night and I can't say no", None),
    ("What do you mean?", None),
    ("what would you do?", None),
    ("I always wonder why she never asks about me", None),
    # A courtesy first, or a polite way into the question.
    ("Thanks so much. Could I ask why you think that is unhealthy?", "ask_why"),
    ("may i ask why u said that", "ask_why"),
    ("Thank you. I was wondering why that counts as enabling", "ask_why"),
    ("ok thanks. what else could I try?", "ask_what_to_do"),
    ("Thank you. My husband never helps with the children.", None),
])
def test_follow_up_opening(message: str, intent: Optional[str]) -> None:
    assert text.follow_up_opening(message) == intent


@pytest.mark.parametrize("message, hedged", [
    ("Is it bad that I rely on my boyfriend to calm me down?", True),
    ("So is it fine that I lean on her as much as I do?", True),
    ("is that normal?", False),  # about the answer: ask_normal, not a situation
    ("Is it ok that she decides what I wear?", False),  # her behaviour, not the person's part
    ("I rely on my boyfriend to calm me down", False),
    ("what is codependency?", False),
])
def test_hedged_question(message: str, hedged: bool) -> None:
    assert text.is_hedged_question(message) is hedged


@pytest.mark.parametrize("message, present", [
    ("we used to split everything. now i do literally everything for her",
     "now i do literally everything for her"),
    ("My brother was forever bailing out his mate, but since last spring he helps him find "
     "shifts instead", "since last spring he helps him find shifts instead"),
    ("since the baby i do every night. my wife used to trade off with me but now i never get "
     "a break", "since the baby i do every night. now i never get a break"),
    ("if he came home in a mood my whole night was ruined. now i can feel bad for him without "
     "it becoming mine", "now i can feel bad for him without it becoming mine"),
    # Now first, then the past; commas end clauses too.
    ("nowadays i pay all her bills for her, back then she sorted her own",
     "nowadays i pay all her bills for her"),
    ("tbh i dont freak out anymore when he goes quiet, a year ago id spiral",
     "tbh i dont freak out anymore when he goes quiet"),
    ("these days I dress, talk and vote the way his family expects. back in uni I knew my mind",
     "these days i dress, talk and vote the way his family expects"),
    # A bare "not anymore" turns to now without saying anything about it.
    ("used to panic when she was late texting back, not anymore. I just figure she's busy",
     "i just figure she's busy"),
    # "move back in" is not "back in uni"; "we're fine now" alone is no contrast.
    ("She asked to move back in. I said no, she was put out, and we're fine now", None),
    # No contrast between then and now: the whole message is read as it is.
    ("since he lost his job I pay for everything", None),
    ("I do everything for him and he never says thanks. He's always been like that", None),
    ("she used to be lovely", None),
    ("", None),
])
def test_present_part(message: str, present: Optional[str]) -> None:
    assert text.present_part(message) == present


@pytest.mark.parametrize("message, quote", [
    ("I used to hide what I thought from my wife, but now I just tell her",
     "now I just tell her"),
    ("Since the baby I do every night. My wife used to trade off with me but now I never get "
     "a break", "Since the baby I do every night. now I never get a break"),
    ("We used to split everything. Now I’m the one paying", "Now I’m the one paying"),
    ("I do everything for him and he never says thanks", None),
    ("Nowadays I do ALL his paperwork, back then he did his own",
     "Nowadays I do ALL his paperwork"),
])
def test_present_quote_keeps_the_persons_spelling(message: str, quote: Optional[str]) -> None:
    assert text.present_quote(message) == quote
