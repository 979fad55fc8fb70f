"""High-recall crisis screen: self-harm, violence, sexual abuse and children at risk.

Pure logic, no Rasa imports, so the NLU screen component and the actions share it.
A phrase preceded closely by a clear negation ("I would never hurt myself") does not
alarm; phrases whose meaning is itself negative ("I don't want to live") always do.
"""

import re
from dataclasses import dataclass
from typing import Any, List, Mapping, Optional, Pattern, Sequence, Tuple

from actions import language

# Each category lists regular expressions matched against lower-cased text with
# curly apostrophes straightened. Recall matters more than precision here, but common
# everyday phrases ("hit me up", "cut myself off", "scared of him leaving") are excluded.
_SELVES = r"(?:my ?self|him ?self|her ?self|them ?selves|themself)"
_SELF_HARM = [
    rf"\bkill(?:s|ed|ing)? {_SELVES}",
    r"\bkms\b",
    r"\bsuicid\w*",
    r"\bend(?:s|ed|ing)? (?:my|his|her|their|it) (?:own )?life\b",
    r"\bend(?:ing)? it all\b",
    r"\btak(?:e|es|ing) (?:my|his|her|their) (?:own )?life\b",
    r"\b(?:want(?:s|ed)?|wanna|wanting|going|gonna) (?:to )?die\b",
    r"\bwish(?:es|ed|ing)? (?:i was|i were|to be|she was|he was) dead\b",
    r"\bbetter off (?:dead|without me)\b",
    rf"\b(?:hurt|harm|cut|cutt|burn|starv)(?:s|ed|ing)? {_SELVES}\b(?! off)",
    r"\bself[- ]?harm\w*",
    r"\boverdos\w*",
    r"\b(?:took|take|taking|swallowed) (?:a bunch of|all (?:my|the|of my|of the)|a lot of|"
    r"loads of|too many|a handful of) (?:pills|tablets|meds)\b",
    r"\bno (?:reason|point) (?:to live|in living|(?:in )?being alive)\b",
    r"\bno point (?:of|in) (?:me )?being here\b",
    rf"\bhang(?:s|ed|ing)? {_SELVES}",
    r"\bunalive\w*",
    r"\b(?:if|when) i (?:died|was dead|were dead|was gone|were gone|disappeared)\b",
    r"\b(?:been |started |start )?cutting again\b",
    r"\b(?:cutting|scratching|burning) (?:my )?(?:arms?|wrists?|legs?|thighs?)\b",
    r"\bhow many (?:of (?:my|the|these) )?(?:pills|tablets)\b",
    r"\bpills lined up\b",
    r"\bending it\b(?! (?:with|between|off))",
    r"\b(?:wrote|writing|written) (?:my|a) (?:suicide )?note\b",
    r"\bthink(?:ing)? about (?:dying|death|ending it|not being here|killing)\b",
    r"\b(?:drive|driving|walk|walking|step|stepping) (?:into|in front of) "
    r"(?:a tree|traffic|a wall|the river|a train|a bus)\b",
    r"\bjump(?:s|ed|ing)? (?:off|in front of)\b",
    r"\bon the (?:bridge|ledge|railing|roof) right now\b",
    r"\bstop for good\b",
]
# Phrases that are negative by meaning: never softened by a nearby negation.
_SELF_HARM_INHERENT = [
    r"\b(?:don'?t|do not|dont|no longer) (?:really |even )?(?:want to|wanna) "
    r"(?:live|be alive|be here|exist|wake up)\b",
    r"\b(?:never|not|didn'?t|don'?t|wouldn'?t) wake up\b",
    r"\bcan'?t (?:go on|keep going|do this anymore) (?:living|anymore)\b",
    r"\bdon'?t see the point (?:of|in) (?:living|being here|life|going on)\b",
]
_VIOLENCE = [
    # "the breakup hit her hard" is not violence; "he hit her" is.
    r"(?<!it )(?<!that )(?<!this )(?<!breakup )(?<!news )(?<!reality )"
    r"\b(?:hit|hits|hitting|beat|beats|beating|punch\w*|kick(?:s|ed|ing)?|slap\w*|chok\w*"
    r"|strangl\w*) (?:me|her|him|them|us|my)\b"
    r"(?! (?:up|at|that|how|what|when i realised|like a|out|off))",
    r"\b(?:pushed|pushes|shoved|shoves|threw|throws|dragged|drags) (?:me|her|him)"
    r"(?: \w+)? (?:down|into|against|over|off|across|out of|to the (?:floor|ground))\b",
    r"\bthr(?:ew|ows|owing|own) (?:a |the |his |her )?\w+ at (?:me|my|her|him)\b",
    r"\bstab\w* (?:me|her|him|my)\b",
    r"\b(?:around|on|round) my (?:neck|throat)\b",
    r"\bby the (?:throat|neck|hair)\b",
    r"\bgrab(?:s|bed|bing)? (?:me|her|him)\b(?! by the hand)",
    r"\bgrab(?:s|bed|bing)? my (?:arm|arms|throat|neck|hair|wrist|wrists)\b",
    r"\bthreat\w* to (?:kill|hurt|harm|beat|take the kids)\b",
    r"\bthreat(?:en|ens|ened|ening)? (?:me|us|her|him)\b",
    r"\bthreat\w* to take (?:our|my|the) (?:son|daughter|kids?|children|baby)\b",
    r"\b(?:will|would|'ll|gonna|going to) (?:kill|hurt|beat) (?:me|us|her|him|the kids|my)\b",
    r"\bkill (?:me|us)\b",
    r"\b(?:gun|knife|weapon)\b",
    r"\bafraid (?:for my life|he'll hurt|she'll hurt|of what he'll do|of what she'll do)\b",
    r"\bscared (?:he|she|they)(?:'ll| will| is going to| might) (?:hurt|kill)\b",
    r"\b(?:scared|afraid|terrified|frightened) of (?:him|her|them|my (?:husband|wife|partner|"
    r"boyfriend|girlfriend|bf|gf|dad|father|mum|mom|mother|ex|stepdad|brother))\b"
    r"(?!'s| (?:leaving|losing|getting|being|going|not|moving|finding|cheating))",
    r"\b(?:bruises|black eye)\b",
    r"\b(?:he|she|they) broke my\b",
    r"\b(?:gets|got|is|was|becomes|became|getting) (?:really |so |very )?violent\b",
    r"\bdomestic (?:violence|abuse)\b",
    r"\bphysically abus\w*",
    r"\blocks? me (?:in|up)\b",
    r"\babus(?:ed|es|ing|ive) (?:me|her|him|us|them|my)\b",
    r"\b(?:pinned|pins|slammed|slams) (?:me|her|him)\b",
    r"\b(?:scared|afraid|terrified|fear(?:ing)?) for (?:my|her|his|our) li(?:fe|ves)\b",
    r"\bwith me in it\b",
    r"\bcoming for (?:me|us)\b",
    r"\b(?:he|she|they)(?:'ll| will) find me\b",
    r"\bpunch(?:ed|es|ing)? (?:the|a) wall\b",
    r"\b(?:he|she|they|husband|boyfriend|wife|girlfriend|dad|father) broke (?:my|her|his)\b",
    r"\blocks? (?:me|you|her|him) in\b",
    r"\bhiding (?:at|in) (?:my|a) (?:friend|sister|brother|mum|mom|parent|neighbour|car)",
]
_VIOLENCE_EXTRA_INHERENT = [
    r"\bwon'?t let me leave\b",
]
_VIOLENCE_INHERENT = _VIOLENCE_EXTRA_INHERENT + [
    r"\b(?:i'?m|i am|we'?re|we are) not safe\b",
    r"\b(?:don'?t|do not|dont) feel safe (?:at home|with (?:him|her|them))\b",
]
_SEXUAL = [
    r"\brap(?:e|ed|es|ing|ist)\b",
    r"\bsexual(?:ly)? (?:abus|assault|coer)\w*",
    r"\bmolest\w*",
    r"\bforc\w* (?:me|her|him) to (?:have sex|sleep with|do sexual|do things)",
    r"\bmade me (?:have sex|do sexual)",
    r"\bmakes? me do (?:things|stuff)(?: \w+)? (?:in bed|sexually|i said no to)",
    r"\btouch\w* (?:me|her|him) (?:without|against|when i said no)",
    r"\btouch(?:es|ed|ing)? me\b",
    r"\bpressur\w* (?:me|her|him) into (?:sex|sexual|sleeping)",
    r"\bsexual stuff\b",
    r"\bsend (?:nudes|naked)\b",
    r"\bmakes? me (?:have sex|sleep with)\b",
    r"\bmade me (?:sleep with|have sex)\b",
    r"\bdid (?:stuff|things) to me\b",
    r"\bforc\w* (?:me|her|him) to do (?:stuff|things)\b",
    r"\bprivate (?:photos|pictures|pics)\b",
    r"\bgroom(?:ed|ing)\b",
]
_CHILD = [
    r"\b(?:hit|hits|hitting|beat|beats|beating|hurt|hurts|hurting|abus\w*|touch\w*|shak\w*) "
    r"(?:the|my|our|his|her) "
    r"(?:kids?|child(?:ren)?|son|daughter|baby|toddler|stepson|stepdaughter)\b",
    r"\bchild abuse\b",
    r"\b(?:kids?|child(?:ren)?|baby|son|daughter) (?:is|are) (?:in danger|scared of (?:him|her))\b",
    r"\bleft (?:the|my|our) (?:(?:\d+|one|two|three|four) year old|baby|toddler|newborn) alone\b",
    r"\bshut (?:her|him) up for good\b",
]
_CHILD_INHERENT = [
    r"\b(?:don'?t|do not|doesn'?t) (?:think|feel) (?:my|the|our|his|her) "
    r"(?:kids?|child(?:ren)?|son|daughter|baby|toddler) (?:is|are) safe\b",
    r"\b(?:kids?|child(?:ren)?|son|daughter|baby|toddler) "
    r"(?:isn'?t|aren'?t|is not|are not) safe\b",
    r"\b(?:kids?|child(?:ren)?|son|daughter|baby|toddler) (?:is|are) unsafe\b",
]

