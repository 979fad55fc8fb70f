"""The packaged sentence encoders load offline into TensorFlow and embed sensibly."""

from pathlib import Path
from typing import Dict

import numpy as np
import pytest

from components.sentence_encoder import EmbeddingCache, SentenceEncoder, model_dir

DIMENSIONS = {"minilm": 384, "mpnet": 768}


@pytest.fixture(scope="module")
def encoders() -> Dict[str, SentenceEncoder]:
    return {name: SentenceEncoder(name) for name in DIMENSIONS}


@pytest.mark.parametrize("name", sorted(DIMENSIONS))
def test_embeddings_are_normalised(encoders: Dict[str, SentenceEncoder], name: str) -> None:
    vectors = encoders[name].encode(["we split the chores", "", "ok"])
    assert vectors.shape == (3, DIMENSIONS[name])
    assert np.allclose(np.linalg.norm(vectors[[0, 2]], axis=1), 1.0, atol=1e-4)


@pytest.mark.parametrize("name", sorted(DIMENSIONS))
def test_similar_situations_are_closer_than_unrelated_ones(
        encoders: Dict[str, SentenceEncoder], name: str) -> None:
    cover, sick_call, chores = encoders[name].encode([
        "I cover for him when he's too drunk to work",
        "I phone his boss and say he's ill when he is hungover",
        "we split the chores evenly",
    ])
    assert cover @ sick_call > cover @ chores + 0.1


@pytest.mark.parametrize("name", sorted(DIMENSIONS))
def test_batches_of_mixed_lengths_match_single_calls(
        encoders: Dict[str, SentenceEncoder], name: str) -> None:
    texts = ["a much longer message about my sister and her husband and money", "short one",
             "middling message here"]
    batch = encoders[name].encode(texts)
    singles = np.vstack([encoders[name].encode([t]) for t in texts])
    assert np.allclose(batch, singles, atol=1e-4)


def test_mpnet_weights_are_upstreams() -> None:
    from scripts.assemble_mpnet import EXPECTED_SHA256, sha256

    for name, expected in EXPECTED_SHA256.items():
        assert sha256(model_dir("mpnet") / name) == expected


def test_the_cache_encodes_each_text_once_and_keeps_it(tmp_path: Path,
                                                       encoders: Dict[str, SentenceEncoder]
                                                       ) -> None:
    cache = EmbeddingCache("minilm", folder=tmp_path)
    cache._encoder = encoders["minilm"]
    first = cache.encode(["my mum vents to me every night", "we take turns cooking"])
    reloaded = EmbeddingCache("minilm", folder=tmp_path)
    reloaded._encoder = None  # would fail if it had to encode again
    again = reloaded.encode(["we take turns cooking", "my mum vents to me every night"])
    assert np.allclose(first[::-1], again)
