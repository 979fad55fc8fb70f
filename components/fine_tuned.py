"""all-MiniLM-L6-v2 fine-tuned end to end on Tandem's intents, in TensorFlow.

A frozen encoder places "I take on his moods" and "I don't take on his moods" close
together, so a model on its embeddings cannot tell them apart; fine-tuning every layer on
the hand-written contrast and negation examples lets the encoder learn that the negation
decides. The trained weights are cached in build/fine_tuned/<key>, keyed by the training
texts, labels and settings, so `make train` fine-tunes again only when they change.
"""

import hashlib
import json
import logging
import random
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any, Dict, List, Optional, Sequence

import numpy as np
import tensorflow as tf

from components.sentence_encoder import ENCODERS, ROOT, _load_model, model_dir, padded_ids

logger = logging.getLogger(__name__)
CACHE = ROOT / "build" / "fine_tuned"


@dataclass(frozen=True)
class FineTuning:
    """Settings of one fine-tuning run (all part of the cache key)."""

    encoder: str = "minilm"
    epochs: int = 6
    learning_rate: float = 1e-4
    batch_size: int = 32
    max_length: int = 64
    seed: int = 42


class FineTunedClassifier:
    """Mean-pooled encoder with a softmax layer over the intents, all layers trained."""

    def __init__(self, settings: FineTuning, classes: Sequence[str]) -> None:
        from transformers import PreTrainedTokenizerFast
        from transformers.utils import logging as transformers_logging

        transformers_logging.set_verbosity_error()
        self.settings = settings
        self.classes = list(classes)
        path = model_dir(settings.encoder)
        self._tokenizer = PreTrainedTokenizerFast(tokenizer_file=str(path / "tokenizer.json"))
        tf.random.set_seed(settings.seed)
        self._encoder = _load_model(ENCODERS[settings.encoder], path)
        self._head = tf.keras.layers.Dense(len(self.classes))
        self._head.build((None, int(self._encoder.config.hidden_size)))
        spec = tf.TensorSpec([None, None], tf.int32)
        self._predict = tf.function(self._probabilities, input_signature=[spec, spec])

    def _logits(self, ids: Any, mask: Any, training: bool) -> Any:
        hidden = self._encoder(input_ids=ids, attention_mask=mask,
                               training=training).last_hidden_state
        weights = tf.cast(mask, hidden.dtype)[..., None]
        pooled = tf.reduce_sum(hidden * weights, 1) / tf.maximum(
            tf.reduce_sum(weights, 1), 1e-9)
        return self._head(pooled)

    def _probabilities(self, ids: Any, mask: Any) -> Any:
        return tf.nn.softmax(self._logits(ids, mask, False))

    def _batch(self, texts: Sequence[str]) -> List[np.ndarray]:
        return list(padded_ids(self._tokenizer, texts, self.settings.max_length))

    def fit(self, texts: Sequence[str], labels: Sequence[str]) -> None:
        """Fine-tunes encoder and head with Adam and linear decay."""
        settings = self.settings
        index = {c: i for i, c in enumerate(self.classes)}
        targets = np.array([index[label] for label in labels], dtype=np.int32)
        # Batches of similar lengths pad less; their order is shuffled every epoch.
        order = sorted(range(len(texts)), key=lambda i: len(texts[i]))
        batches = [order[s:s + settings.batch_size]
                   for s in range(0, len(order), settings.batch_size)]
        steps = settings.epochs * len(batches)
        schedule = tf.keras.optimizers.schedules.PolynomialDecay(
            settings.learning_rate, steps, settings.learning_rate * 0.01)
        optimizer = tf.keras.optimizers.Adam(schedule)
        # The pooler is not used (mean pooling), so it gets no gradients.
        variables = [v for v in self._encoder.trainable_variables if "pooler" not in v.name
                     ] + self._head.trainable_variables
        spec = tf.TensorSpec([None, None], tf.int32)

        @tf.function(input_signature=[spec, spec, tf.TensorSpec([None], tf.int32)])
        def step(ids: Any, mask: Any, y: Any) -> Any:
            with tf.GradientTape() as tape:
                loss = tf.reduce_mean(tf.nn.sparse_softmax_cross_entropy_with_logits(
                    y, self._logits(ids, mask, True)))
            # AutoGraph's zip takes no `strict`; both lists come from `variables`.
            optimizer.apply_gradients(zip(tape.gradient(loss, variables), variables))  # noqa: B905
            return loss

        shuffle = random.Random(settings.seed)
        for epoch in range(settings.epochs):
            shuffle.shuffle(batches)
            losses = [float(step(*self._batch([texts[i] for i in rows]), targets[rows]))
                      for rows in batches]
            logger.info("fine-tuning epoch %d/%d: loss %.4f", epoch + 1, settings.epochs,
                        float(np.mean(losses)))

    def predict_proba(self, texts: Sequence[str]) -> np.ndarray:
        """Class probabilities, columns in `classes` order."""
        out = np.zeros((len(texts), len(self.classes)), dtype=np.float32)
        order = sorted(range(len(texts)), key=lambda i: len(texts[i] or ""))
        for start in range(0, len(order), 64):
            rows = order[start:start + 64]
            ids, mask = self._batch([texts[i] or "" for i in rows])
            out[rows] = self._predict(tf.constant(ids), tf.constant(mask)).numpy()
        return out

    def save(self, folder: Path) -> None:
        """Writes the weights and the class order."""
        folder.mkdir(parents=True, exist_ok=True)
        np.savez(folder / "weights.npz", *[v.numpy() for v in self._variables()])
        (folder / "classes.json").write_text(json.dumps(
            {"classes": self.classes, "settings": asdict(self.settings)}), encoding="utf-8")

    def _variables(self) -> List[Any]:
        return list(self._encoder.weights) + list(self._head.weights)

    @classmethod
    def load(cls, folder: Path) -> "FineTunedClassifier":
        """A classifier saved by `save`."""
        saved = json.loads((folder / "classes.json").read_text(encoding="utf-8"))
        model = cls(FineTuning(**saved["settings"]), saved["classes"])
        with np.load(folder / "weights.npz") as weights:
            for variable, i in zip(model._variables(), range(len(weights.files)), strict=True):
                variable.assign(weights[f"arr_{i}"])
        return model


def cache_key(texts: Sequence[str], labels: Sequence[str], settings: FineTuning) -> str:
    """A digest of everything the fine-tuned weights depend on."""
    digest = hashlib.sha256(json.dumps(asdict(settings), sort_keys=True).encode())
    for t, label in sorted(zip(texts, labels, strict=True)):
        digest.update(f"{t}\t{label}\n".encode())
    return digest.hexdigest()[:16]


def fine_tuned(texts: Sequence[str], labels: Sequence[str],
               settings: Optional[FineTuning] = None,
               cache: Optional[Path] = None) -> FineTunedClassifier:
    """The classifier fine-tuned on `texts`, from the cache when nothing changed."""
    settings = settings or FineTuning()
    folder = (cache or CACHE) / cache_key(texts, labels, settings)
    if (folder / "weights.npz").exists():
        return FineTunedClassifier.load(folder)
    model = FineTunedClassifier(settings, sorted(set(labels)))
    model.fit(texts, labels)
    model.save(folder)
    return model


def settings_from(config: Dict[str, Any]) -> FineTuning:
    """FineTuning from a component config's `fine_tune_*` keys."""
    return FineTuning(**{k[len("fine_tune_"):]: v for k, v in config.items()
                         if k.startswith("fine_tune_")})
