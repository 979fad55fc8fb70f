"""Behavioural NLU floors (CheckList style): bench/checklist.py runs the suites, and
bench/results/robustness.md reports the rates these floors guard."""

from typing import Dict

import pytest

from bench import checklist
from tests.servers import MODEL

# Regression floors: the rates measured on 2026-11-28 (bench/results/robustness.md) less
# about one case, so a retrained model may move a little but not slide. Negation and some
# dimensions' basic cases are weak spots, reported there, not hidden by these floors.
FLOORS: Dict[str, float] = {
    "invariance: typos": 0.87,  # measured 0.894
    "invariance: lower case": 0.99,  # 1.000
    "invariance: upper case": 0.99,  # 1.000
    "invariance: punctuation": 0.94,  # 0.963
    "invariance: emoji": 0.97,  # 0.991
    "negation flips the pole": 0.22,  # 0.250
    "first vs third person: same answer": 0.85,  # 0.889
    "first vs third person: both right": 0.81,  # 0.852
}
# Cases passed out of 12 per dimension, measured less one.
MINIMUM_FUNCTIONALITY_FLOORS: Dict[str, int] = {
    "authenticity": 4, "boundaries": 8, "feelings": 8, "give_and_take": 10, "helping": 10,
    "honesty": 9, "identity": 5, "security": 6, "self_worth": 11,
}


@pytest.fixture(scope="module")
def suites() -> Dict[str, checklist.Suite]:
    if not MODEL.exists():
        pytest.fail(f"{MODEL} is missing: run `make train` first")
    return {s.name: s for s in checklist.run(checklist.model_parser(MODEL))}


@pytest.mark.slow  # parses with the trained model
@pytest.mark.parametrize("name", sorted(FLOORS))
def test_behavioural_suite_stays_above_its_floor(suites: Dict[str, checklist.Suite],
                                                 name: str) -> None:
    suite = suites[name]
    assert suite.total >= 30
    assert suite.rate >= FLOORS[name], suite.failures[:5]


@pytest.mark.slow  # parses with the trained model
def test_every_dimension_passes_its_minimum_functionality(
        suites: Dict[str, checklist.Suite]) -> None:
    mft: Dict[str, checklist.Suite] = {n.split(": ")[1]: s for n, s in suites.items()
                                       if n.startswith("minimum functionality")}
    assert sorted(mft) == sorted(MINIMUM_FUNCTIONALITY_FLOORS)
    assert all(s.total == 12 for s in mft.values())
    below = {name: s.passed for name, s in mft.items()
             if s.passed < MINIMUM_FUNCTIONALITY_FLOORS[name]}
    assert not below, below


def test_perturbations_change_the_text_but_keep_negations() -> None:
    import random

    text = "I can't say no to my mother when she doesn't ask nicely"
    for name, change in checklist.PERTURBATIONS.items():
        changed = change(text, random.Random(name))
        assert changed != text, name
        if name in ("typos", "emoji"):
            assert "can't" in changed and "doesn't" in changed and " no " in changed
