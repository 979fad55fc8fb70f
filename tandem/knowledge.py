"""The article's content, loaded once from `knowledge/article.yml`."""

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Dict, Optional, Tuple

import yaml

from tandem import settings
from tandem.vocabulary import DIMENSIONS, POLES

# Short texts the actions put together: button titles, summary lines, chart labels.
LABELS = ("none_of_these", "summary_line", "chart_title", "chart_codependent",
          "chart_interdependent", "standing_codependent", "standing_in_between",
          "standing_interdependent", "self_check_line", "person_prefix", "pattern_line",
          "no_rows", "self_check_again_1", "self_check_again_2", "their",
          "someone_described", "other_person")


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
class ArticlePoint:
    """One sentence of what the article says, with the section it comes from."""

    text: str
    section: str


@dataclass(frozen=True)
class PoleTalk:
    """How Tandem talks about one side of one row (knowledge/conversation.yml)."""

    # One-sentence reflections of the person's own part; {other} names the other person.
    reflect_self: Tuple[str, ...]
    # The same when the person describes someone else's part; {person} / {Person}.
    reflect_other: Tuple[str, ...]
    article_points: Tuple[ArticlePoint, ...]
    # Rounds of Tandem's own suggestions: what to try (codependent side), or what keeps it
    # healthy and what to watch for (interdependent side).
    suggestions: Tuple[Tuple[str, ...], ...]
    # Words that point to this side of the row, for "why?".
    cues: Tuple[str, ...]


@dataclass(frozen=True)
class DimensionTalk:
    """Open questions for one row and how Tandem talks about each side."""

    open_questions: Tuple[str, ...]
    interdependent: PoleTalk
    codependent: PoleTalk

    def pole(self, pole: str) -> PoleTalk:
        """The talk for `pole`."""
        if pole not in POLES:
            raise KeyError(pole)
        return self.interdependent if pole == "interdependent" else self.codependent


@dataclass(frozen=True)
class Knowledge:
    """Everything Tandem says about the article."""

    attribution: str
    pole_phrases: Dict[str, str]
    labels: Dict[str, str]
    dimensions: Dict[str, Dimension]
    concepts: Dict[str, Concept]
    talk: Dict[str, DimensionTalk]
    # The short citation used once the full one has been given in a conversation.
    short_attribution: str

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


def _texts(mapping: dict, key: str, where: str, at_least: int = 1) -> Tuple[str, ...]:
    values = mapping.get(key) if isinstance(mapping, dict) else None
    if (not isinstance(values, list) or len(values) < at_least
            or not all(isinstance(v, str) and v.strip() for v in values)):
        raise KnowledgeError(f"{where}: '{key}' needs at least {at_least} non-empty texts")
    return tuple(v.strip() for v in values)


def _pole_talk(raw: dict, where: str, pole: str) -> PoleTalk:
    points = raw.get("article_points") if isinstance(raw, dict) else None
    if not isinstance(points, list) or not points:
        raise KnowledgeError(f"{where}: 'article_points' is missing")
    rounds = raw.get("try" if pole == "codependent" else "keep_healthy")
    if not isinstance(rounds, list) or not rounds:
        raise KnowledgeError(f"{where}: its suggestions are missing")
    return PoleTalk(
        reflect_self=_texts(raw, "reflect_self", where),
        reflect_other=_texts(raw, "reflect_other", where),
        article_points=tuple(ArticlePoint(_require(p, "text", where), _require(p, "section", where))
                             for p in points),
        suggestions=tuple(_texts({"round": r}, "round", where) for r in rounds),
        cues=tuple(c.lower() for c in _texts(raw, "cues", where)),
    )


def parse_talk(raw: dict) -> Dict[str, DimensionTalk]:
    """Validate knowledge/conversation.yml: open questions and talk for every row and side."""
    rows = (raw or {}).get("dimensions") or {}
    if set(rows) != set(DIMENSIONS):
        raise KnowledgeError(f"conversation dimensions must be exactly {DIMENSIONS}")
    return {
        key: DimensionTalk(
            open_questions=_texts(rows[key], "open_questions", f"conversation.{key}"),
            interdependent=_pole_talk(rows[key].get("interdependent"),
                                      f"conversation.{key}.interdependent", "interdependent"),
            codependent=_pole_talk(rows[key].get("codependent"),
                                   f"conversation.{key}.codependent", "codependent"),
        )
        for key in DIMENSIONS
    }


def parse(raw: dict, talk: Optional[dict] = None) -> Knowledge:
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
        short_attribution=_require(source, "short_attribution", "source"),
        pole_phrases={pole: _require(poles, pole, "poles") for pole in POLES},
        labels={key: _require(labels, key, "labels") for key in LABELS},
        dimensions=dimensions,
        concepts=concepts,
        talk=parse_talk(talk or {}),
    )


# How Tandem talks about each row lives beside the article's content.
CONVERSATION_FILE = "conversation.yml"


def load(path: Optional[Path] = None) -> Knowledge:
    """Load and validate a knowledge file (default: settings.knowledge_path()).

    Its companion knowledge/conversation.yml, in the same folder, is loaded with it.
    """
    path = path or settings.knowledge_path()
    with open(path, encoding="utf-8") as handle:
        raw = yaml.safe_load(handle)
    with open(Path(path).with_name(CONVERSATION_FILE), encoding="utf-8") as handle:
        return parse(raw, yaml.safe_load(handle))


@lru_cache(maxsize=1)
def get() -> Knowledge:
    """The project's knowledge, loaded once per process."""
    return load()
