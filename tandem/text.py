"""Small language helpers shared by the actions and the NLU components.

Sentence splitting uses Tandem's offline spaCy pipeline (blank English + sentencizer);
word and negation rules are kept here once so the safety screen and the classifier's
negation features agree.
"""

import re
from functools import lru_cache
from typing import Any, List, Optional, Tuple


from tandem import settings

# A word: letters, with inner apostrophes ("doesn't"); no digits or emoji.
WORD = re.compile(r"[^\W\d_]+(?:'[^\W\d_]+)?", re.UNICODE)
NEGATION_WORDS = frozenset({
    "not", "no", "never", "nobody", "nothing", "neither", "nor", "cannot", "without",
    "dont", "doesnt", "didnt", "cant", "wont", "isnt", "arent", "wasnt", "werent",
    "havent", "hasnt", "hadnt", "wouldnt", "couldnt", "shouldnt", "aint",
})


def normalise(text: str) -> str:
    """Lower-case and straighten curly apostrophes, so one spelling serves all."""
    return text.lower().replace("\u2019", "'").replace("\u2018", "'")


def is_negation(token: str) -> bool:
    """True for a negation word, with or without its apostrophe ("don't", "dont")."""
    token = normalise(token)
    if token.endswith("'s"):
        token = token[:-2]  # "nobody's threatening me"
    return token in NEGATION_WORDS or token.endswith("n't")


@lru_cache(maxsize=1)
def _pipeline() -> Any:
    import spacy

    path = settings.spacy_model_path()
    if path.exists():
        return spacy.load(path)
    # Same behaviour without the built pipeline (e.g. unit tests before `make install`).
    nlp = spacy.blank("en")
    nlp.add_pipe("sentencizer")
    return nlp


def split_sentences(text: str) -> List[str]:
    """The message's sentences, stripped, without empty ones."""
    if not text or not text.strip():
        return []
    return [s.text.strip() for s in _pipeline()(text).sents if s.text.strip()]


def words(text: str) -> List[str]:
    """The words of `text`."""
    return WORD.findall(text or "")


def word_count(text: str) -> int:
    """Number of words in `text`."""
    return len(words(text))


_QUESTION_START = re.compile(
    r"^(?:is|isn'?t|are|aren'?t|am|do|does|doesn'?t|did|should|shouldn'?t|can|could|would|"
    r"will|was|what|why|how|when|who)\b")


def is_question(message: str) -> bool:
    """True when any sentence of the message asks something."""
    stripped = normalise(message).strip()
    if "?" in stripped:
        return True
    return any(_QUESTION_START.match(part.strip())
               for part in re.split(r"[.!]\s+", stripped))


# How a follow-up question opens ("What else? He gets upset whenever I suggest anything"),
# so a follow-up carrying a reason is not read as a new situation.
_FOLLOW_UP_OPENINGS = (
    ("ask_healthy", re.compile(
        r"^(?:(?:but|so|ok|okay|and|then) )*(?:what (?:does|would|do|should|might) (?:a |the )?"
        r"health(?:y|ier)|how (?:do|does|would) (?:healthy|it look)|what (?:does|would|do) "
        r"(?:it|that|this|a healthy \w+) (?:\w+ )?look like)")),
    ("ask_why", re.compile(
        r"^(?:(?:but|so|ok|okay|hmm+|and) )*(?:(?:may|can|could|might) i ask |i (?:was )?"
        r"wonder(?:ing)? )?(?:why|how come|what makes you (?:say|think)|how is "
        r"(?:that|this|it) (?:codependent|unhealthy|a problem|bad))\b")),
    ("ask_what_to_do", re.compile(
        r"^(?:(?:but|so|ok|okay|k|and|then|right) )*(?:what else|what (?:could|can|should|do|"
        r"would|might) (?:i|we)(?: \w+)? (?:do|try|change)|any(?:thing|thin)? (?:else|other)|"
        r"any other ideas)\b")),
)
# "Is it bad that I ...?": a worry put as a question about the person's own situation.
_HEDGED = re.compile(
    r"^(?:(?:so|but|and|honestly|ok|okay) )*(?:is it|is that|am i|are we|would it be|is this) "
    r"(?:\w+ ){0,2}(?:bad|ok|okay|fine|alright|normal|wrong|weird|unhealthy|healthy|too much|"
    r"selfish|strange|codependent|an issue|a problem)\b"
    # ... about the person's own part: "is it ok that she decides what I wear?" is not.
    r"(?=.*\b(?:that|if|when|how|to) (?:i|we)\b|.*\bto (?:rely|depend|lean|need)\b)")


