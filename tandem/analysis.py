"""Turns the NLU intent ranking into findings, or a clarifying question when unsure.

Pure logic with no Rasa imports; the thresholds are tuned with `make bench`
(the trade-off table in bench/results/quality.md).
"""

import re
from dataclasses import dataclass, field
from typing import Iterable, List, Mapping, Optional, Sequence, Tuple

from tandem import text
from tandem.vocabulary import (
    DIMENSIONS,
    POLES,
    Finding,
    other_pole,
    parse_keys,
    parse_situation_intent,
)
# Below this top confidence the bot asks instead of guessing. Tuned on the held-out set
# (bench/results/quality.md): it asks on about one message in seven, and is right on
# about 93% of the messages it answers straight away.
CONFIDENT = 0.35
# A different dimension this close to the top one also makes the bot ask.
MARGIN = 0.05
# Candidates offered as buttons must have at least this confidence ...
CANDIDATE_FLOOR = 0.05
# ... and at most this many are offered.
MAX_CANDIDATES = 3
# When a candidate's two poles are this close, the message's overall pole decides.
POLE_TIE = 0.1
# With less than this on every situation class, the message is not a situation at all.
MIN_SITUATION = 0.1
# A situation needs a few words: "lol" or "my boyfriend" is not one yet.
MIN_WORDS = 3
# In a message of several sentences, a sentence is reported as a pattern of its own when
# its top class has at least this confidence (chosen on tests/multi/dev*.yml by
# `python -m bench.multi`: the most two-pattern messages found while single-pattern messages
# keep their top-1 within half a point and at most 5% get a second pattern).
SENTENCE_CONFIDENT = 0.45
# At most this many patterns are reported for one message.
MAX_FINDINGS = 3


@dataclass(frozen=True)
class Decision:
    """What to do with a message: report findings, ask, or neither."""

    findings: Tuple[Finding, ...] = ()
    candidates: Tuple[Finding, ...] = field(default=())
    too_short: bool = False

    @property
    def needs_clarification(self) -> bool:
        """True when the bot should ask which candidate fits."""
        return not self.findings and bool(self.candidates)


def situation_ranking(ranking: Iterable[Mapping]) -> List[Finding]:
    """The situation classes of an NLU intent ranking, most confident first."""
    found = []
    for entry in ranking:
        parsed = parse_situation_intent(entry.get("name"))
        if parsed:
            found.append(Finding(parsed[0], parsed[1], float(entry.get("confidence") or 0.0)))
    return sorted(found, key=lambda f: f.confidence, reverse=True)


def _best_per_dimension(ranked: Sequence[Finding]) -> List[Finding]:
    seen = set()
    best = []
    for finding in ranked:
        if finding.dimension not in seen:
            seen.add(finding.dimension)
            best.append(finding)
    return best


def _settle_poles(ranked: Sequence[Finding], candidates: Sequence[Finding]) -> List[Finding]:
    """Give near-tied candidates the pole that the whole ranking leans to."""
    mass = {pole: sum(f.confidence for f in ranked if f.pole == pole) for pole in POLES}
    leaning = max(POLES, key=lambda pole: mass[pole])
    by_key = {(f.pole, f.dimension): f.confidence for f in ranked}
    settled = []
    for candidate in candidates:
        other_confidence = by_key.get((other_pole(candidate.pole), candidate.dimension), 0.0)
        if candidate.pole != leaning and candidate.confidence - other_confidence < POLE_TIE:
            candidate = Finding(leaning, candidate.dimension, candidate.confidence)
        settled.append(candidate)
    return settled


def decide(ranking: Iterable[Mapping], confident: float = CONFIDENT,
           margin: float = MARGIN, words: Optional[int] = None) -> Decision:
    """Decide from an intent ranking.

    Args:
        ranking: Rasa's `intent_ranking` (dicts with `name` and `confidence`).
        confident: minimum top confidence to answer without asking.
        margin: a different dimension within this distance of the top makes it ask.
        words: the message's word count, when known; too few words is no situation yet.

    Returns:
        A decision with one finding, or candidates to ask about, or neither.
    """
    if words is not None and words < MIN_WORDS:
        return Decision(too_short=True)
    ranked = situation_ranking(ranking)
    per_dimension = _best_per_dimension(ranked)
    if not per_dimension or per_dimension[0].confidence < MIN_SITUATION:
        return Decision()
    top = per_dimension[0]
    runner_up = per_dimension[1] if len(per_dimension) > 1 else None
    close_call = runner_up is not None and top.confidence - runner_up.confidence < margin
    if top.confidence >= confident and not close_call:
        return Decision(findings=(top,))
    candidates = [f for f in per_dimension[:MAX_CANDIDATES] if f.confidence >= CANDIDATE_FLOOR]
    if len(candidates) < 2:
        # Unsure and nothing to offer as an alternative: not a situation Tandem can read.
        return Decision()
    return Decision(candidates=tuple(_settle_poles(ranked, candidates)))


@dataclass(frozen=True)
class Evidence:
    """A finding and the sentence of the person's message that shows it."""

    finding: Finding
    sentence: str


