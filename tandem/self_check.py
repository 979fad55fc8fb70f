"""Scoring the guided self-check: where nine answers put a person, row by row."""

from dataclasses import dataclass
from typing import Dict, List, Mapping, Optional, Tuple

from tandem.knowledge import Knowledge
from tandem.vocabulary import DIMENSIONS, Finding, other_pole

ANSWERS = ("often", "sometimes", "rarely")
# Two rows at most are singled out as needing care, so the result stays readable.
MAX_NEEDS_CARE = 2


def standing(answer: Optional[str], often_means: str) -> Optional[str]:
    """"codependent", "interdependent", or None (in between, or no answer)."""
    if answer == "often":
        return often_means
    if answer == "rarely":
        return other_pole(often_means)
    return None


@dataclass(frozen=True)
class SelfCheckResult:
    """The answers read against the article's table."""

    # dimension -> "codependent" / "interdependent" / None, in the table's order
    standings: Tuple[Tuple[str, Optional[str]], ...]
    needs_care: Tuple[str, ...]
    healthy: Tuple[str, ...]

    @property
    def findings(self) -> List[str]:
        """The clear leanings as "pole:dimension" keys, for the profile store."""
        return [Finding(pole, dimension).key for dimension, pole in self.standings if pole]


def score(answers: Mapping[str, Optional[str]], kb: Knowledge) -> SelfCheckResult:
    """Reads each answer with its question's direction; care first for clear leanings."""
    standings = tuple((d, standing(answers.get(d), kb.dimension(d).self_check_often))
                      for d in DIMENSIONS)
    codependent = [d for d, pole in standings if pole == "codependent"]
    in_between = [d for d, pole in standings if pole is None and answers.get(d)]
    needs_care = (codependent + in_between)[:MAX_NEEDS_CARE]
    healthy = tuple(d for d, pole in standings if pole == "interdependent")
    return SelfCheckResult(standings, tuple(needs_care), healthy)


def result_lines(result: SelfCheckResult, kb: Knowledge) -> str:
    """One line per row: the dimension's name and where the answers put the person."""
    words: Dict[Optional[str], str] = {
        "codependent": kb.labels["standing_codependent"],
        "interdependent": kb.labels["standing_interdependent"],
        None: kb.labels["standing_in_between"],
    }
    return "\n".join(kb.labels["self_check_line"].format(
        name=kb.dimension(d).name, standing=words[pole]) for d, pole in result.standings)


def person_phrase(text: str, kb: Knowledge) -> Optional[str]:
    """"my mum" -> "your mum", "Sam" -> "Sam"; None when no one is named."""
    words = text.strip().strip(".!?").split()
    if not words or len(words) > 8:
        return None
    lowered = [w.lower() for w in words]
    if lowered[0] == "with":
        words, lowered = words[1:], lowered[1:]
    said_my = bool(lowered) and lowered[0] == "my"
    if said_my:
        words = words[1:]
    if not words:
        return None
    if not said_my and words[0][0].isupper():
        return " ".join(words)  # a name
    return f"{kb.labels['person_prefix']} {' '.join(words)}"
