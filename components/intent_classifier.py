"""Tandem's intent classifier: TF-IDF logistic regression, optionally ensembled with MiniLM.

Measured on the held-out set (bench/results/quality.md), this beats DIET on count
vectors for the eighteen situation classes; see the README for the numbers.
"""

import logging
from pathlib import Path
from typing import Any, Dict, List, Optional

import joblib
import numpy as np
from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.classifiers.classifier import IntentClassifier
from rasa.shared.nlu.constants import INTENT, INTENT_NAME_KEY, INTENT_RANKING_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData
from sklearn.linear_model import LogisticRegression

from components.text_features import TextFeatures
from tandem.vocabulary import SENTENCE_RANKINGS

logger = logging.getLogger(__name__)
_FILE = "classifier.joblib"
# SENTENCE_RANKINGS, an output property: per-sentence rankings for messages of two or more
# sentences, so the actions can report several patterns, each tied to the sentence that
# shows it.
SPACY_DOC = "text_spacy_doc"  # set by SpacyNLP
MIN_SENTENCE_WORDS = 3
SENTENCE_TOP_K = 5


def _column_major(model: Optional[LogisticRegression]) -> Optional[LogisticRegression]:
    """Stores the weights so that predicting on a sparse row reads them in place.

    scikit-learn multiplies by `coef_.T`; with C-ordered weights (18-41 classes x 100,000
    TF-IDF features) scipy first copies all of them, 13 ms per call. Column-major weights
    give the same probabilities in 0.06 ms.
    """
    if model is not None:
        model.coef_ = np.asfortranarray(model.coef_)
    return model


@DefaultV1Recipe.register(
    [DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER], is_trainable=True
)
class TandemIntentClassifier(GraphComponent, IntentClassifier):
    """Predicts the intent and a full ranking from TF-IDF (+ optional MiniLM) features."""

    @staticmethod
    def get_default_config() -> Dict[str, Any]:
        """C: inverse regularisation; minilm_weight: share of the MiniLM model (0 = off)."""
        return {"C": 30.0, "max_iter": 3000, "minilm_weight": 0.0}

    def __init__(self, config: Dict[str, Any], model_storage: ModelStorage,
                 resource: Resource, features: Optional[TextFeatures] = None,
                 tfidf_model: Optional[LogisticRegression] = None,
                 minilm_model: Optional[LogisticRegression] = None) -> None:
        self._config = config
        self._storage = model_storage
        self._resource = resource
        self._features = features
        self._tfidf_model = _column_major(tfidf_model)
        self._minilm_model = minilm_model
        self._encoder: Any = None

    @classmethod
    def create(cls, config: Dict[str, Any], model_storage: ModelStorage,
               resource: Resource, execution_context: ExecutionContext
               ) -> "TandemIntentClassifier":
        """Creates an untrained classifier."""
        return cls(config, model_storage, resource)

    def _minilm_weight(self) -> float:
        return float(self._config.get("minilm_weight") or 0.0)

    def _encode(self, texts: List[str]) -> np.ndarray:
        if self._encoder is None:
            from components.minilm import MiniLMEncoder

            self._encoder = MiniLMEncoder()
        return self._encoder.encode(texts)

    def train(self, training_data: TrainingData) -> Resource:
        """Fits the models on every example that has an intent."""
        examples = [m for m in training_data.intent_examples if m.get(TEXT)]
        texts = [m.get(TEXT) for m in examples]
        labels = [m.get(INTENT) for m in examples]
        self._features = TextFeatures()
        matrix = self._features.fit_transform(texts)
        self._tfidf_model = LogisticRegression(C=self._config["C"],
                                               max_iter=self._config["max_iter"])
        self._tfidf_model.fit(matrix, labels)
        _column_major(self._tfidf_model)
        if self._minilm_weight() > 0:
            self._minilm_model = LogisticRegression(C=10.0, max_iter=self._config["max_iter"])
            self._minilm_model.fit(self._encode(texts), labels)
        with self._storage.write_to(self._resource) as directory:
            joblib.dump({"features": self._features, "tfidf": self._tfidf_model,
                         "minilm": self._minilm_model}, Path(directory) / _FILE)
        return self._resource

    @classmethod
    def load(cls, config: Dict[str, Any], model_storage: ModelStorage,
             resource: Resource, execution_context: ExecutionContext, **kwargs: Any
             ) -> "TandemIntentClassifier":
        """Loads a trained classifier (an untrained one if nothing was persisted)."""
        try:
            with model_storage.read_from(resource) as directory:
                saved = joblib.load(Path(directory) / _FILE)
        except (ValueError, FileNotFoundError):
            logger.warning("No trained TandemIntentClassifier found; predicting nothing.")
            return cls(config, model_storage, resource)
        classifier = cls(config, model_storage, resource, saved["features"], saved["tfidf"],
                         saved["minilm"])
        if classifier._minilm_model is not None:
            classifier._encode([""])  # load the encoder now, not on the first message
        return classifier

    def predict_proba(self, texts: List[str]) -> np.ndarray:
        """Class probabilities (columns in `classes` order) for each text."""
        assert self._tfidf_model is not None and self._features is not None
        probs = self._tfidf_model.predict_proba(self._features.transform(texts))
        weight = self._minilm_weight()
        if weight > 0 and self._minilm_model is not None:
            probs = (1 - weight) * probs + weight * self._minilm_model.predict_proba(
                self._encode(texts))
        return probs

    @property
    def classes(self) -> List[str]:
        """Intent names in the order of `predict_proba`'s columns."""
        assert self._tfidf_model is not None
        return [str(c) for c in self._tfidf_model.classes_]

    def _ranking(self, probs: np.ndarray, top_k: Optional[int] = None) -> List[Dict[str, Any]]:
        classes = self.classes
        order = np.argsort(probs)[::-1][:top_k]
        return [{INTENT_NAME_KEY: classes[i], "confidence": float(probs[i])} for i in order]

    def process(self, messages: List[Message]) -> List[Message]:
        """Sets intent and ranking on each message; per-sentence rankings where useful."""
        if self._tfidf_model is None:
            return messages
        texts = [m.get(TEXT) or "" for m in messages]
        sentences = [_sentences(m) for m in messages]
        flat = [s for group in sentences for s in group]
        probabilities = self.predict_proba(texts + flat)
        per_sentence = iter(probabilities[len(texts):])
        for message, probs, group in zip(messages, probabilities, sentences, strict=False):
            ranking = self._ranking(probs)
            message.set(INTENT, ranking[0], add_to_output=True)
            message.set(INTENT_RANKING_KEY, ranking, add_to_output=True)
            if group:
                message.set(SENTENCE_RANKINGS, [
                    {TEXT: sentence, "ranking": self._ranking(next(per_sentence),
                                                              SENTENCE_TOP_K)}
                    for sentence in group], add_to_output=True)
        return messages


def _sentences(message: Message) -> List[str]:
    """The message's sentences of at least three words, if it has two or more of them."""
    doc = message.get(SPACY_DOC)
    if doc is None or not doc.has_annotation("SENT_START"):
        return []
    sentences = [s.text.strip() for s in doc.sents
                 if sum(1 for t in s if t.is_alpha) >= MIN_SENTENCE_WORDS]
    return sentences if len(sentences) >= 2 else []
