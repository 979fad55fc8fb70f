"""Tandem's intent classifier: TF-IDF logistic regression averaged with a sentence encoder's.

The TF-IDF model reads words (with negation-scope features); a logistic regression on
frozen sentence embeddings (all-mpnet-base-v2) reads what a sentence means. Chosen on the
development set (bench/results/quality.md); see the README for the numbers.
"""

import logging
from pathlib import Path
from typing import Any, Callable, Dict, List, Optional, Sequence, Tuple

import joblib
import numpy as np
import scipy.sparse
from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.classifiers.classifier import IntentClassifier
from rasa.shared.nlu.constants import (
    INTENT,
    INTENT_NAME_KEY,
    INTENT_RANKING_KEY,
    METADATA,
    METADATA_INTENT,
    TEXT,
)
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData
from sklearn.linear_model import LogisticRegression

from components.text_features import TextFeatures
from tandem import text
from tandem.safety import IMMINENT
from tandem.vocabulary import (
    POLES,
    RISK_IMMINENCE,
    SENTENCE_RANKINGS,
    parse_situation_intent,
    situation_intent,
)

logger = logging.getLogger(__name__)
_FILE = "classifier.joblib"
_TUNED = "fine_tuned"
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
    """Predicts the intent and a full ranking from TF-IDF and sentence-embedding models.

    Crisis examples whose intent block has `metadata: {level: imminent|concern}` also
    train a second pair of models, for how imminent danger in a message is
    (RISK_IMMINENCE); the message screen uses it for the level.
    """

    @staticmethod
    def get_default_config() -> Dict[str, Any]:
        """The TF-IDF model's C; the encoder, its share and its model's C; present_weight.

        encoder: minilm or mpnet; encoder_weight: its share of the averaged probabilities
        (0 = TF-IDF alone); tuned_weight: the share of a fine-tuned MiniLM classifier
        (components/fine_tuned.py, settings in `fine_tune_*` keys) in the final mix;
        present_weight: the share of the clauses about now in a "used to ..., now ..."
        message; pole_weight: the share of the pole model (one model for all nine
        dimensions) in how each dimension's probability is split between its poles.
        """
        return {"C": 30.0, "max_iter": 3000, "encoder": "mpnet", "encoder_weight": 0.0,
                "encoder_C": 10.0, "present_weight": 0.0, "tuned_weight": 0.0,
                "pole_weight": 0.0}

    def __init__(self, config: Dict[str, Any], model_storage: ModelStorage,
                 resource: Resource, features: Optional[TextFeatures] = None,
                 tfidf_model: Optional[LogisticRegression] = None,
                 encoder_model: Optional[LogisticRegression] = None,
                 level_models: Optional[Dict[str, LogisticRegression]] = None,
                 tuned: Any = None,
                 pole_models: Optional[Dict[str, LogisticRegression]] = None) -> None:
        self._config = config
        self._storage = model_storage
        self._resource = resource
        self._features = features
        self._tfidf_model = _column_major(tfidf_model)
        self._encoder_model = encoder_model
        # "tfidf" and "encoder": imminent (True) against concern, on crisis examples.
        self._level_models = level_models or {}
        # "tfidf" and "encoder": codependent (True) against interdependent, on every
        # situation example. Negation and change flip the pole the same way in every
        # dimension, so one model sees nine times the contrast pairs a class pair does.
        self._pole_models = pole_models or {}
        self._tuned = tuned  # components.fine_tuned.FineTunedClassifier
        self._encoder: Any = None
        # Embeddings and TF-IDF rows of the messages being processed, so no text is
        # encoded or featurised twice (the intents and the imminence read the same texts).
        self._embedded: Dict[str, np.ndarray] = {}
        self._featurized: Dict[str, Any] = {}

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
        return np.stack(_per_text(self._embedded, texts, self._encoder.encode))

    def _featurize(self, texts: List[str]) -> Any:
        assert self._features is not None
        features = self._features
        return scipy.sparse.vstack(
            _per_text(self._featurized, texts, lambda new: list(features.transform(new))),
            format="csr")

    def _forget_texts(self) -> None:
        """Drops the per-text caches once a batch of messages is done."""
        self._embedded.clear()
        self._featurized.clear()

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
        embeddings = None
        if self._encoder_weight() > 0:
            from components.sentence_encoder import EmbeddingCache

            embeddings = EmbeddingCache(self._config["encoder"]).encode(texts)
            self._encoder_model = LogisticRegression(C=self._config["encoder_C"],
                                                     max_iter=self._config["max_iter"])
            self._encoder_model.fit(embeddings, labels)
        self._level_models = self._train_level_models(examples, matrix, embeddings)
        self._pole_models = self._train_pole_models(labels, matrix, embeddings)
        if self._tuned_weight() > 0:
            from components.fine_tuned import fine_tuned, settings_from

            self._tuned = fine_tuned(texts, labels, settings_from(self._config))
        with self._storage.write_to(self._resource) as directory:
            joblib.dump({"features": self._features, "tfidf": self._tfidf_model,
                         "encoder": self._encoder_model, "level": self._level_models,
                         "pole": self._pole_models},
                        Path(directory) / _FILE)
            if self._tuned is not None:
                self._tuned.save(Path(directory) / _TUNED)
        return self._resource

    def _tuned_weight(self) -> float:
        return float(self._config.get("tuned_weight") or 0.0)

    def _train_level_models(self, examples: List[Message], matrix: Any,
                            embeddings: Optional[np.ndarray]
                            ) -> Dict[str, LogisticRegression]:
        """Imminent-or-concern models on the crisis examples that carry a level."""
        levels = [((m.get(METADATA) or {}).get(METADATA_INTENT) or {}).get("level")
                  for m in examples]
        rows = [i for i, level in enumerate(levels) if level]
        return self._train_binary(rows, [levels[i] == IMMINENT for i in rows], matrix,
                                  embeddings)

    def _train_pole_models(self, labels: List[str], matrix: Any,
                           embeddings: Optional[np.ndarray]) -> Dict[str, LogisticRegression]:
        """Codependent-or-interdependent models on the situation examples, if pole_weight."""
        if not self._pole_weight():
            return {}
        codependent = codependent_by_row(labels)
        return self._train_binary(list(codependent), list(codependent.values()), matrix,
                                  embeddings)

    def _train_binary(self, rows: List[int], target: List[bool], matrix: Any,
                      embeddings: Optional[np.ndarray]) -> Dict[str, LogisticRegression]:
        """A TF-IDF model and its embedding twin for a yes-or-no question about `rows`."""
        if len(set(target)) < 2:
            return {}
        models = {"tfidf": LogisticRegression(C=self._config["C"],
                                              max_iter=self._config["max_iter"]
                                              ).fit(matrix[rows], target)}
        if embeddings is not None:
            models["encoder"] = LogisticRegression(
                C=self._config["encoder_C"], max_iter=self._config["max_iter"]
            ).fit(embeddings[rows], target)
        return models

    def _pole_weight(self) -> float:
        return float(self._config.get("pole_weight") or 0.0)

    @classmethod
    def load(cls, config: Dict[str, Any], model_storage: ModelStorage,
             resource: Resource, execution_context: ExecutionContext, **kwargs: Any
             ) -> "TandemIntentClassifier":
        """Loads a trained classifier (an untrained one if nothing was persisted)."""
        tuned = None
        try:
            with model_storage.read_from(resource) as directory:
                saved = joblib.load(Path(directory) / _FILE)
                if float(config.get("tuned_weight") or 0.0) > 0 and \
                        (Path(directory) / _TUNED).exists():
                    from components.fine_tuned import FineTunedClassifier

                    tuned = FineTunedClassifier.load(Path(directory) / _TUNED)
        except (ValueError, FileNotFoundError):
            logger.warning("No trained TandemIntentClassifier found; predicting nothing.")
            return cls(config, model_storage, resource)
        classifier = cls(config, model_storage, resource, saved["features"], saved["tfidf"],
                         saved["encoder"], saved.get("level"), tuned, saved.get("pole"))
        if classifier._encoder_model is not None:
            classifier._encode([""])  # load the encoder now, not on the first message
        if tuned is not None:
            # Tracing the fine-tuned model's graph takes seconds: do it at start-up, not
            # while the first person after a restart waits.
            tuned.predict_proba([""])
        return classifier

    def predict_proba(self, texts: List[str],
                      present_parts: Optional[List[Optional[str]]] = None) -> np.ndarray:
        """Class probabilities (columns in `classes` order) for each text.

        A message contrasting then and now ("I used to ..., now I ...") is also read by
        its clauses about now alone: what is true now decides the pole. `present_parts`
        are those clauses if the caller has them already.
        """
        self._forget_texts()
        return with_present_part(self._models_proba, texts,
                                 float(self._config.get("present_weight") or 0.0),
                                 present_parts)

    def _averaged(self, tfidf_model: LogisticRegression,
                  encoder_model: Optional[LogisticRegression], texts: List[str]
                  ) -> np.ndarray:
        """A TF-IDF model's probabilities averaged with its embedding twin's, by encoder_weight."""
        probs = tfidf_model.predict_proba(self._featurize(texts))
        weight = self._encoder_weight()
        if weight > 0 and encoder_model is not None:
            probs = (1 - weight) * probs + weight * encoder_model.predict_proba(
                self._encode(texts))
        return probs

    def _models_proba(self, texts: List[str]) -> np.ndarray:
        assert self._tfidf_model is not None
        probs = self._averaged(self._tfidf_model, self._encoder_model, texts)
        tuned_weight = self._tuned_weight()
        if tuned_weight > 0 and self._tuned is not None:
            probs = (1 - tuned_weight) * probs + tuned_weight * self._tuned.predict_proba(texts)
        if self._pole_models:
            codependent = self._averaged(self._pole_models["tfidf"],
                                         self._pole_models.get("encoder"), texts)[:, 1]
            probs = with_pole(probs, pole_columns(self.classes), codependent,
                              self._pole_weight())
        return probs

    def imminence(self, texts: List[str]) -> Optional[np.ndarray]:
        """For each text, how likely danger in it is imminent (None if not trained)."""
        if not self._level_models:
            return None
        return self._averaged(self._level_models["tfidf"], self._level_models.get("encoder"),
                              texts)[:, 1]

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
        reads_now = float(self._config.get("present_weight") or 0.0) > 0
        present = [text.present_part(t) if reads_now else None for t in texts]
        sentences = [sentences_to_rank(_spacy_sentences(m), part)
                     for m, part in zip(messages, present, strict=True)]
        flat = [s for group in sentences for s in group]
        probabilities = self.predict_proba(texts + flat,
                                           present + [text.present_part(s) if reads_now
                                                      else None for s in flat])
        imminence = self.imminence(texts)
        self._forget_texts()
        per_sentence = iter(probabilities[len(texts):])
        for i, (message, probs, group) in enumerate(zip(messages, probabilities, sentences,
                                                        strict=False)):
            if imminence is not None:
                message.set(RISK_IMMINENCE, float(imminence[i]), add_to_output=True)
            ranking = self._ranking(probs)
            message.set(INTENT, ranking[0], add_to_output=True)
            message.set(INTENT_RANKING_KEY, ranking, add_to_output=True)
            if group:
                message.set(SENTENCE_RANKINGS, [
                    {TEXT: sentence, "ranking": self._ranking(next(per_sentence),
                                                              SENTENCE_TOP_K)}
                    for sentence in group], add_to_output=True)
        return messages


