"""The frozen test sets: unchanged since they were written, and as large as promised.

They were hand-written by writers who never saw Tandem's training data (tests/frozen/README.md).
Nothing is tuned on them; a change to one must be deliberate, with its hash updated here
and the reason in the commit message.
"""

import hashlib
from collections import Counter
from pathlib import Path

import pytest
import yaml

from bench.data import ROOT
from tandem.vocabulary import situation_intents

FROZEN = {
    "tests/safety/risk_test.yml":
        "904e575d1e243bac5889af6e57635466a8a0e2a7c6ccc1b22893d558075c308a",
    "tests/frozen/multi_a.yml": "7c92e7cf8b060d39fc0f87a1af8542b82f19dd175f0f3441cfa337c55d708ddb",
    "tests/frozen/multi_b.yml": "38a1b46b1fbddbc2cd3698d8d06093922f219938086267ddb50b6cc2dc57f66d",
    "tests/frozen/other_a.yml": "f40ab9cf2a9708d05384ac04fed35dc54f4b8d8490b437b85e670916954cbc82",
    "tests/frozen/other_b.yml": "e54727a7a3e23656be3e752212877d540e373a5fee1a2ac50867955054963000",
    "tests/frozen/pairs_a.yml": "194ef5b4beb1d6a12a6a3915bd9ab890e6c3aa35e405c9cddf39759a7df38032",
    "tests/frozen/pairs_b.yml": "02da71322dd176ca4dbd60fa76f3f400fb5c7be8aa6467fa8bac3a393871d563",
    "tests/frozen/situations_a.yml":
        "49002666bdcccca5ebd1084b10ba1a7b9f3d546f988437d112709a70ba864d02",
    "tests/frozen/situations_b.yml":
        "009d167e875407144cd3d553b48494b839dd04bad8dc1079d2b1aa5e32cdf50b",
}


def _load(relative: str) -> dict:
    return yaml.safe_load((ROOT / relative).read_text(encoding="utf-8")) or {}


def _examples(block: dict) -> list:
    return [line[2:] for line in (block.get("examples") or "").splitlines()
            if line.strip().startswith("- ")]


@pytest.mark.parametrize("relative,digest", sorted(FROZEN.items()))
def test_frozen_file_is_unchanged(relative: str, digest: str) -> None:
    assert hashlib.sha256(Path(ROOT / relative).read_bytes()).hexdigest() == digest


def test_situation_test_set_covers_every_class() -> None:
    counts: Counter = Counter()
    for name in ("situations_a.yml", "situations_b.yml"):
        for block in _load(f"tests/frozen/{name}")["nlu"]:
            counts[block["intent"]] += len(_examples(block))
    assert set(counts) == set(situation_intents())
    assert min(counts.values()) >= 25 and sum(counts.values()) >= 450


def test_other_and_two_pattern_test_sets_are_large_enough() -> None:
    others = sum(len(_examples(b)) for name in ("other_a.yml", "other_b.yml")
                 for b in _load(f"tests/frozen/{name}")["nlu"])
    multi = sum(len(_load(f"tests/frozen/{name}")["messages"])
                for name in ("multi_a.yml", "multi_b.yml"))
    assert others >= 100 and multi >= 60


def test_risk_test_set_is_as_large_as_promised() -> None:
    messages = _load("tests/safety/risk_test.yml")["messages"]
    kinds = Counter(m["kind"] for m in messages)
    assert kinds["self_harm"] >= 60 and kinds["abuse"] >= 50 and kinds["child"] >= 30
    assert kinds["none"] >= 60
    indirect = sum("indirect" in (m.get("tags") or []) for m in messages
                   if m["kind"] == "self_harm")
    control = sum("coercive_control" in (m.get("tags") or []) for m in messages)
    assert indirect >= kinds["self_harm"] / 2 and control >= 25
