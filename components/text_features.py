"""Text features for the intent classifier: TF-IDF over words, characters and negation scope.

Long, rambling messages and one-liners must weigh the same, so term counts are
sublinear and every vector is L2-normalised. Words inside a negation's scope get a
`NEG_` twin so "I never feel guilty saying no" and "I feel guilty saying no" differ.
"""

import re
from typing import Iterable, List

from scipy.sparse import csr_matrix, hstack
from sklearn.feature_extraction.text import TfidfVectorizer

from tandem.text import is_negation

# Besides negations proper, these words also flip what follows ("stopped covering for him").
_SCOPE_OPENERS = frozenset({"stopped", "anymore"})
_TOKEN = re.compile(r"[\w']+|[.,!?;:]")
_SCOPE = 3


def mark_negation(text: str) -> str:
    """Prefix the few words after a negation with NEG_, until punctuation ends the scope."""
    out: List[str] = []
    scope = 0
    for token in _TOKEN.findall(text.lower().replace("\u2019", "'")):
        if token in ".,!?;:":
            scope = 0
            continue
        if is_negation(token) or token in _SCOPE_OPENERS:
            scope = _SCOPE
            out.append(token)
            continue
        out.append(f"NEG_{token}" if scope else token)
        scope = max(scope - 1, 0)
    return " ".join(out)


class TextFeatures:
    """Fits and applies the three TF-IDF views of a message."""

    def __init__(self) -> None:
        self.words = TfidfVectorizer(ngram_range=(1, 2), sublinear_tf=True)
        self.chars = TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 5), sublinear_tf=True)
        self.negation = TfidfVectorizer(ngram_range=(1, 2), sublinear_tf=True,
                                        token_pattern=r"\S+", lowercase=False)

    def fit_transform(self, texts: Iterable[str]) -> csr_matrix:
        """Learn the vocabularies and return the feature matrix."""
        texts = list(texts)
        marked = [mark_negation(t) for t in texts]
        return hstack([self.words.fit_transform(texts), self.chars.fit_transform(texts),
                       self.negation.fit_transform(marked)]).tocsr()

    def transform(self, texts: Iterable[str]) -> csr_matrix:
        """Feature matrix for new texts."""
        texts = list(texts)
        marked = [mark_negation(t) for t in texts]
        return hstack([self.words.transform(texts), self.chars.transform(texts),
                       self.negation.transform(marked)]).tocsr()