_NEGATION_WINDOW = 3
# "can't stop hurting myself": the negation belongs to stopping, not to the harm.
_ONGOING = frozenset({"stop", "stops", "stopping", "quit", "quitting", "help"})
_TOKEN = re.compile(r"[a-z']+")
# Clause boundaries stop a negation from reaching the next clause ("I'm not ok, I want to die").
_CLAUSE_BREAK = re.compile(r"[.,;:!?\n]|\bbut\b|\band\b|\bbecause\b|\bso\b")


@dataclass(frozen=True)
class ScreenResult:
    """Outcome of screening one message."""

    at_risk: bool
    categories: Tuple[str, ...] = ()
    negated_only: bool = False


def _compile(patterns: List[str]) -> List[Pattern[str]]:
    return [re.compile(p) for p in patterns]


_CATEGORIES: Tuple[Tuple[str, List[Pattern[str]], List[Pattern[str]]], ...] = (
    ("self_harm", _compile(_SELF_HARM), _compile(_SELF_HARM_INHERENT)),
    ("violence", _compile(_VIOLENCE), _compile(_VIOLENCE_INHERENT)),
    ("sexual_abuse", _compile(_SEXUAL), []),
    ("child_at_risk", _compile(_CHILD), _compile(_CHILD_INHERENT)),
)


