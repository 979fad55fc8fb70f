"""The classifier's speed-up keeps its answers, and a then-and-now message is read by its now."""

from typing import List

import numpy as np
from sklearn.linear_model import LogisticRegression

from components.intent_classifier import _column_major, with_present_part
from components.text_features import TextFeatures

TEXTS = ["I do all the chores and he never helps", "we split the bills and both cook",
         "I can't say no to my mum", "I tell my sister when I'm hurt and she listens",
         "he pays for nothing, I pay for everything", "we take turns driving the kids"]
LABELS = ["give", "share", "no", "talk", "give", "share"]


def test_column_major_weights_give_the_same_probabilities() -> None:
    features = TextFeatures()
    matrix = features.fit_transform(TEXTS)
    model = LogisticRegression(C=30.0, max_iter=3000).fit(matrix, LABELS)
    probe = features.transform(["he never helps with the chores", "I can say no"])
    before = model.predict_proba(probe)
    assert _column_major(model) is model and model.coef_.flags["F_CONTIGUOUS"]
    assert np.array_equal(model.predict_proba(probe), before)
    assert _column_major(None) is None


def test_the_clauses_about_now_decide_a_then_and_now_message() -> None:
    def proba(texts: List[str]) -> np.ndarray:
        return np.array([[1.0, 0.0] if t.startswith("now") else [0.0, 1.0] for t in texts])

    texts = ["i used to do it all. now we share", "we share the chores"]
    assert np.allclose(with_present_part(proba, texts, 1.0), [[1.0, 0.0], [0.0, 1.0]])
    assert np.allclose(with_present_part(proba, texts, 0.5), [[0.5, 0.5], [0.0, 1.0]])
    assert np.allclose(with_present_part(proba, texts, 0.0), [[0.0, 1.0], [0.0, 1.0]])
