"""High-recall crisis screen: self-harm, violence, sexual abuse and children at risk.

Pure logic, no Rasa imports, so the NLU screen component and the actions share it.
A phrase preceded closely by a clear negation ("I would never hurt myself") does not
alarm; phrases whose meaning is itself negative ("I don't want to live") always do.
"""

import re
from dataclasses import dataclass
from typing import List, Optional, Pattern, Sequence, Tuple

# Each category lists regular expressions matched against lower-cased text with
# curly apostrophes straightened. Recall matters more than precision here.
_SELF_HARM = [
    r"\bkill(?:ing)? my ?self\b",
    r"\bsuicid\w*",
    r"\bend(?:ing)? (?:my|it) (?:own )?life\b",
    r"\bend(?:ing)? it all\b",
    r"\btak(?:e|ing) my (?:own )?life\b",
    r"\b(?:want|wanna|wanting|going) to die\b",
    r"\bwish(?:ing)? (?:i was|i were|to be) dead\b",
    r"\bbetter off (?:dead|without me)\b",
    r"\b(?:hurt|harm|cut|cutting|burn|burning|hurting|harming)(?:ing)? my ?self\b",
    r"\bself[- ]?harm\w*",
    r"\boverdos\w*",
    r"\bno (?:reason|point) (?:to live|in living|being alive|in being alive)\b",
    r"\bno point (?:of|in) (?:me )?being here\b",
    r"\bhang(?:ing)? my ?self\b",
    r"\bunalive\w*",
]
# Phrases that are negative by meaning: never softened by a nearby negation.
_SELF_HARM_INHERENT = [
    r"\b(?:don'?t|do not|dont|no longer) (?:want|wanna) to "
    r"(?:live|be alive|be here|exist|wake up)\b",
    r"\bcan'?t (?:go on|keep going|do this anymore) (?:living|anymore)\b",
    r"\bdon'?t see the point (?:of|in) "
    r"(?:living|being here|life|going on)\b",
]
_VIOLENCE = [
    r"\b(?:hit|hits|hitting|beat|beats|beating|punch\w*|kick(?:s|ed|ing)?|slap\w*|chok\w*"
    r"|strangl\w*) "
    r"(?:me|her|him|them|us|my)\b(?! (?:that|how|what|when i realised|like a))",
    r"\b(?:pushed|shoved|threw|throws|dragged) (?:me|her|him)\b",
    r"\bthreat\w* to (?:kill|hurt|harm|beat|take the kids)\b",
    r"\b(?:will|would|'ll|gonna|going to) (?:kill|hurt|beat) (?:me|us|her|him|the kids|my)\b",
    r"\bkill (?:me|us)\b",
    r"\b(?:gun|knife|weapon)\b",
    r"\bafraid (?:for my life|he'll hurt|she'll hurt|of what he'll do|of what she'll do)\b",
    r"\bscared (?:he|she|they)(?:'ll| will| is going to| might) (?:hurt|kill)\b",
    r"\b(?:bruises|black eye)\b",
    r"\b(?:he|she|they) broke my\b",
    r"\bdomestic (?:violence|abuse)\b",
    r"\bphysically abus\w*",
    r"\blocks? me (?:in|up)\b",
    r"\bgrab(?:s|bed|bing)? (?:me|her|him|my)\b",
    r"\bby the (?:throat|neck|hair)\b",
    r"\bthreat(?:en|ens|ened|ening)? (?:me|us|her|him|my)\b",
    r"\bthreat\w* to take (?:our|my|the) (?:son|daughter|kids?|children|baby)\b",
    r"\b(?:scared|afraid|terrified|frightened) of (?:him|her|them|my (?:husband|wife|partner|"
    r"boyfriend|girlfriend|bf|gf|dad|father|mum|mom|mother|ex|stepdad|brother))\b",
    r"\bviolen(?:t|ce)\b",
    r"\bsmash(?:es|ed|ing)? (?:things|stuff|the|my|plates)\b",
    r"\bbruis\w*",
    r"\babus(?:ed|es|ing|ive) (?:me|her|him|us|them|my)\b",
]
_SEXUAL = [
    r"\brap(?:e|ed|es|ing|ist)\b",
    r"\bsexual(?:ly)? (?:abus|assault|coer)\w*",
    r"\bmolest\w*",
    r"\bforc\w* me to (?:have sex|sleep with|do sexual)",
    r"\bmade me (?:have sex|do sexual)",
    r"\btouch\w* (?:me|her|him) (?:without|against|when i said no)",
    r"\btouch(?:es|ed|ing)? me\b",
    r"\bpressur\w* (?:me|her|him) into (?:sex|sexual|sleeping)",
    r"\bsexual stuff\b",
    r"\bsend (?:nudes|naked)\b",
]
_CHILD = [
    r"\b(?:hit|hits|hitting|beat|beats|beating|hurt|hurts|hurting|abus\w*|touch\w*|shak\w*) "
    r"(?:the|my|our|his|her) "
    r"(?:kids?|child(?:ren)?|son|daughter|baby|toddler|stepson|stepdaughter)\b",
    r"\bchild abuse\b",
    r"\b(?:kids?|child(?:ren)?|baby|son|daughter) (?:is|are) (?:in danger|scared of (?:him|her))\b",
    r"\bleft (?:the|my|our) (?:kids?|baby|toddler) alone\b",
]
_CHILD_INHERENT = [
    r"\b(?:don'?t|do not|doesn'?t) (?:think|feel) (?:my|the|our|his|her) "
    r"(?:kids?|child(?:ren)?|son|daughter|baby|toddler) (?:is|are) safe\b",
    r"\b(?:kids?|child(?:ren)?|son|daughter|baby|toddler) "
    r"(?:isn'?t|aren'?t|is not|are not|is unsafe|are unsafe)(?: safe)?\b",
]

_NEGATIONS = {"never", "not", "no", "dont", "wouldnt", "wont", "nor", "cannot", "without"}
_NEGATION_WINDOW = 3
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
    ("violence", _compile(_VIOLENCE), []),
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
    return any(token in _NEGATIONS or token.endswith("n't") for token in tokens)


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
        for pattern in patterns:
            for match in pattern.finditer(lowered):
                if _is_negated(lowered, match.start()):
                    saw_negated = True
                    continue
                found.append(category)
                break
            if category in found:
                break
    return ScreenResult(at_risk=bool(found), categories=tuple(found),
                        negated_only=saw_negated and not found)


def screen_sentences(sentences: Sequence[str]) -> ScreenResult:
    """Screen each sentence on its own, so a negation never reaches into the next one."""
    results = [screen(sentence) for sentence in sentences]
    categories = tuple(dict.fromkeys(c for r in results for c in r.categories))
    return ScreenResult(at_risk=bool(categories), categories=categories,
                        negated_only=not categories and any(r.negated_only for r in results))


def assess(text: Optional[str], intent: Optional[str], confidence: float,
           intent_threshold: float = 0.5,
           sentences: Optional[Sequence[str]] = None) -> ScreenResult:
    """Combine the NLU crisis intent with the lexicon screen.

    The lexicon alone can raise the alarm (per sentence when `sentences` are given). The
    crisis intent raises it too when it is confident, unless the only danger words in the
    message were clearly negated.
    """
    result = screen_sentences(sentences) if sentences else screen(text)
    if result.at_risk:
        return result
    if intent == "crisis" and confidence >= intent_threshold and not result.negated_only:
        return ScreenResult(at_risk=True, categories=("nlu",))
    return result