def _per_text(cache: Dict[str, Any], texts: List[str],
              compute: Callable[[List[str]], Any]) -> List[Any]:
    """`compute`'s value for each text, computing only the texts not in `cache` (once each)."""
    missing = list(dict.fromkeys(t for t in texts if t not in cache))
    if missing:
        cache.update(zip(missing, compute(missing), strict=True))
    return [cache[t] for t in texts]


def with_present_part(proba: Callable[[List[str]], np.ndarray], texts: List[str],
                      weight: float,
                      present_parts: Optional[List[Optional[str]]] = None) -> np.ndarray:
    """`proba(texts)`, mixed with `proba` of the clauses about now where a text has them."""
    if present_parts is None:
        present_parts = [text.present_part(t) if weight else None for t in texts]
    present = {i: part for i, part in enumerate(present_parts) if weight and part}
    probs = proba(texts + list(present.values()))
    for row, i in enumerate(present, start=len(texts)):
        probs[i] = (1 - weight) * probs[i] + weight * probs[row]
    return probs[:len(texts)]


def codependent_by_row(labels: Sequence[str]) -> Dict[int, bool]:
    """For each situation label's row, whether it is codependent (the pole models' target)."""
    parsed = [parse_situation_intent(label) for label in labels]
    return {i: p[0] == POLES[1] for i, p in enumerate(parsed) if p}


