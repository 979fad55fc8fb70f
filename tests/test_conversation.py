"""The reply shape and conversation memory (tandem.conversation), without Rasa."""

from typing import List, Optional

import pytest

from tandem import analysis, conversation, knowledge
from tandem.analysis import Evidence
from tandem.conversation import Memory, Say
from tandem.vocabulary import DIMENSIONS, POLES, Finding

KB = knowledge.get()
GIVING = Finding("codependent", "give_and_take")


def responses(reply: List[Say]) -> List[str]:
    return [item.response for item in reply]


def test_one_finding_is_a_reflection_the_pattern_and_one_article_point() -> None:
    memory = Memory()
    reply = conversation.explain_one(KB, GIVING, "self", "I do everything for my brother",
                                     memory)
    assert responses(reply) == ["utter_reflection", "utter_pattern", "utter_point_codependent"]
    assert "your brother" in reply[0].values["reflection"]
    assert reply[1].values["citation"] == KB.attribution
    assert reply[2].values["point"].startswith("The article")


def test_the_full_citation_is_given_once_then_the_short_one() -> None:
    memory = Memory()
    conversation.explain_one(KB, GIVING, "self", "", memory)
    second = conversation.explain_one(KB, Finding("codependent", "boundaries"), "self", "",
                                      memory)
    assert second[1].values["citation"] == "Martin, 2018"


def test_the_same_row_again_names_it_without_repeating_the_cell() -> None:
    memory = Memory()
    first = conversation.explain_one(KB, GIVING, "self", "", memory)
    again = conversation.explain_one(KB, GIVING, "self", "", memory)
    assert responses(again) == ["utter_reflection", "utter_pattern_again_short",
                                "utter_point_codependent"]
    assert again[0].values != first[0].values and again[2].values != first[2].values
    for _ in range(3):
        last = conversation.explain_one(KB, GIVING, "self", "", memory)
    # Out of new reflections and points: one line naming the row, with the quick replies.
    assert responses(last) == ["utter_pattern_again_codependent"]


@pytest.mark.parametrize("about, expected", [("sister", "your sister"),
                                             ("someone", "the person you describe")])
def test_someone_else_s_pattern_is_spoken_of_them(about: str, expected: str) -> None:
    reply = conversation.explain_one(KB, GIVING, about, "", Memory())
    sentence = reply[0].values["reflection"]
    assert expected in sentence.lower()
    assert reply[1].values["dimension_name"] == KB.dimension("give_and_take").name


def test_their_feelings_not_yours_when_it_is_someone_else_s() -> None:
    reply = conversation.explain_one(KB, Finding("codependent", "feelings"), "mum", "",
                                     Memory())
    assert reply[1].values["dimension_name"] == "their feelings"


def test_several_patterns_are_one_line_each_then_the_quick_replies() -> None:
    evidence = [Evidence(GIVING, "I pay for everything"),
                Evidence(Finding("interdependent", "identity"), "we each have our friends")]
    reply = conversation.explain(KB, evidence, "self", "", Memory())
    assert responses(reply) == ["utter_several_patterns", "utter_several_summary_mixed"]
    assert reply[0].values["lines"].count("\n") == 1


@pytest.mark.parametrize("second_pole", ["interdependent", "codependent"])
def test_a_second_summary_of_the_same_kind_is_short(second_pole: str) -> None:
    """Two healthy two-pattern messages in a row got the same summary paragraph twice."""
    memory = Memory()
    pair = [Evidence(Finding(second_pole, "identity"), "we each have our friends"),
            Evidence(Finding(second_pole, "honesty"), "we own our mistakes")]
    first = conversation.explain(KB, pair, "self", "", memory)
    again = conversation.explain(KB, pair[::-1], "self", "", memory)
    assert first[1].response == f"utter_several_summary_{second_pole}"
    assert again[1].response == f"utter_several_summary_{second_pole}_1"


def test_a_long_message_says_what_it_focused_on() -> None:
    reply = conversation.explain(KB, [Evidence(GIVING, "I pay for everything")], "self", "",
                                 Memory(), long_message=True)
    assert responses(reply)[0] == "utter_long_focus"


@pytest.mark.parametrize("dimension", DIMENSIONS)
@pytest.mark.parametrize("pole", POLES)
def test_every_row_and_side_has_two_rounds_of_its_own_suggestions(dimension: str,
                                                                  pole: str) -> None:
    memory = Memory()
    finding = Finding(pole, dimension)
    first = conversation.suggestions(KB, finding, memory)
    second = conversation.suggestions(KB, finding, memory)
    done = conversation.suggestions(KB, finding, memory)
    assert first.values["options"] != second.values["options"]
    assert done.response == f"utter_try_said_all_{pole}"


def test_suggestions_differ_between_rows_and_sides() -> None:
    seen = set()
    for dimension in DIMENSIONS:
        for pole in POLES:
            options = KB.talk[dimension].pole(pole).suggestions[0]
            assert not seen & set(options)
            seen |= set(options)


