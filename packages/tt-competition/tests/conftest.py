"""Shared fixtures: tiny models, hidden test files and submissions, made inside the tests."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pytest


@pytest.fixture
def mlp() -> Any:
    """A factory of small digits MLPs: Flatten, Linear(64, h), ReLU, Linear(h, 10)."""
    from tinytorch.activations import ReLU
    from tinytorch.layers import Linear, Sequential
    from tinytorch.spatial import Flatten
    from tinytorch.tensor import manual_seed

    def make(seed: int = 0, hidden: int = 16) -> Any:
        manual_seed(seed)
        return Sequential(Flatten(), Linear(64, hidden), ReLU(), Linear(hidden, 10))
    return make


def numpy_logits(model: Any, x: np.ndarray) -> np.ndarray:
    """The MLP's logits computed with NumPy from its weights alone (an independent oracle)."""
    w1, b1 = model[1].weight.data, model[1].bias.data
    w2, b2 = model[3].weight.data, model[3].bias.data
    h = np.maximum(x.reshape(len(x), -1) @ w1.T + b1, 0)
    return h @ w2.T + b2


@pytest.fixture
def oracle() -> Any:
    return numpy_logits


@pytest.fixture
def digits_test(tmp_path: Path) -> Any:
    """A factory of hidden digits tests: raw pixels 0..16 and labels from `label_model`.

    Labels are the label model's predictions, with the first `wrong` of them
    changed, so the label model scores exactly 1 - wrong / n.
    """
    def make(label_model: Any, n: int = 120, wrong: int = 0, seed: int = 0,
             name: str = "hidden.npz") -> Path:
        rng = np.random.default_rng(seed)
        images = rng.integers(0, 17, size=(n, 8, 8)).astype(np.uint8)
        labels = numpy_logits(label_model, images[:, None] / np.float32(16)).argmax(axis=1)
        labels[:wrong] = (labels[:wrong] + 1) % 10
        path = tmp_path / name
        np.savez(path, images=images, labels=labels.astype(np.uint8))
        return path
    return make


@pytest.fixture
def tiny_gpt() -> Any:
    """A factory of tiny GPTs (vocab 12) with their vocab string."""
    from tinytorch.tensor import manual_seed
    from tinytorch.transformers import GPT, GPTConfig

    def make(seed: int = 0, block_size: int = 8) -> tuple[Any, str]:
        manual_seed(seed)
        gpt = GPT(GPTConfig(vocab_size=12, block_size=block_size, n_layer=1, n_head=2,
                            n_embd=8))
        return gpt, "abcdefgh .\n!"
    return make
