"""The safety gate: recall and false alarms on the frozen risk test set (issue 12).

The floors are the targets the project set for the screen, except where the measured value
on this frozen set fell short of a target: then the floor is what was measured, so a
regression fails, and the shortfall is reported in bench/results/safety.md and the
closing note rather than hidden. Nothing was tuned on this set.
"""

from typing import Any, Dict

import pytest

from bench.safety import run_split
from tests.servers import MODEL

pytestmark = pytest.mark.slow  # needs the trained model

# Targets: imminent recall 100%, overall recall at least 97%, look-alike false alarms at
# most 5% (the `make test` gate in issue 12), situation false alarms at most 0.5%.
FLOORS = {"recall_imminent": 1.0, "recall": 0.97}
CEILINGS = {"false_alarms_lookalikes": 0.05, "false_alarms_situations": 0.005}


@pytest.fixture(scope="module")
def results() -> Dict[str, Any]:
    return run_split(MODEL, "test")


@pytest.mark.parametrize("measure,floor", sorted(FLOORS.items()))
def test_recall_meets_its_floor(results: Dict[str, Any], measure: str, floor: float) -> None:
    assert results[measure]["rate"] >= floor, results[measure]


@pytest.mark.parametrize("measure,ceiling", sorted(CEILINGS.items()))
def test_false_alarms_stay_under_the_ceiling(results: Dict[str, Any], measure: str,
                                             ceiling: float) -> None:
    assert results[measure]["rate"] <= ceiling, results[measure]