def first_sentence(message: str) -> str:
    """The message up to its first full stop, question or exclamation mark.

    A plain split, not spaCy's: the actions call this on every message, and loading the
    pipeline in the action server would make its first answer slow.
    """
    return re.split(r"(?<=[.?!])\s+", (message or "").strip(), maxsplit=1)[0]


# A courtesy before the question ("Thank you, dear. May I ask why ...?") is not its opening.
_COURTESY = re.compile(r"^(?:(?:ok|okay|oh|ah|right|well) )*(?:thank you|thanks|thank u|ty|cheers|"
                       r"i see|got it|fair enough|hmm+)(?: \w+){0,3}$")


def _plain_words(sentence: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"[^a-z' ]", " ", normalise(sentence))).strip()


def opening_sentence(message: str) -> str:
    """The sentence a message opens with, after a courtesy ("Thank you, dear.") if any."""
    first = first_sentence(message)
    if _COURTESY.match(_plain_words(first)):
        rest = first_sentence((message or "").strip()[len(first):])
        return rest or first
    return first


def follow_up_opening(message: str) -> Optional[str]:
    """The follow-up intent a message opens with ("why ...", "what else ..."), if any."""
    lowered = _plain_words(opening_sentence(message))
    return next((intent for intent, pattern in _FOLLOW_UP_OPENINGS if pattern.match(lowered)),
                None)


def is_hedged_question(message: str) -> bool:
    """True for "is it bad that I ...?": a question that also describes a situation."""
    lowered = _plain_words(message)
    return bool(_HEDGED.match(lowered)) and is_question(message)


# Quotes of the person's own words stay short enough to read at a glance.
MAX_QUOTE_CHARS = 90


def short_quote(sentence: str, max_chars: int = MAX_QUOTE_CHARS) -> str:
    """The sentence without its final punctuation, cut at a word boundary if too long."""
    text = " ".join(sentence.split()).rstrip(".!?,;: ")
    if len(text) <= max_chars:
        return text
    cut = text[:max_chars].rsplit(" ", 1)[0].rstrip(",;: ")
    return cut + "…"


# Words that are function words elsewhere but ordinary English (or names, or chat slang)
# here: found in Tandem's own English training data.
_ENGLISH_TOO = frozenset(
    "af ai aux ben bin car certain co come comment con cos dan die different dont door dos e "
    "ex fine gran gross gut hen hi hun im later local man men met mia mil min na op per plus "
    "possible premier pres sea sent solo son state stop suit ta tag total u van via want war "
    "y ya yo zero".split())


@lru_cache(maxsize=1)
def _function_words() -> Any:
    """(English function words, other languages' function words that are not English).

    Imported on first use: importing spaCy's language data pulls in thinc, and with it
    TensorFlow, which costs every process that imports tandem several seconds.
    """
    from spacy.lang.de.stop_words import STOP_WORDS as GERMAN
    from spacy.lang.en.stop_words import STOP_WORDS as ENGLISH
    from spacy.lang.es.stop_words import STOP_WORDS as SPANISH
    from spacy.lang.fr.stop_words import STOP_WORDS as FRENCH
    from spacy.lang.it.stop_words import STOP_WORDS as ITALIAN
    from spacy.lang.nl.stop_words import STOP_WORDS as DUTCH
    from spacy.lang.pt.stop_words import STOP_WORDS as PORTUGUESE

    foreign = (GERMAN | SPANISH | FRENCH | ITALIAN | DUTCH | PORTUGUESE) - ENGLISH - _ENGLISH_TOO
    return ENGLISH, foreign


def input_issue(message: Optional[str], max_chars: int) -> Optional[str]:
    """Why a message cannot be analysed: empty, no_words, too_long, not_english or None."""
    if not message or not message.strip():
        return "empty"
    found = words(message)
    if not found:
        return "no_words"
    if len(message) > max_chars:
        return "too_long"
    letters = "".join(found)
    if sum(1 for ch in letters if ord(ch) > 0x24F) > len(letters) / 2:
        return "not_english"  # mostly a non-Latin script
    lowered = {w.lower() for w in found}
    english_words, foreign_words = _function_words()
    foreign = len(lowered & foreign_words)
    english = len(lowered & english_words)
    # Distinct function words, so slang like "im fine if shes fine" stays English.
    if foreign >= 3 and foreign > english:
        return "not_english"
    return None


