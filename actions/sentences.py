"""Sentence splitting with Tandem's offline spaCy pipeline (blank English + sentencizer)."""

import os
import re
from functools import lru_cache
from pathlib import Path
from typing import Any, List

DEFAULT_MODEL = Path(__file__).resolve().parent.parent / "build" / "spacy" / "en_tandem"
_WORD = re.compile(r"[^\W\d_]+(?:'[^\W\d_]+)?", re.UNICODE)


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


def split(text: str) -> List[str]:
    """The message's sentences, stripped, without empty ones."""
    if not text or not text.strip():
        return []
    return [s.text.strip() for s in _pipeline()(text).sents if s.text.strip()]


def word_count(text: str) -> int:
    """Number of words (letters, with inner apostrophes) in `text`."""
    return len(_WORD.findall(text or ""))