def normalise(text: str) -> str:
    """Lower-case and straighten apostrophes so one pattern set serves all spellings."""
    return text.lower().replace("\u2019", "'").replace("\u2018", "'")


def _is_negated(text: str, start: int) -> bool:
    """True when a negation word stands shortly before `start` within the same clause."""
    before = text[:start]
    clause_breaks = list(_CLAUSE_BREAK.finditer(before))
    if clause_breaks:
        before = before[clause_breaks[-1].end():]
    tokens = _TOKEN.findall(before)[-_NEGATION_WINDOW:]
    negations = [i for i, token in enumerate(tokens) if language.is_negation(token)]
    if not negations:
        return False
    return not any(token in _ONGOING for token in tokens[negations[-1] + 1:])


def screen(text: Optional[str]) -> ScreenResult:
    """Screen a message for danger.

    Args:
        text: the person's message, any length.

    Returns:
        The categories found; `negated_only` is set when danger words appeared only negated.
    """
    if not text:
        return ScreenResult(at_risk=False)
    lowered = normalise(text)
    found: List[str] = []
    saw_negated = False
    for category, patterns, inherent in _CATEGORIES:
        if any(p.search(lowered) for p in inherent):
            found.append(category)
            continue
        starts = [m.start() for p in patterns for m in p.finditer(lowered)]
        if any(not _is_negated(lowered, start) for start in starts):
            found.append(category)
        elif starts:
            saw_negated = True
    return ScreenResult(at_risk=bool(found), categories=tuple(found),
                        negated_only=saw_negated and not found)


def screen_sentences(sentences: Sequence[str]) -> ScreenResult:
    """Screen each sentence on its own, so a negation never reaches into the next one."""
    results = [screen(sentence) for sentence in sentences]
    categories = tuple(dict.fromkeys(c for r in results for c in r.categories))
    return ScreenResult(at_risk=bool(categories), categories=categories,
                        negated_only=not categories and any(r.negated_only for r in results))


# The NLU crisis intent alarms when it is the top intent with at least this confidence ...
CRISIS_TOP = 0.25
# ... or the runner-up with at least this much.
CRISIS_RUNNER_UP = 0.3


def crisis_intent_alarms(ranking: Sequence[Mapping[str, Any]]) -> bool:
    """True when the NLU ranking puts `crisis` high enough to act on."""
    ranked = [r for r in ranking if r.get("name") != "nlu_fallback"][:2]
    for position, entry in enumerate(ranked):
        if entry.get("name") == "crisis":
            confidence = float(entry.get("confidence") or 0.0)
            return confidence >= (CRISIS_TOP if position == 0 else CRISIS_RUNNER_UP)
    return False


def assess(text: Optional[str], ranking: Sequence[Mapping[str, Any]],
           sentences: Optional[Sequence[str]] = None) -> ScreenResult:
    """Combine the lexicon screen with the NLU crisis intent.

    Args:
        text: the message.
        ranking: the NLU intent ranking (dicts with `name` and `confidence`).
        sentences: the message split into sentences, to screen each on its own.

    Returns:
        At risk when the lexicon finds danger, or when the crisis intent ranks high,
        unless the only danger words in the message were clearly negated.
    """
    result = screen_sentences(sentences) if sentences else screen(text)
    if result.at_risk or result.negated_only:
        return result
    if crisis_intent_alarms(ranking):
        return ScreenResult(at_risk=True, categories=("nlu",))
    return result
