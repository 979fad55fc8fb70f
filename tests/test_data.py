"""Training and held-out data: enough per class, no overlap, no example under two intents."""

import difflib
import re
from collections import Counter, defaultdict

import pytest

from tandem.knowledge import DIMENSIONS, POLES
from bench import data

SITUATIONS = [f"situation_{pole}_{dim}" for dim in DIMENSIONS for pole in POLES]


def _norm(text: str) -> str:
    return re.sub(r"[^a-z ]", "", text.lower()).strip()


@pytest.fixture(scope="module")
def training():
    return data.training()


@pytest.fixture(scope="module")
def held_out():
    return data.held_out()


def test_every_situation_class_has_enough_training_examples(training) -> None:
    counts = Counter(e.intent for e in training)
    short = {s: counts[s] for s in SITUATIONS if counts[s] < 60}
    assert not short, short


def test_every_situation_class_has_enough_held_out_examples(held_out) -> None:
    counts = Counter(e.intent for e in held_out)
    short = {s: counts[s] for s in SITUATIONS if counts[s] < 15}
    assert not short, short


def test_no_example_under_two_intents(training) -> None:
    intents = defaultdict(set)
    for example in training:
        intents[_norm(example.text)].add(example.intent.split("/")[0])
    clashes = {text: sorted(i) for text, i in intents.items() if len(i) > 1}
    assert not clashes, clashes


def _evaluation_texts(name: str) -> list:
    """Texts of one evaluation set: dev (tests/nlu), dev pairs, frozen test, or the risk sets."""
    if name == "risk":
        from bench.safety import SETS, load_risk_set

        return [e.text for split in ("dev", "test") for e in load_risk_set(SETS[split])]
    if name == "frozen":
        return [e.text for e in data.load((data.ROOT / "tests/frozen").glob("*.yml"))
                if e.intent.startswith("situation_")]
    if name == "pairs":
        from bench.understanding import dev_pairs, test_pairs

        return [t for p in dev_pairs() + test_pairs() for t in (p[1], p[3])]
    return [e.text for e in data.held_out() if e.intent.startswith("situation_")]


@pytest.mark.parametrize("evaluation_set", ["tests/nlu", "pairs", "frozen", "risk"])
def test_evaluation_situations_are_not_copies_of_training(training, evaluation_set) -> None:
    """No evaluation message is within a 0.8 difflib ratio of a training example.

    The risk sets (dev and frozen test, danger and look-alikes alike) are held to the same
    rule: the crisis intents are trained, and a copied message would flatter the screen.
    """
    from sklearn.feature_extraction.text import TfidfVectorizer

    train_texts = [_norm(e.text) for e in training]
    test_texts = [_norm(t) for t in _evaluation_texts(evaluation_set)]
    vectors = TfidfVectorizer(ngram_range=(1, 2)).fit(train_texts + test_texts)
    similarity = (vectors.transform(test_texts) @ vectors.transform(train_texts).T).tocsr()
    close = []
    for row, text in enumerate(test_texts):
        # Cosine similarity preselects candidates; difflib decides, as for the data split.
        # (Read the CSR row's arrays: indexing a sparse matrix cell by cell took 19 s.)
        start, end = similarity.indptr[row], similarity.indptr[row + 1]
        candidates = similarity.indices[start:end][similarity.data[start:end] >= 0.4]
        if any(difflib.SequenceMatcher(None, text, train_texts[c]).ratio() >= 0.8
               for c in candidates):
            close.append(text)
    assert not close, close
