"""Tandem's public names: dimensions, poles, finding keys, slots and risk kinds.

Everything here is part of the contract in docs/contract.md or shared by several packages;
it is defined once so the NLU components, the actions and the generated YAML agree.
"""

import re
from dataclasses import dataclass
from typing import Any, Dict, Iterable, List, Optional, Tuple

DIMENSIONS = (
    "give_and_take",
    "helping",
    "identity",
    "authenticity",
    "feelings",
    "self_worth",
    "security",
    "boundaries",
    "honesty",
)
POLES = ("interdependent", "codependent")

# Slots of the analysis contract (docs/contract.md).
FINDINGS = "findings"
PATTERN = "pattern"
RISK_DETECTED = "risk_detected"
RISK = "risk"
ABOUT = "about"
# Conversation state the actions keep between messages.
CANDIDATES = "clarify_candidates"
DIMENSION = "dimension"
ANONYMOUS = "anonymous"
LAST_FINDINGS = "last_findings"
LAST_ALTERNATIVES = "last_alternatives"
CORRECTING = "correcting"
FEEDBACK_PENDING = "feedback_pending"
# The sentence (or message) the latest finding came from, for "why?".
LAST_EVIDENCE = "last_evidence"
# What Tandem has already said in this session (tandem.conversation.Memory), so no
# paragraph is repeated and the full citation is given once.
SHARED = "shared"
SAFETY_CHECK_PENDING = "safety_check_pending"
# Set by action_forget_me once the person confirmed; the store then deletes instead of saving.
FORGET_SLOT = "forget_confirmed"
# The self-check form: who it is about, then one answer slot per dimension.
CHECK_PERSON = "check_person"

# What the NLU components add to a parsed message.
INPUT_ISSUE = "input_issue"  # entity: why a message cannot be analysed
RISK_KIND = "risk_kind"  # entity: self_harm, abuse or child
RISK_LEVEL = "risk_level"  # entity: imminent or concern
# Message property set by the intent classifier: how likely danger in the message is
# imminent rather than a concern (0-1), read by the message screen for the level.
RISK_IMMINENCE = "risk_imminence"
RISK_NEGATED = "risk_negated"  # entity: danger words appeared, all clearly negated
SENTENCE_RANKINGS = "sentence_rankings"  # per-sentence intent rankings

# Risk kinds (the values of the `risk` slot) and levels, from most to least urgent.
RISK_KINDS = ("self_harm", "abuse", "child")
RISK_LEVELS = ("imminent", "concern")
CRISIS_INTENT_PREFIX = "crisis_"

# Slots that describe one message: Rasa resets them to these values when a user message
# arrives (patches/slot_reset.py), before the message's action sets them again.
PER_MESSAGE_SLOTS: Dict[str, Any] = {FINDINGS: [], PATTERN: None, RISK_DETECTED: False, ABOUT: None,
                     INPUT_ISSUE: None}
# Intents that answer "are you safe right now?".
SAFETY_ANSWERS = ("affirm", "deny", "safety_safe", "safety_not_safe", "safety_rather_not_say",
                  "safety_minimise", "safety_false_alarm")
# An open question's slot survives only a message that answers it: a "no" three messages
# after "are you safe right now?" is not an answer to it.
OPEN_QUESTIONS: Dict[str, Tuple[str, ...]] = {
    SAFETY_CHECK_PENDING: SAFETY_ANSWERS,
}
# Messages that interrupt the self-check rather than answer it (besides danger): "can we
# stop, this is a lot" pauses it even though "a lot" reads as a frequency.
SELF_CHECK_INTERRUPTIONS = ("stop_self_check", "pause", "distress", "concept", "show_summary",
                            "goodbye", "start_self_check")
# Buttons stay valid for a few messages: the person may say "hmm" or ask something first,
# then type "the feelings one". After this many further messages the offer is dropped.
OFFERS_KEPT_FOR_MESSAGES: Dict[str, int] = {CANDIDATES: 3, CORRECTING: 3}

# The tracker store's sender_id column.
MAX_SENDER_ID = 255

_SITUATION_INTENT = re.compile(
    r"^situation_(?P<pole>interdependent|codependent)_(?P<dimension>[a-z_]+)$"
)


def other_pole(pole: str) -> str:
    """The opposite pole."""
    if pole not in POLES:
        raise ValueError(f"not a pole: {pole!r}")
    return POLES[1] if pole == POLES[0] else POLES[0]


def situation_intent(pole: str, dimension: str) -> str:
    """The NLU intent for one pole of one dimension, e.g. situation_codependent_helping."""
    return f"situation_{pole}_{dimension}"


def situation_intents() -> List[str]:
    """All eighteen situation intents, in the article's table order."""
    return [situation_intent(pole, d) for d in DIMENSIONS for pole in POLES]


def parse_situation_intent(name: Optional[str]) -> Optional[Tuple[str, str]]:
    """(pole, dimension) for a situation intent name, None for any other intent."""
    match = _SITUATION_INTENT.match(name or "")
    if not match or match["dimension"] not in DIMENSIONS:
        return None
    return match["pole"], match["dimension"]


def crisis_intent(kind: str) -> str:
    """The NLU intent for one risk kind, e.g. crisis_self_harm."""
    return f"{CRISIS_INTENT_PREFIX}{kind}"


def crisis_intents() -> List[str]:
    """The crisis intents, one per risk kind."""
    return [crisis_intent(kind) for kind in RISK_KINDS]


def parse_crisis_intent(name: Optional[str]) -> Optional[str]:
    """The risk kind of a crisis intent name, None for any other intent."""
    if name and name.startswith(CRISIS_INTENT_PREFIX):
        kind = name[len(CRISIS_INTENT_PREFIX):]
        return kind if kind in RISK_KINDS else None
    return None


def self_check_slot(dimension: str) -> str:
    """The form slot holding the self-check answer for one dimension."""
    return f"sc_{dimension}"


@dataclass(frozen=True)
class Finding:
    """One pattern in a message: a pole on a dimension, with its confidence."""

    pole: str
    dimension: str
    confidence: float = 0.0

    @property
    def key(self) -> str:
        """The public form used in the `findings` slot, e.g. "codependent:helping"."""
        return f"{self.pole}:{self.dimension}"

    @classmethod
    def from_key(cls, key: str, confidence: float = 0.0) -> "Finding":
        """Parse "pole:dimension"; raises ValueError on anything else."""
        pole, _, dimension = str(key).partition(":")
        if pole not in POLES or dimension not in DIMENSIONS:
            raise ValueError(f"not a finding: {key!r}")
        return cls(pole, dimension, confidence)

    def flipped(self) -> "Finding":
        """The same dimension at the other pole."""
        return Finding(other_pole(self.pole), self.dimension, self.confidence)


def parse_keys(keys: Optional[Iterable[str]]) -> List[Finding]:
    """Findings from stored "pole:dimension" keys (a slot's value), skipping malformed ones."""
    found = []
    for key in keys or []:
        try:
            found.append(Finding.from_key(key))
        except ValueError:
            continue
    return found