def pole_columns(classes: Sequence[str]) -> List[Tuple[int, int]]:
    """(interdependent column, codependent column) of each dimension found in `classes`."""
    column = {name: i for i, name in enumerate(classes)}
    pairs = []
    for name in classes:
        parsed = parse_situation_intent(name)
        if parsed and parsed[0] == POLES[0]:
            twin = situation_intent(POLES[1], parsed[1])
            if twin in column:
                pairs.append((column[name], column[twin]))
    return pairs


def with_pole(probs: np.ndarray, pairs: Sequence[Tuple[int, int]], codependent: np.ndarray,
              weight: float) -> np.ndarray:
    """Re-splits each dimension's probability between its poles, mixing in a pole model.

    A dimension keeps its total: only the share of its codependent intent moves, to
    `(1 - weight) * share + weight * codependent` (the pole model's probability for the
    text). Other intents are untouched, so the ranking still sums to one.
    """
    mixed = probs.copy()
    for interdependent, codependent_column in pairs:
        total = probs[:, interdependent] + probs[:, codependent_column]
        share = np.divide(probs[:, codependent_column], total,
                          out=np.full_like(total, 0.5), where=total > 0)
        share = (1 - weight) * share + weight * codependent
        mixed[:, codependent_column] = total * share
        mixed[:, interdependent] = total * (1 - share)
    return mixed


def sentences_to_rank(sentences: List[str], present_part: Optional[str]) -> List[str]:
    """The sentences ranked one by one: those of three words or more, if two or more.

    A then-and-now message (one with a `present_part`) is one pattern, the one of now:
    its sentence about the past is not a second finding.
    """
    if present_part:
        return []
    kept = [s for s in sentences if text.word_count(s) >= MIN_SENTENCE_WORDS]
    return kept if len(kept) >= 2 else []


def _spacy_sentences(message: Message) -> List[str]:
    """The message's sentences as SpacyNLP split them (none if it did not run)."""
    doc = message.get(SPACY_DOC)
    if doc is None or not doc.has_annotation("SENT_START"):
        return []
    return [s.text.strip() for s in doc.sents]
