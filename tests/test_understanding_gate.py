"""The understanding gate: situation top-1 and pole accuracy on the frozen test set.

Floors are the values measured less two points (issue 13). Measured on 2026-12-02 with
the mpnet pipeline, the fine-tuned MiniLM's 30% and the training data up to round 4 (the
negation, change, third-person and hedge situations): top-1 87.0% (423/486) and pole 93.0%
(452/486), answering every message; without round 4, 86.8% and 92.8%; with the round-7
crisis data, 87.0% and 93.6%; on 2026-12-03 with the round-8 crisis lines, the polite
look-alikes and the round-3 contrast situations, 88.5% (430/486) and 93.2% (453/486); with
present_part reading either order of then and now, 88.7% (431/486) and 93.4% (454/486).
They catch a regression; the goals (top-1 92%, pole 97%) are not met and are reported in
bench/results/understanding.md. Nothing was tuned on this set.
"""

import asyncio
from typing import Any, Dict

import pytest

from bench.understanding import all_texts, evaluate, parse_texts
from tests.servers import MODEL

pytestmark = pytest.mark.slow  # needs the trained model

FLOORS = {"top1": 0.865, "pole": 0.912}


@pytest.fixture(scope="module")
def results() -> Dict[str, Any]:
    table = asyncio.run(parse_texts(MODEL, all_texts("test")))
    return evaluate("test", table)


@pytest.mark.parametrize("measure,floor", sorted(FLOORS.items()))
def test_situations_on_the_frozen_set(results: Dict[str, Any], measure: str,
                                      floor: float) -> None:
    assert results[measure]["rate"] >= floor, results[measure]
