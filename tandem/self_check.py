"""Scoring the guided self-check: where nine answers put a person, row by row."""

import re
from dataclasses import dataclass
from typing import Dict, List, Mapping, Optional, Tuple

from tandem.knowledge import Knowledge
from tandem.vocabulary import DIMENSIONS, Finding, other_pole

ANSWERS = ("often", "sometimes", "rarely")
# Two rows at most are singled out as needing care, so the result stays readable.
MAX_NEEDS_CARE = 2


# Typed answers in people's own words, most specific first ("not often" before "often").
_FREQUENCY_WORDS: Tuple[Tuple[str, Tuple[str, ...]], ...] = (
    ("sometimes", ("not always", "not every time", "now and again", "now and then", "it depends",
                   "depends", "here and there", "on and off", "once in a while", "half the time",
                   "50/50", "occasionally", "sometimes", "sort of", "kind of", "a bit",
                   "from time to time", "some days")),
    ("rarely", ("not often", "not much", "not really", "hardly ever", "almost never", "hardly",
                "rarely", "seldom", "never", "barely", "not very often", "nope", "no")),
    ("often", ("all the time", "every single time", "every time", "every day", "most of the time",
               "pretty much always", "always", "constantly", "often", "a lot", "loads", "usually",
               "mostly", "frequently", "daily", "yes", "yeah", "definitely", "too often")),
)
# A longer message is not an answer to "how often ...?".
MAX_ANSWER_WORDS = 12


def read_frequency(text: str) -> Optional[str]:
    """"every single time, sadly" -> "often"; None when the words are not an answer."""
    lowered = " " + " ".join(re.findall(r"[a-z0-9/']+", text.lower())) + " "
    if not lowered.strip() or len(lowered.split()) > MAX_ANSWER_WORDS:
        return None
    found = [(lowered.find(f" {phrase} "), answer) for answer, phrases in _FREQUENCY_WORDS
             for phrase in phrases if f" {phrase} " in lowered]
    # The earliest phrase decides: "sometimes, not often" is "sometimes".
    return min(found)[1] if found else None


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


# What people put before naming someone: "it's about my mum", "with Sam", "probably my ex".
_LEAD_IN = re.compile(r"^(?:(?:it'?s|its|it is|this is|that'?s|about|with|for|probably|"
                      r"um+|er+m?|hmm+|well|ok(?:ay)?|so|the relationship|me and|between)"
                      r"\b[\s,]*)+", re.IGNORECASE)


def person_phrase(text: str, kb: Knowledge) -> Optional[str]:
    """Who the self-check is about: "my mum" -> "your mum", "Sam" -> "Sam", or None.

    "It's about my boyfriend, Dev" -> "your boyfriend": the relation, not the whole answer.
    """
    cleaned = text.strip().strip(".!?")
    mine = re.search(r"\bmy ([a-z'-]+(?: [a-z'-]+){0,2}?)(?=$|[,.;:!?]| and\b| who\b| because\b)",
                     cleaned, re.IGNORECASE)
    mine = mine or re.search(r"\bmy ([a-z'-]+)", cleaned, re.IGNORECASE)
    if mine:
        return f"{kb.labels['person_prefix']} {mine.group(1).strip()}"
    cleaned = _LEAD_IN.sub("", cleaned).strip(" ,")
    words = cleaned.split()
    if not words or len(words) > 4:
        return None
    if words[0][0].isupper():
        return " ".join(words)  # a name
    return f"{kb.labels['person_prefix']} {' '.join(words)}"
