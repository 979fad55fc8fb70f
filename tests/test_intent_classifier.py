"""The classifier: its speed-up, then-and-now messages, sentence rankings and the level models."""

from typing import Any, Dict, List, Optional

import numpy as np
import pytest
from sklearn.linear_model import LogisticRegression

from components.intent_classifier import (_column_major, _per_text, codependent_by_row,
                                          pole_columns, sentences_to_rank, with_pole,
                                          with_present_part)
from components.text_features import TextFeatures
from tandem.vocabulary import RISK_IMMINENCE

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


LEVELLED = {
    "imminent": ["I have the pills counted out for tonight", "wrote my goodbye letters today",
                 "the rope is in the garage and it's happening friday",
                 "he's outside the door with a knife right now"],
    "concern": ["sometimes I wish I wouldn't wake up", "everyone would be better off without me",
                "he reads all my messages and checks my location",
                "she won't let me see my friends anymore"],
}


def _trained(tmp_path: Any, encoder_weight: float = 0.0,
             labelled: Optional[Dict[str, List[str]]] = None, **config_: Any) -> Any:
    from rasa.engine.graph import ExecutionContext, GraphSchema
    from rasa.engine.storage.local_model_storage import LocalModelStorage
    from rasa.engine.storage.resource import Resource
    from rasa.shared.nlu.training_data.message import Message
    from rasa.shared.nlu.training_data.training_data import TrainingData

    from components.intent_classifier import TandemIntentClassifier

    if labelled is None:
        examples = [Message.build(t, label) for t, label in zip(TEXTS, LABELS, strict=True)]
        examples += [Message.build(t, "crisis_self_harm", intent_metadata={"level": level})
                     for level, texts in LEVELLED.items() for t in texts]
    else:
        examples = [Message.build(t, label) for label, texts in labelled.items() for t in texts]
    tmp_path.mkdir(parents=True, exist_ok=True)
    storage = LocalModelStorage(tmp_path)
    resource = Resource("classifier")
    context = ExecutionContext(GraphSchema({}), "test")
    config = dict(TandemIntentClassifier.get_default_config(), encoder_weight=encoder_weight,
                  **config_)
    classifier = TandemIntentClassifier.create(config, storage, resource, context)
    classifier.train(TrainingData(examples))
    return TandemIntentClassifier.load(config, storage, resource, context)


def test_crisis_examples_with_a_level_train_the_imminence_models(tmp_path: Any) -> None:
    from rasa.shared.nlu.training_data.message import Message

    classifier = _trained(tmp_path)
    messages = classifier.process([Message.build("counted out the pills for tonight"),
                                   Message.build("I wish I wouldn't wake up sometimes")])
    imminent, concern = (m.get(RISK_IMMINENCE) for m in messages)
    assert 0.0 <= concern < imminent <= 1.0
    assert messages[0].get("intent")["name"] == "crisis_self_harm"


