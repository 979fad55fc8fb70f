"""The classifier's speed-up keeps its answers: same probabilities with column-major weights."""

import numpy as np
from sklearn.linear_model import LogisticRegression

from components.intent_classifier import _column_major
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
