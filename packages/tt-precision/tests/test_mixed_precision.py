"""MixedPrecision: conversion, dtypes, master weights, loss scaling, memory; graph_memory."""

from __future__ import annotations

import numpy as np
import pytest
from tinytorch.layers import Linear, Sequential
from tinytorch.optimizers import SGD
from tinytorch.precision import (
    GradScaler,
    MixedLinear,
    MixedPrecision,
    UnsupportedDTypeError,
    cast,
    graph_memory,
)
from tinytorch.spatial import Conv2d, Flatten, MaxPool2d
from tinytorch.tensor import Tensor, logsumexp, manual_seed, maximum


def relu(x: Tensor) -> Tensor:
    """ReLU from tt-tensor's primitives (tt-activations is not a dependency)."""
    return maximum(x, 0.0)


def cross_entropy(logits: Tensor, labels: np.ndarray) -> Tensor:
    """Mean cross-entropy from tt-tensor's primitives (tt-losses is not a dependency)."""
    one_hot = np.eye(logits.shape[1], dtype=logits.dtype)[np.asarray(labels)]
    return (logsumexp(logits, dim=1) - (logits * Tensor(one_hot)).sum(dim=1)).mean()


def _mlp(seed: int = 0) -> Sequential:
    manual_seed(seed)
    return Sequential(Linear(16, 32), relu, Linear(32, 4))


def _cnn(seed: int = 0) -> Sequential:
    manual_seed(seed)
    return Sequential(Conv2d(1, 4, 3, padding=1), relu, MaxPool2d(2), Flatten(),
                      Linear(4 * 4 * 4, 3))


def test_conversion_shares_master_weights() -> None:
    plain = _mlp()
    before = list(plain.parameters())
    names = [n for n, _ in plain.named_parameters()]
    mixed = MixedPrecision(plain)
    assert mixed.converted == 2 and isinstance(plain[0], MixedLinear)
    assert all(a is b for a, b in zip(mixed.parameters(), before, strict=True))
    assert all(p.dtype == np.float32 for p in mixed.parameters())
    assert list(mixed.state_dict()) == names
    assert isinstance(MixedPrecision(Linear(3, 2)).model, MixedLinear)


def test_dtypes_inside_and_out() -> None:
    mixed = MixedPrecision(_cnn())
    x = Tensor(np.random.default_rng(0).standard_normal((2, 1, 8, 8)).astype(np.float32))
    hidden = mixed.model[1](mixed.model[0](cast(x, "float16")))
    assert hidden.dtype == np.float16  # activations flow in half
    assert mixed(x).dtype == np.float32  # the loss sees float32
    bf = MixedPrecision(_cnn(), "bfloat16")(x)
    assert bf.dtype == np.float32
    with pytest.raises(UnsupportedDTypeError):
        MixedPrecision(_cnn(), "float8")


def test_eval_mode_reaches_the_model() -> None:
    mixed = MixedPrecision(_mlp())
    mixed.eval()
    assert not mixed.model.training and not mixed.model[0].training


def test_errors() -> None:
    with pytest.raises(ValueError, match="no Linear or Conv2d"):
        MixedPrecision(Sequential(relu))
    with pytest.raises(TypeError, match="MixedPrecision"):
        MixedPrecision(relu)  # a function, not a Module


def test_loss_scaling_rescues_float16_gradients() -> None:
    rng = np.random.default_rng(0)
    x = Tensor(rng.standard_normal((8, 16)).astype(np.float32))
    reference = _mlp()
    (reference(x).sum() * 1e-8).backward()
    w_ref = reference[0].weight.grad.data.copy()
    for scaled in (False, True):
        mixed = MixedPrecision(_mlp())
        opt = SGD(mixed.parameters(), lr=0.0)
        scaler = GradScaler(enabled=scaled)
        scaler.scale(mixed(x).sum() * 1e-8).backward()
        scaler.unscale_(opt)
        g = mixed.model[0].weight.grad.data
        if scaled:  # lifted into float16's range, then divided again in float32
            np.testing.assert_allclose(g, w_ref, rtol=2e-2, atol=1e-9)
        else:  # most of them underflowed to zero on the way back in float16
            assert np.mean(g == 0) > 0.5 and np.mean(w_ref == 0) < 0.1


def test_training_follows_float32() -> None:
    rng = np.random.default_rng(1)
    x = rng.standard_normal((64, 1, 8, 8)).astype(np.float32)
    y = (x[:, 0, :4].mean(axis=(1, 2)) > 0).astype(np.int64) + (x[:, 0, 4:].mean((1, 2)) > 0)
    losses = {}
    for kind in ("float32", "float16", "bfloat16"):
        model = _cnn() if kind == "float32" else MixedPrecision(_cnn(), kind)
        opt, scaler = SGD(model.parameters(), lr=0.1), GradScaler(enabled=kind == "float16")
        for _ in range(30):
            opt.zero_grad()
            loss = cross_entropy(model(Tensor(x)), y)
            scaler.scale(loss).backward()
            scaler.step(opt)
            scaler.update()
        losses[kind] = loss.item()
    assert losses["float32"] < 0.8  # it learned
    assert abs(losses["float16"] - losses["float32"]) < 0.02
    assert abs(losses["bfloat16"] - losses["float32"]) < 0.05


def test_activation_memory_halves() -> None:
    rng = np.random.default_rng(2)
    x, y = Tensor(rng.standard_normal((64, 16)).astype(np.float32)), np.zeros(64, int)
    plain = _mlp()
    params = list(plain.parameters())
    full = graph_memory(cross_entropy(plain(x), y), exclude=params)
    mixed = MixedPrecision(_mlp())
    half = graph_memory(cross_entropy(mixed(x), y), exclude=list(mixed.parameters()))
    assert 0.4 < half.bytes / full.bytes < 0.65, (str(full), str(half))


def test_graph_memory_counts_each_buffer_once() -> None:
    x = Tensor(np.ones((3, 4), np.float32), requires_grad=True)
    y = x.exp()
    assert graph_memory(y).bytes == 2 * 48  # ExpBackward: its input and its output
    assert graph_memory(y, exclude=[x]).bytes == 48
    z = y[:2] * y[1:]  # two views of one buffer
    found = graph_memory(z, exclude=[x])
    assert found.bytes == 48 + 8 * 4  # y's buffer once, and z
    assert found.by_node == {"MulBackward": 80} and found.nodes == 4  # first holder counts
    with pytest.raises(ValueError, match="no graph"):
        graph_memory(Tensor(np.ones(2)))
