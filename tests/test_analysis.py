"""From intent ranking to findings or a clarifying question."""

import pytest

from tandem import analysis
from tandem.vocabulary import parse_situation_intent
from tandem.analysis import Finding
from tests.conftest import ranking


def test_confident_single_situation_gives_one_finding() -> None:
    decision = analysis.decide(ranking(
        ("situation_codependent_give_and_take", 0.91),
        ("situation_codependent_helping", 0.05),
        ("greet", 0.04),
    ))
    assert [f.key for f in decision.findings] == ["codependent:give_and_take"]
    assert not decision.needs_clarification


def test_two_close_dimensions_ask_for_clarification() -> None:
    decision = analysis.decide(ranking(
        ("situation_codependent_helping", 0.46),
        ("situation_codependent_give_and_take", 0.43),
        ("situation_codependent_boundaries", 0.08),
    ))
    assert decision.needs_clarification
    assert [c.dimension for c in decision.candidates] == ["helping", "give_and_take", "boundaries"]


def test_same_dimension_both_poles_is_not_a_close_call() -> None:
    decision = analysis.decide(ranking(
        ("situation_codependent_boundaries", 0.62),
        ("situation_interdependent_boundaries", 0.30),
        ("situation_codependent_security", 0.03),
    ))
    assert [f.key for f in decision.findings] == ["codependent:boundaries"]


def test_low_confidence_asks() -> None:
    decision = analysis.decide(ranking(
        ("situation_codependent_security", 0.30),
        ("situation_codependent_self_worth", 0.10),
        ("greet", 0.50),
    ))
    assert decision.needs_clarification


def test_no_situation_gives_nothing() -> None:
    decision = analysis.decide(ranking(("greet", 0.95), ("situation_codependent_helping", 0.03)))
    assert not decision.findings and not decision.needs_clarification


def test_thresholds_can_be_passed_in() -> None:
    r = ranking(("situation_codependent_security", 0.5), ("situation_codependent_feelings", 0.2))
    assert analysis.decide(r, confident=0.4).findings
    assert analysis.decide(r, confident=0.6).needs_clarification


@pytest.mark.parametrize("name,expected", [
    ("situation_codependent_self_worth", ("codependent", "self_worth")),
    ("situation_interdependent_give_and_take", ("interdependent", "give_and_take")),
    ("situation_codependent_unknown", None),
    ("greet", None),
    (None, None),
])
def test_parse_intent(name, expected) -> None:
    assert parse_situation_intent(name) == expected


def test_resolve_picks_offered_candidate() -> None:
    found = analysis.resolve(["codependent:helping", "interdependent:give_and_take"],
                             "give_and_take")
    assert found == Finding("interdependent", "give_and_take")


def test_resolve_accepts_unoffered_dimension_with_top_pole() -> None:
    assert analysis.resolve(["codependent:helping"], "honesty") == Finding("codependent", "honesty")


@pytest.mark.parametrize("candidates,chosen", [
    ([], "helping"),
    (["codependent:helping"], "not_a_dimension"),
    (["codependent:helping"], None),
    (["garbage"], "helping"),
])
def test_resolve_rejects_what_it_cannot_use(candidates, chosen) -> None:
    assert analysis.resolve(candidates, chosen) is None


@pytest.mark.parametrize("keys,expected", [
    ([], None),
    (["codependent:helping"], "codependent"),
    (["interdependent:helping", "interdependent:identity"], "interdependent"),
    (["interdependent:helping", "codependent:identity"], "mixed"),
])
def test_overall_pattern(keys, expected) -> None:
    assert analysis.overall_pattern([Finding.from_key(k) for k in keys]) == expected


def test_finding_key_round_trip() -> None:
    assert Finding.from_key("codependent:security").key == "codependent:security"
    with pytest.raises(ValueError):
        Finding.from_key("healthy:security")


def test_near_tied_candidate_takes_the_pole_the_message_leans_to() -> None:
    decision = analysis.decide(ranking(
        ("situation_codependent_give_and_take", 0.22),
        ("situation_codependent_security", 0.18),
        ("situation_interdependent_self_worth", 0.15),
        ("situation_codependent_self_worth", 0.12),
        ("situation_codependent_helping", 0.08),
    ))
    assert [c.key for c in decision.candidates] == [
        "codependent:give_and_take", "codependent:security", "codependent:self_worth"]


def test_clearly_interdependent_candidate_keeps_its_pole() -> None:
    decision = analysis.decide(ranking(
        ("situation_codependent_give_and_take", 0.30),
        ("situation_interdependent_self_worth", 0.28),
        ("situation_codependent_security", 0.10),
        ("situation_codependent_self_worth", 0.02),
    ))
    assert "interdependent:self_worth" in [c.key for c in decision.candidates]


def test_weak_guess_without_alternatives_is_not_a_finding() -> None:
    decision = analysis.decide(ranking(("situation_codependent_security", 0.12),
                                       ("greet", 0.6)))
    assert not decision.findings and not decision.needs_clarification


def test_too_few_words_is_flagged() -> None:
    assert analysis.decide(ranking(("situation_codependent_security", 0.9)), words=2).too_short
