"""Fixtures of the tt-training tests: tiny learnable problems, a loss from tensor ops.

tt-training takes the loss as an argument and does not depend on tt-losses,
so the tests write their losses from tt-tensor primitives.
"""

from __future__ import annotations

import numpy as np
import pytest
from tinytorch.layers import Linear, Module
from tinytorch.tensor import Tensor, default_generator, manual_seed


def _mse(outputs: Tensor, targets: Tensor) -> Tensor:
    """Mean squared error, mean-reduced."""
    return ((outputs - targets) ** 2).mean()


def _cross_entropy(logits: Tensor, targets: Tensor) -> Tensor:
    """Mean cross-entropy of logits (N, C) and class indices (N,), stable."""
    z = logits - Tensor(logits.data.max(axis=-1, keepdims=True))
    log_probs = z - z.exp().sum(dim=-1, keepdim=True).log()
    return -log_probs[np.arange(len(targets.data)), targets.data].mean()


@pytest.fixture
def mse():
    return _mse


@pytest.fixture
def cross_entropy():
    return _cross_entropy


class _NoisyLinear(Module):
    """Linear plus training-time noise from tinytorch's global generator.

    Its output depends on the generator's state, so an exact resume needs the
    generator restored (as dropout would)."""

    def __init__(self, n_in: int, n_out: int) -> None:
        super().__init__()
        self.linear = Linear(n_in, n_out)

    def forward(self, x: Tensor) -> Tensor:
        y = self.linear(x)
        if self.training:
            noise = default_generator().standard_normal(y.shape).astype(y.dtype)
            y = y + Tensor(0.01 * noise)
        return y


@pytest.fixture
def noisy_linear():
    """The class of a Linear layer with training-time noise from the global generator."""
    return _NoisyLinear


@pytest.fixture
def regression():
    """y = x @ w + 0.3 with a little noise: 96 samples, 3 features, float32."""
    rng = np.random.default_rng(0)
    x = rng.standard_normal((96, 3)).astype(np.float32)
    y = (x @ np.array([[1.5], [-2.0], [0.5]]) + 0.3 + 0.01 * rng.standard_normal((96, 1)))
    return x, y.astype(np.float32)


@pytest.fixture
def classification():
    """Three linearly separable blobs: 90 samples, 2 features, labels 0..2."""
    rng = np.random.default_rng(1)
    centers = np.array([[3.0, 0.0], [-3.0, 0.0], [0.0, 3.0]])
    labels = np.repeat(np.arange(3), 30)
    x = centers[labels] + 0.5 * rng.standard_normal((90, 2))
    order = rng.permutation(90)
    return x[order].astype(np.float32), labels[order].astype(np.int64)


@pytest.fixture
def seeded():
    """Build models reproducibly: `seeded(Linear, 3, 1)` after manual_seed(0)."""

    def build(cls, *args):
        manual_seed(0)
        return cls(*args)

    return build