def sentence_findings(sentence_rankings: Optional[Sequence[Mapping]],
                      whole_ranking: Iterable[Mapping] = (),
                      confident: float = SENTENCE_CONFIDENT,
                      at_least: int = 2) -> List[Evidence]:
    """Patterns on `at_least` (two) or more dimensions, each from its own sentence; else [].

    Args:
        sentence_rankings: the classifier's `sentence_rankings` (text and ranking per
            sentence), present on messages of two or more sentences.
        whole_ranking: the whole message's intent ranking; its top dimension, if found in
            a sentence, is reported first (this keeps single-pattern top-1 unchanged).
        confident: minimum top confidence for a sentence to count.
        at_least: fewer dimensions than this is no result; a long message, read for its
            sentences rather than as a whole, asks for one.

    Returns:
        The most confident finding per dimension, most confident first (the message's
        own top dimension leading), at most MAX_FINDINGS; empty when fewer than two
        dimensions qualify, so the message is read as a whole instead.
    """
    best: dict = {}
    for entry in sentence_rankings or []:
        ranked = situation_ranking(entry.get("ranking") or [])
        if not ranked or ranked[0].confidence < confident:
            continue
        top = ranked[0]
        if top.dimension not in best or best[top.dimension].finding.confidence < top.confidence:
            best[top.dimension] = Evidence(top, str(entry.get("text") or ""))
    if len(best) < at_least:
        return []
    overall = _best_per_dimension(situation_ranking(whole_ranking))
    lead = overall[0].dimension if overall else None
    found = sorted(best.values(), key=lambda e: (e.finding.dimension != lead,
                                                 -e.finding.confidence))
    return found[:MAX_FINDINGS]


def alternatives(ranking: Iterable[Mapping], exclude: Iterable[str] = ()) -> List[Finding]:
    """The next most likely dimensions (best pole each), for "that's not it"."""
    skip = set(exclude)
    return [f for f in _best_per_dimension(situation_ranking(ranking))
            if f.dimension not in skip][:MAX_CANDIDATES]


def resolve(candidate_keys: Sequence[str], chosen_dimension: Optional[str]) -> Optional[Finding]:
    """The finding a person picked from the offered candidates.

    A dimension that was not offered is still accepted, with the pole the top candidate had,
    because the pole is usually clear even when the dimension is not.
    """
    if chosen_dimension not in DIMENSIONS:
        return None
    candidates = parse_keys(candidate_keys)
    for candidate in candidates:
        if candidate.dimension == chosen_dimension:
            return candidate
    if candidates:
        return Finding(candidates[0].pole, chosen_dimension)
    return None


def overall_pattern(findings: Sequence[Finding]) -> Optional[str]:
    """"interdependent", "codependent" or "mixed" for the findings; None when empty."""
    poles = {f.pole for f in findings}
    if not poles:
        return None
    return poles.pop() if len(poles) == 1 else "mixed"


# People a situation can be about, as people name them ("my sister", "my best mate").
RELATIONS = frozenset(
    "partner husband wife boyfriend girlfriend bf gf fiance fiancee fiancé fiancée spouse ex "
    "mum mom mam mother mummy mommy dad father daddy parents stepdad stepmum stepmom son "
    "daughter kid kids child children brother sister sibling siblings twin friend bestie mate "
    "bff roommate flatmate housemate grandma gran nan grandmother grandad grandpa grandfather "
    "aunt auntie uncle cousin niece nephew grandson granddaughter stepson stepdaughter "
    "colleague coworker workmate neighbour neighbor boss".split())
# Words that mean the person is describing their own part in it.
_FIRST_PERSON = frozenset("i i'm im i've ive i'd id i'll me myself we we're were we've us "
                          "ourselves".split())
_MY_WORD = re.compile(r"\b(?:my|our) (?:(?:best|older|younger|little|big|step|ex|adult|grown) )?"
                      r"([a-zé]+(?:[- ]in[- ]law)?)\b")


def named_relation(message: str) -> Optional[str]:
    """The first relation the person names with "my"/"our" ("my sister" -> "sister")."""
    lowered = text.normalise(message)
    return next((match.group(1) for match in _MY_WORD.finditer(lowered)
                 if match.group(1) in RELATIONS), None)


def whose_pattern(message: str) -> str:
    """Whose pattern a message describes: "self", the relation it names, or "someone".

    A message that speaks of the writer ("I", "me", "we", or "my" before anything but a
    person: "my identity is wrapped up in him") is about their own part; one that only tells
    of someone else ("my brother pays for everything and his girlfriend never offers") is
    about the first person it names that way; "someone" when it names nobody by relation
    ("Priya always hosts").
    """
    lowered = text.normalise(message)
    words = re.findall(r"[a-z']+", lowered)
    if any(word in _FIRST_PERSON for word in words):
        return "self"
    if words and words[0] in RELATIONS:
        return words[0]  # "Mum has waited on my dad for thirty years"
    for match in _MY_WORD.finditer(lowered):
        word = match.group(1).replace(" ", "-")
        if word.split("-")[0] not in RELATIONS:
            return "self"  # "my identity", "my feelings": the writer's own
        return word
    return "someone"
