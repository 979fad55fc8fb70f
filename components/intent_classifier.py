"""Tandem's intent classifier: TF-IDF logistic regression averaged with a sentence encoder's.

The TF-IDF model reads words (with negation-scope features); a logistic regression on
frozen sentence embeddings (all-mpnet-base-v2) reads what a sentence means. Chosen on the
development set (bench/results/quality.md); see the README for the numbers.
"""

import logging
from pathlib import Path
from typing import Any, Callable, Dict, List, Optional

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
from tandem import text
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
    """Predicts the intent and a full ranking from TF-IDF and sentence-embedding models."""

    @staticmethod
    def get_default_config() -> Dict[str, Any]:
        """The TF-IDF model's C; the encoder, its share and its model's C; present_weight.

        encoder: minilm or mpnet; encoder_weight: its share of the averaged probabilities
        (0 = TF-IDF alone); present_weight: the share of the clauses about now in a
        "used to ..., now ..." message.
        """
        return {"C": 30.0, "max_iter": 3000, "encoder": "mpnet", "encoder_weight": 0.0,
                "encoder_C": 10.0, "present_weight": 0.0}

    def __init__(self, config: Dict[str, Any], model_storage: ModelStorage,
                 resource: Resource, features: Optional[TextFeatures] = None,
                 tfidf_model: Optional[LogisticRegression] = None,
                 encoder_model: Optional[LogisticRegression] = None) -> None:
        self._config = config
        self._storage = model_storage
        self._resource = resource
        self._features = features
        self._tfidf_model = _column_major(tfidf_model)
        self._encoder_model = encoder_model
        self._encoder: Any = None

    @classmethod
    def create(cls, config: Dict[str, Any], model_storage: ModelStorage,
               resource: Resource, execution_context: ExecutionContext
               ) -> "TandemIntentClassifier":
        """Creates an untrained classifier."""
        return cls(config, model_storage, resource)

    def _encoder_weight(self) -> float:
        return float(self._config.get("encoder_weight") or 0.0)

    def _encode(self, texts: List[str]) -> np.ndarray:
        if self._encoder is None:
            from components.sentence_encoder import SentenceEncoder

            self._encoder = SentenceEncoder(self._config["encoder"])
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
        if self._encoder_weight() > 0:
            from components.sentence_encoder import EmbeddingCache

            self._encoder_model = LogisticRegression(C=self._config["encoder_C"],
                                                     max_iter=self._config["max_iter"])
            self._encoder_model.fit(EmbeddingCache(self._config["encoder"]).encode(texts),
                                    labels)
        with self._storage.write_to(self._resource) as directory:
            joblib.dump({"features": self._features, "tfidf": self._tfidf_model,
                         "encoder": self._encoder_model}, Path(directory) / _FILE)
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
                         saved["encoder"])
        if classifier._encoder_model is not None:
            classifier._encode([""])  # load the encoder now, not on the first message
        return classifier

    def predict_proba(self, texts: List[str]) -> np.ndarray:
        """Class probabilities (columns in `classes` order) for each text.

        A message contrasting then and now ("I used to ..., now I ...") is also read by
        its clauses about now alone: what is true now decides the pole.
        """
        return with_present_part(self._models_proba, texts,
                                 float(self._config.get("present_weight") or 0.0))

    def _models_proba(self, texts: List[str]) -> np.ndarray:
        assert self._tfidf_model is not None and self._features is not None
        probs = self._tfidf_model.predict_proba(self._features.transform(texts))
        weight = self._encoder_weight()
        if weight > 0 and self._encoder_model is not None:
            probs = (1 - weight) * probs + weight * self._encoder_model.predict_proba(
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
        # A then-and-now message is one pattern, the one of now: its sentence about the
        # past is not a second finding.
        reads_now = float(self._config.get("present_weight") or 0.0) > 0
        sentences = [[] if reads_now and text.present_part(t) else _sentences(m)
                     for m, t in zip(messages, texts, strict=True)]
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


def with_present_part(proba: Callable[[List[str]], np.ndarray], texts: List[str],
                      weight: float) -> np.ndarray:
    """`proba(texts)`, mixed with `proba` of the clauses about now where a text has them."""
    present = {i: part for i, t in enumerate(texts) if weight and (part := text.present_part(t))}
    probs = proba(texts + list(present.values()))
    for row, i in enumerate(present, start=len(texts)):
        probs[i] = (1 - weight) * probs[i] + weight * probs[row]
    return probs[:len(texts)]


def _sentences(message: Message) -> List[str]:
    """The message's sentences of at least three words, if it has two or more of them."""
    doc = message.get(SPACY_DOC)
    if doc is None or not doc.has_annotation("SENT_START"):
        return []
    sentences = [s.text.strip() for s in doc.sents
                 if sum(1 for t in s if t.is_alpha) >= MIN_SENTENCE_WORDS]
    return sentences if len(sentences) >= 2 else []
