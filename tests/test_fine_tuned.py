"""The fine-tuned MiniLM classifier: it learns, it is cached by its inputs, it round-trips."""

from pathlib import Path

import numpy as np
import pytest

from components.fine_tuned import FineTunedClassifier, FineTuning, cache_key, fine_tuned

TEXTS = ["I do all the chores and he never helps", "we split the chores evenly",
         "he never lifts a finger at home", "we take turns with the washing up",
         "I pay for everything and she never offers", "we share the bills fifty fifty"]
LABELS = ["codependent", "interdependent", "codependent", "interdependent", "codependent",
          "interdependent"]
QUICK = FineTuning(epochs=3, learning_rate=3e-4, batch_size=2)


@pytest.fixture(scope="module")
def trained(tmp_path_factory: pytest.TempPathFactory) -> FineTunedClassifier:
    return fine_tuned(TEXTS, LABELS, QUICK, cache=tmp_path_factory.mktemp("fine_tuned"))


def test_it_learns_the_training_labels(trained: FineTunedClassifier) -> None:
    probs = trained.predict_proba(TEXTS)
    assert trained.classes == ["codependent", "interdependent"]
    assert np.allclose(probs.sum(axis=1), 1.0, atol=1e-5)
    assert [trained.classes[i] for i in probs.argmax(axis=1)] == LABELS


def test_a_saved_model_gives_the_same_probabilities(trained: FineTunedClassifier,
                                                    tmp_path: Path) -> None:
    trained.save(tmp_path)
    loaded = FineTunedClassifier.load(tmp_path)
    assert loaded.settings == QUICK
    assert np.allclose(loaded.predict_proba(TEXTS), trained.predict_proba(TEXTS), atol=1e-5)


@pytest.mark.parametrize(("texts", "labels", "settings", "same"), [
    (TEXTS, LABELS, QUICK, True),
    (list(reversed(TEXTS)), list(reversed(LABELS)), QUICK, True),  # order does not matter
    (TEXTS[:-1], LABELS[:-1], QUICK, False),
    (TEXTS, LABELS[:-1] + ["codependent"], QUICK, False),
    (TEXTS, LABELS, FineTuning(epochs=4, learning_rate=3e-4, batch_size=2), False),
])
def test_the_cache_key_follows_every_input(texts: list, labels: list, settings: FineTuning,
                                           same: bool) -> None:
    assert (cache_key(texts, labels, settings) == cache_key(TEXTS, LABELS, QUICK)) is same
