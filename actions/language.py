"""Small language helpers shared by the actions and the NLU components.

Sentence splitting uses Tandem's offline spaCy pipeline (blank English + sentencizer);
word and negation rules are kept here once so the safety screen and the classifier's
negation features agree.
"""

import os
import re
from functools import lru_cache
from pathlib import Path
from typing import Any, List

DEFAULT_MODEL = Path(__file__).resolve().parent.parent / "build" / "spacy" / "en_tandem"
# A word: letters, with inner apostrophes ("doesn't"); no digits or emoji.
WORD = re.compile(r"[^\W\d_]+(?:'[^\W\d_]+)?", re.UNICODE)
NEGATION_WORDS = frozenset({
    "not", "no", "never", "nobody", "nothing", "neither", "nor", "cannot", "without",
    "dont", "doesnt", "didnt", "cant", "wont", "isnt", "arent", "wasnt", "werent",
    "havent", "hasnt", "hadnt", "wouldnt", "couldnt", "shouldnt", "aint",
})


def is_negation(token: str) -> bool:
    """True for a negation word, with or without its apostrophe ("don't", "dont")."""
    token = token.lower().replace("\u2019", "'")
    return token in NEGATION_WORDS or token.endswith("n't")


@lru_cache(maxsize=1)
def _pipeline() -> Any:
    import spacy

    path = Path(os.environ.get("TANDEM_SPACY_MODEL", DEFAULT_MODEL))
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


# Quotes of the person's own words stay short enough to read at a glance.
MAX_QUOTE_CHARS = 90


def short_quote(sentence: str, max_chars: int = MAX_QUOTE_CHARS) -> str:
    """The sentence without its final punctuation, cut at a word boundary if too long."""
    text = " ".join(sentence.split()).rstrip(".!?,;: ")
    if len(text) <= max_chars:
        return text
    cut = text[:max_chars].rsplit(" ", 1)[0].rstrip(",;: ")
    return cut + "…"
