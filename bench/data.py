"""Loads NLU examples from Rasa YAML files (training data and the held-out test set)."""

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, List, Optional

import yaml

ROOT = Path(__file__).resolve().parent.parent
TRAIN_DIR = ROOT / "data" / "nlu"
TEST_DIR = ROOT / "tests" / "nlu"
# Development sets written in parts by different writers; every part is tuned on.
MULTI_DEV = sorted((ROOT / "tests" / "multi").glob("dev*.yml"))
RISK_DEV = sorted((ROOT / "tests" / "safety").glob("risk_dev*.yml"))
_ANNOTATION = re.compile(r"\[([^\]]+)\](?:\{[^}]*\}|\([^)]*\))")


@dataclass(frozen=True)
class Example:
    """One NLU example: plain text (entity markup removed) and its intent."""

    text: str
    intent: str


def load(paths: Iterable[Path], prefix: Optional[str] = None) -> List[Example]:
    """Examples from the given YAML files, optionally only intents starting with `prefix`."""
    examples: List[Example] = []
    for path in sorted(paths):
        doc = yaml.safe_load(Path(path).read_text(encoding="utf-8")) or {}
        for block in doc.get("nlu") or []:
            intent = block.get("intent")
            if not intent or (prefix and not intent.startswith(prefix)):
                continue
            for line in (block.get("examples") or "").splitlines():
                line = line.strip()
                if line.startswith("- "):
                    examples.append(Example(_ANNOTATION.sub(r"\1", line[2:]).strip(), intent))
    return examples


def training(prefix: Optional[str] = None) -> List[Example]:
    """All training examples under data/nlu."""
    return load(TRAIN_DIR.rglob("*.yml"), prefix)


def held_out(prefix: Optional[str] = None) -> List[Example]:
    """All held-out examples under tests/nlu."""
    return load(TEST_DIR.glob("*.yml"), prefix)
