"""The packaged all-MiniLM-L6-v2 loads offline into TensorFlow and embeds sensibly."""

import numpy as np
import pytest

from components.minilm import MiniLMEncoder


@pytest.fixture(scope="module")
def encoder() -> MiniLMEncoder:
    return MiniLMEncoder()


def test_embeddings_are_normalised_384_d(encoder: MiniLMEncoder) -> None:
    vectors = encoder.encode(["we split the chores", "", "ok"])
    assert vectors.shape == (3, 384)
    assert np.allclose(np.linalg.norm(vectors[[0, 2]], axis=1), 1.0, atol=1e-4)


def test_similar_situations_are_closer_than_unrelated_ones(encoder: MiniLMEncoder) -> None:
    cover, sick_call, chores = encoder.encode([
        "I cover for him when he's too drunk to work",
        "I phone his boss and say he's ill when he is hungover",
        "we split the chores evenly",
    ])
    assert cover @ sick_call > cover @ chores + 0.1


def test_batches_match_single_calls(encoder: MiniLMEncoder) -> None:
    texts = ["short one", "a much longer message about my sister and her husband and money"]
    batch = encoder.encode(texts)
    singles = np.vstack([encoder.encode([t]) for t in texts])
    assert np.allclose(batch, singles, atol=1e-4)
