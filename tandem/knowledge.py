"""The article's content, loaded once from `knowledge/article.yml`."""

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Dict, Optional

import yaml

from tandem import settings
from tandem.vocabulary import DIMENSIONS, POLES

# Short texts the actions put together: button titles, summary lines, chart labels.
LABELS = ("none_of_these", "summary_line", "chart_title", "chart_codependent",
          "chart_interdependent", "pattern_item", "standing_codependent", "standing_in_between",
          "standing_interdependent", "self_check_line", "person_prefix")


class KnowledgeError(ValueError):
    """The knowledge file is missing something Tandem needs."""


@dataclass(frozen=True)
class PoleEntry:
    """One side of one row of the article's table."""

    table_cell: str
    explanation: str
    section: str
    # `growth` for the codependent pole, `affirmation` for the interdependent one.
    advice: str


@dataclass(frozen=True)
class Dimension:
    """One row of the article's table, with both poles."""

    key: str
    name: str
    label: str
    interdependent: PoleEntry
    codependent: PoleEntry
    # The concept whose answer backs "why?" and "tell me more" for this dimension.
    related_concept: str
    # Which pole "often" means in the self-check question for this dimension.
    self_check_often: str
    # The self-check's question; {check_person} names who the relationship is with.
    self_check_question: str

    def pole(self, pole: str) -> PoleEntry:
        """The entry for `pole` ("interdependent" or "codependent")."""
        if pole not in POLES:
            raise KeyError(pole)
        return self.interdependent if pole == "interdependent" else self.codependent


@dataclass(frozen=True)
class Concept:
    """An answer to a question about the article's ideas."""

    key: str
    title: str
    answer: str
    section: str


@dataclass(frozen=True)
class Knowledge:
    """Everything Tandem says about the article."""

    attribution: str
    pole_phrases: Dict[str, str]
    labels: Dict[str, str]
    dimensions: Dict[str, Dimension]
    concepts: Dict[str, Concept]

    def dimension(self, key: str) -> Dimension:
        """The dimension with public key `key`."""
        return self.dimensions[key]


def _require(mapping: dict, key: str, where: str) -> str:
    value = mapping.get(key) if isinstance(mapping, dict) else None
    if not isinstance(value, str) or not value.strip():
        raise KnowledgeError(f"{where}: '{key}' is missing or empty")
    return value.strip()


def _pole_entry(raw: dict, dimension: str, pole: str) -> PoleEntry:
    where = f"dimensions.{dimension}.{pole}"
    advice_key = "affirmation" if pole == "interdependent" else "growth"
    return PoleEntry(
        table_cell=_require(raw, "table_cell", where),
        explanation=_require(raw, "explanation", where),
        section=_require(raw, "section", where),
        advice=_require(raw, advice_key, where),
    )


def parse(raw: dict) -> Knowledge:
    """Validate the raw YAML structure and build the typed knowledge."""
    source = raw.get("source") or {}
    for field in ("author", "title", "publisher", "year"):
        if not source.get(field):
            raise KnowledgeError(f"source: '{field}' is missing")
    dimensions: Dict[str, Dimension] = {}
    raw_dimensions = raw.get("dimensions") or {}
    if set(raw_dimensions) != set(DIMENSIONS):
        raise KnowledgeError(f"dimensions must be exactly {DIMENSIONS}")
    for key in DIMENSIONS:
        entry = raw_dimensions[key]
        dimensions[key] = Dimension(
            key=key,
            name=_require(entry, "name", f"dimensions.{key}"),
            label=_require(entry, "label", f"dimensions.{key}"),
            interdependent=_pole_entry(entry.get("interdependent"), key, "interdependent"),
            codependent=_pole_entry(entry.get("codependent"), key, "codependent"),
            related_concept=_require(entry, "related_concept", f"dimensions.{key}"),
            self_check_often=_require(entry, "self_check_often", f"dimensions.{key}"),
            self_check_question=_require(entry, "self_check_question", f"dimensions.{key}"),
        )
    concepts = {
        key: Concept(
            key=key,
            title=_require(entry, "title", f"concepts.{key}"),
            answer=_require(entry, "answer", f"concepts.{key}"),
            section=_require(entry, "section", f"concepts.{key}"),
        )
        for key, entry in (raw.get("concepts") or {}).items()
    }
    for dimension in dimensions.values():
        if dimension.related_concept not in concepts:
            raise KnowledgeError(f"dimensions.{dimension.key}: unknown related_concept")
        if dimension.self_check_often not in POLES:
            raise KnowledgeError(f"dimensions.{dimension.key}: self_check_often must be a pole")
    poles = raw.get("poles") or {}
    labels = raw.get("labels") or {}
    return Knowledge(
        attribution=_require(source, "attribution", "source"),
        pole_phrases={pole: _require(poles, pole, "poles") for pole in POLES},
        labels={key: _require(labels, key, "labels") for key in LABELS},
        dimensions=dimensions,
        concepts=concepts,
    )


def load(path: Optional[Path] = None) -> Knowledge:
    """Load and validate a knowledge file (default: settings.knowledge_path())."""
    path = path or settings.knowledge_path()
    with open(path, encoding="utf-8") as handle:
        return parse(yaml.safe_load(handle))


@lru_cache(maxsize=1)
def get() -> Knowledge:
    """The project's knowledge, loaded once per process."""
    return load()
