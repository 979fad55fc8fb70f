"""The crisis screen: high recall on danger, calm on clear negations."""

import pytest

from actions import safety


@pytest.mark.parametrize("text,category", [
    ("I want to kill myself", "self_harm"),
    ("i dont want to live anymore", "self_harm"),
    ("I don't want to be here anymore tbh", "self_harm"),
    ("been thinking about suicide a lot lately", "self_harm"),
    ("I started cutting myself again", "self_harm"),
    ("everyone would be better off without me", "self_harm"),
    ("I do everything for him and last night he hit me", "violence"),
    ("she threatened to kill me if I leave", "violence"),
    ("he choked me during the fight", "violence"),
    ("my ex says he'll hurt me", "violence"),
    ("he forced me to have sex when I said no", "sexual_abuse"),
    ("my stepdad molested me as a kid", "sexual_abuse"),
    ("my boyfriend hits the kids when he's drunk", "child_at_risk"),
    ("I don't think my daughter is safe with him", "child_at_risk"),
    ("I\u2019m going to end my life", "self_harm"),
    ("the kids aren't safe at home", "child_at_risk"),
    ("he grabbed my arm so hard it left marks", "violence"),
    ("she keeps threatening me when I want to leave", "violence"),
    ("I'm scared of my husband", "violence"),
    ("my stepdad touches me when mum isn't home", "sexual_abuse"),
])
def test_danger_is_flagged(text: str, category: str) -> None:
    result = safety.screen(text)
    assert result.at_risk
    assert category in result.categories


@pytest.mark.parametrize("text", [
    "I would never hurt myself",
    "I'm not going to kill myself, I just feel tired of always giving",
    "he has never hit me, he just sulks",
    "I don't want to die, I want things to change",
    "I always cover for my brother when he misses work",
    "we split the chores and it works",
    "my daughter is safe with him, he's a gentle dad",
    "and it hit me that i dont really have a life that isnt him",
    "when I broke my wrist last year she did all my orders",
    "",
])
def test_clear_negations_and_ordinary_messages_do_not_alarm(text: str) -> None:
    assert not safety.screen(text).at_risk


def test_negated_only_is_reported() -> None:
    assert safety.screen("I would never hurt myself").negated_only
    assert not safety.screen("we split the chores").negated_only


def test_negation_does_not_reach_into_the_next_clause() -> None:
    assert safety.screen("I'm not okay, I want to die").at_risk


@pytest.mark.parametrize("intent,confidence,expected", [
    ("crisis", 0.9, True),
    ("crisis", 0.3, False),
    ("greet", 0.99, False),
])
def test_assess_combines_intent_and_lexicon(intent: str, confidence: float,
                                            expected: bool) -> None:
    assert safety.assess("things are really bad right now", intent, confidence).at_risk is expected


def test_confident_crisis_intent_with_only_negated_words_does_not_alarm() -> None:
    assert not safety.assess("I would never hurt myself", "crisis", 0.95).at_risk


def test_lexicon_wins_over_any_intent() -> None:
    assert safety.assess("he beat me again", "situation_codependent_helping", 0.99).at_risk