def test_the_fine_tuned_model_is_saved_with_the_classifier_and_mixed_in(
        tmp_path: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    from rasa.shared.nlu.training_data.message import Message

    import components.fine_tuned

    monkeypatch.setattr(components.fine_tuned, "CACHE", tmp_path / "cache")
    quick = {"fine_tune_epochs": 1, "fine_tune_batch_size": 4}
    mixed = _trained(tmp_path / "mixed", tuned_weight=0.5, **quick)
    alone = _trained(tmp_path / "alone", tuned_weight=0.0, **quick)
    assert mixed._tuned is not None and mixed._tuned.classes == mixed.classes
    assert alone._tuned is None
    texts = ["I do all the chores", "wrote my goodbye letters"]
    expected = 0.5 * alone.predict_proba(texts) + 0.5 * mixed._tuned.predict_proba(texts)
    assert np.allclose(mixed.predict_proba(texts), expected, atol=1e-5)
    assert mixed.process([Message.build(texts[0])])[0].get("intent")


SITUATION_CLASSES = ["crisis_abuse", "situation_codependent_helping",
                     "situation_interdependent_helping", "situation_interdependent_honesty",
                     "situation_codependent_honesty"]


def test_pole_columns_pair_each_dimension_interdependent_first() -> None:
    assert sorted(pole_columns(SITUATION_CLASSES)) == [(2, 1), (3, 4)]
    assert pole_columns(["crisis_abuse", "situation_codependent_helping"]) == []
    assert codependent_by_row(SITUATION_CLASSES) == {1: True, 2: False, 3: False, 4: True}


@pytest.mark.parametrize(("weight", "expected"), [
    # Helping is 0.4 = 0.1 interdependent + 0.3 codependent; the pole model says 0.0.
    (0.0, [0.2, 0.3, 0.1, 0.2, 0.2]),
    (0.5, [0.2, 0.15, 0.25, 0.3, 0.1]),
    (1.0, [0.2, 0.0, 0.4, 0.4, 0.0]),
])
def test_the_pole_model_moves_probability_within_a_dimension_only(
        weight: float, expected: List[float]) -> None:
    probs = np.array([[0.2, 0.3, 0.1, 0.2, 0.2]])
    mixed = with_pole(probs, pole_columns(SITUATION_CLASSES), np.array([0.0]), weight)
    assert np.allclose(mixed, [expected]) and np.isclose(mixed.sum(), 1.0)
    assert np.allclose(probs, [[0.2, 0.3, 0.1, 0.2, 0.2]])  # the input is not changed


POLED = {
    "situation_codependent_helping": ["I always bail my brother out and he never learns",
                                      "I can't stop fixing my mum's problems for her"],
    "situation_interdependent_helping": ["I help my brother when he asks and he helps me",
                                         "we lend a hand to each other when it's needed"],
    "situation_codependent_honesty": ["I never tell him when something hurts me",
                                      "I can't say how I really feel to her"],
    "situation_interdependent_honesty": ["I tell him when something hurts and he listens",
                                         "I can say how I really feel to her"],
}


def test_pole_models_are_trained_saved_and_mixed_in_when_weighted(tmp_path: Any) -> None:
    alone = _trained(tmp_path / "alone", labelled=POLED, pole_weight=0.0)
    mixed = _trained(tmp_path / "mixed", labelled=POLED, pole_weight=0.5)
    assert not alone._pole_models and set(mixed._pole_models) == {"tfidf"}
    texts = ["I never say how I feel", "we help each other out"]
    models = mixed._pole_models
    codependent = models["tfidf"].predict_proba(mixed._features.transform(texts))[:, 1]
    expected = with_pole(alone.predict_proba(texts), pole_columns(alone.classes),
                         codependent, 0.5)
    assert np.allclose(mixed.predict_proba(texts), expected)


def test_without_levelled_examples_there_is_no_imminence(tmp_path: Any) -> None:
    from rasa.shared.nlu.training_data.message import Message

    classifier = _trained(tmp_path)
    classifier._level_models = {}
    (message,) = classifier.process([Message.build("wrote my goodbye letters")])
    assert message.get(RISK_IMMINENCE) is None


@pytest.mark.parametrize(("sentences", "present", "expected"), [
    (["I pay for everything.", "He never offers."], None,
     ["I pay for everything.", "He never offers."]),
    (["I pay for everything.", "Ugh."], None, []),
    (["I pay for everything."], None, []),
    (["I used to pay for everything.", "Now we split it."], "now we split it", []),
])
def test_sentences_are_ranked_one_by_one_only_when_two_say_something(
        sentences: List[str], present: Optional[str], expected: List[str]) -> None:
    assert sentences_to_rank(sentences, present) == expected


def test_per_text_computes_each_new_text_once() -> None:
    """The per-message caches (embeddings, TF-IDF rows) never compute a text twice."""
    calls: list = []

    def compute(new: list) -> list:
        calls.append(list(new))
        return [len(t) for t in new]

    cache: dict = {}
    assert _per_text(cache, ["a", "bb", "a"], compute) == [1, 2, 1]
    assert _per_text(cache, ["bb", "ccc"], compute) == [2, 3]
    assert calls == [["a", "bb"], ["ccc"]]