@pytest.mark.parametrize("sentence, cues", [
    ("honestly I do everything and he never offers", ['"i do everything"', '"never offers"']),
    ("we went to the cinema", None),
])
def test_why_quotes_the_words_that_led_there(sentence: str, cues: Optional[List[str]]) -> None:
    said = conversation.why(KB, GIVING, sentence, Memory())
    if cues:
        assert said.response == "utter_why_words"
        assert all(cue in said.values["cues"] for cue in cues)
    else:
        # No words to point at: the message with the idea behind the row.
        assert said.response == "utter_why_quote_idea"
        assert said.values["concept_answer"]


def test_why_gives_the_idea_once() -> None:
    """Given with the quote when no cue words matched, the idea is not the second step too."""
    memory = Memory()
    steps = [conversation.why(KB, GIVING, "we went to the cinema", memory).response
             for _ in range(3)]
    assert steps == ["utter_why_quote_idea", "utter_why_said_all", "utter_why_said_all"]


@pytest.mark.parametrize("question, person", [
    ("Why is that a problem? She's my mum", "your mum"),
    ("but hes my brother, why would that be bad", "your brother"),
])
def test_why_about_someone_close_answers_that_first(question: str, person: str) -> None:
    memory = Memory()
    first = conversation.why(KB, GIVING, "I do everything for her", memory, question=question)
    assert first.response == "utter_why_close_to_them"
    assert first.values["person"] == person
    assert "spouse, parent, child" in first.values["concept_answer"]
    again = conversation.why(KB, GIVING, "I do everything for her", memory, question=question)
    assert again.response in {"utter_why_words", "utter_why_quote_idea"}


@pytest.mark.parametrize("pole, question", [
    ("interdependent", "why? she's my mum"),  # nothing to defend on the healthy side
    ("codependent", "why do you say that"),  # names nobody
])
def test_why_without_someone_close_keeps_the_usual_steps(pole: str, question: str) -> None:
    said = conversation.why(KB, Finding(pole, "give_and_take"), "we went to the cinema",
                            Memory(), question=question)
    # The idea behind a row explains its codependent side, so a healthy reading gets the
    # quote and the row.
    expected = "utter_why_quote_idea" if pole == "codependent" else "utter_why_quote"
    assert said.response == expected


@pytest.mark.parametrize("typed, expected", [
    ("the second one", "self_worth"), ("2nd", "self_worth"), ("first", "helping"),
    ("the last one", "feelings"), ("the one before last", "self_worth"),
    ("the feelings one", "feelings"), ("more your sense of worth really", "self_worth"),
    ("helping", "helping"),
])
def test_a_typed_pick(typed: str, expected: str) -> None:
    offered = [Finding("codependent", d) for d in ("helping", "self_worth", "feelings")]
    picked = conversation.typed_pick(typed, offered, KB)
    assert picked is not None and picked.dimension == expected


@pytest.mark.parametrize("typed", [
    "my sister pays for everything and her husband never offers to help with anything",
    "He always has to have the last word",
    "hmm",
    "",
])
def test_not_a_pick(typed: str) -> None:
    offered = [Finding("codependent", d) for d in ("helping", "self_worth")]
    assert conversation.typed_pick(typed, offered, KB) is None


def test_buttons_only_for_a_genuine_near_tie() -> None:
    tied = [Finding("codependent", "helping", 0.30), Finding("codependent", "feelings", 0.27),
            Finding("codependent", "security", 0.10)]
    assert [f.dimension for f in conversation.near_tie(tied)] == ["helping", "feelings"]
    leader = [Finding("codependent", "helping", 0.30), Finding("codependent", "feelings", 0.15)]
    assert conversation.near_tie(leader) == []


def test_open_questions_are_not_repeated() -> None:
    memory = Memory()
    candidates = [Finding("codependent", "feelings", 0.3)]
    asked = [conversation.open_question(KB, candidates, memory) for _ in range(3)]
    assert asked[0] and asked[1] and asked[0] != asked[1]
    assert asked[2] is None


def test_was_this_helpful_once_and_only_after_an_answer() -> None:
    memory = Memory()
    assert conversation.ask_feedback(memory) == ()
    conversation.explain_one(KB, GIVING, "self", "", memory)
    assert [s.response for s in conversation.ask_feedback(memory)] == ["utter_ask_helpful"]
    assert conversation.ask_feedback(memory) == ()


@pytest.mark.parametrize("message, relation", [
    ("I always cover for my little brother", "brother"),
    ("our mum calls every night", "mum"),
    ("I keep lending his brother money", None),
    ("I do everything", None),
    ("my identity is wrapped up in him", None),
])
def test_named_relation(message: str, relation: Optional[str]) -> None:
    assert analysis.named_relation(message) == relation