# "I used to ..., now I ...": what is true now decides the pole, so the classifier also reads
# the present part on its own (components/intent_classifier.py). Either order is common
# ("these days I ..., back in uni I ..."), so clauses end at every comma as well.
_PAST_MARKER = re.compile(
    r"\b(?:used to|use to|back (?:then|when)|back in (?:the day|uni|school|college|high school|"
    r"(?:first|second|third) year|\d{4}|my|our|those)|\w+ ago\b|last (?:year|time)|in the past|"
    r"at (?:1\d|2\d|3\d)\b|was forever|were forever|i'?d have|would always|"
    r"before (?:the|we|i|she|he|they|that|his|her|my|our|their)\b|before,|early on|"
    r"early in|at (?:first|the start|the beginning)|in the beginning|growing up|"
    r"when (?:we|i|she|he|they) first|(?:that|the) (?:whole )?first (?:year|month|few)|"
    r"when i was (?:single|younger|little|a kid|at (?:uni|school|college)))")
_NOW_MARKER = (r"(?:now|nowadays|these days|lately|recently|this (?:year|time|week|month|"
               r"semester|summer|winter|spring)|since\b|any ?more|no longer|finally|"
               r"rn\b|right now|at the moment|"
               r"(?:i'?ve|he'?s|she'?s|they'?ve|we'?ve) (?:started|stopped|begun|learned|learnt))")
_NOW = re.compile(rf"\b{_NOW_MARKER}")
# Clauses end at sentence punctuation, at "but" and at commas (", and now" keeps its "now"
# at the clause's start).
_CLAUSE_END = re.compile(rf"[.;!?\n]+|\bbut\b|,\s*(?:and\s+|so\s+)?(?={_NOW_MARKER})|,")
# Chat openers before a clause's real start ("tbh i don't ... anymore").
_OPENER = re.compile(r"^(?:(?:and|so|but|though|like|tbh|honestly|ok|okay)\s+)+")
# "I used to panic when she was late, not anymore. I just figure she's busy": a bare "not
# anymore" turns to now, but says nothing about now itself, so it is not read as now.
_BARE_TURN = re.compile(r"(?:(?:and|but|so)\s+)?(?:(?:not|no) (?:any ?more|longer)|no more)")


def _clause_spans(lowered: str) -> List[Tuple[int, int]]:
    """(start, end) of each non-empty clause of a normalised message."""
    spans, start = [], 0
    for end_match in [*_CLAUSE_END.finditer(lowered), None]:
        end = end_match.start() if end_match else len(lowered)
        piece = lowered[start:end]
        stripped = piece.strip(" ,")
        if stripped:
            offset = start + piece.index(stripped)
            spans.append((offset, offset + len(stripped)))
        if end_match:
            start = end_match.end()
    return spans


def _present_spans(message: str) -> Optional[List[Tuple[int, int]]]:
    """Spans of the runs of clauses about now, if the message contrasts then and now."""
    lowered = normalise(message or "")
    spans = _clause_spans(lowered)
    if len(spans) < 2:
        return None
    tags: List[str] = []
    for start, end in spans:
        clause = lowered[start:end]
        opening = _OPENER.sub("", clause)
        if _PAST_MARKER.search(clause) and not _NOW.match(opening):
            tags.append("past")
        elif _NOW.search(clause):
            tags.append("now")
        else:
            tags.append(tags[-1] if tags else "")
    if "now" not in tags:
        return None
    if "past" not in tags:
        # "my whole night was ruined. now i can feel bad for him": a clause opening with a
        # marker of now after other clauses turns what came before into the past.
        first_now = tags.index("now")
        start, end = spans[first_now]
        if first_now == 0 or not _NOW.match(_OPENER.sub("", lowered[start:end])):
            return None
    runs: List[Tuple[int, int]] = []
    in_run = False
    for (start, end), tag in zip(spans, tags, strict=True):
        if tag != "now" or _BARE_TURN.fullmatch(lowered[start:end]):
            in_run = False
        elif in_run:
            runs[-1] = (runs[-1][0], end)
        else:
            runs.append((start, end))
            in_run = True
    return runs or None


def present_part(message: str) -> Optional[str]:
    """The clauses about now of a message that contrasts then and now, else None.

    "we used to split everything. now i do literally everything for her" -> "now i do
    literally everything for her". A message opening with a clause about now ("since the
    baby I do nights ... my wife used to trade off") keeps it; clauses with no marker follow
    the clause before them.
    """
    runs = _present_spans(message)
    if runs is None:
        return None
    lowered = normalise(message)
    return ". ".join(lowered[start:end] for start, end in runs)


def present_quote(message: str) -> Optional[str]:
    """`present_part` in the person's own spelling and case, for quoting back to them."""
    runs = _present_spans(message)
    if runs is None:
        return None
    if len(normalise(message)) != len(message):  # a letter whose lower case is longer
        return present_part(message)
    return ". ".join(message[start:end] for start, end in runs)
