"""Reductions, loss objects and their reprs, shared by all the losses."""

from __future__ import annotations

import numpy as np
import pytest
from tinytorch.losses import (
    BCELoss,
    BCEWithLogitsLoss,
    CrossEntropyLoss,
    MSELoss,
    NLLLoss,
    binary_cross_entropy,
    binary_cross_entropy_with_logits,
    cross_entropy,
    mse_loss,
    nll_loss,
)
from tinytorch.tensor import Tensor

RNG = np.random.default_rng(0)
LOGITS = RNG.normal(size=(5, 3)).astype(np.float32)
LABELS = np.array([0, 2, 1, 2, 0])
PROBS = RNG.uniform(0.05, 0.95, size=(5, 3)).astype(np.float32)
TARGETS = RNG.integers(0, 2, size=(5, 3)).astype(np.float32)
LOG_PROBS = (LOGITS - np.log(np.exp(LOGITS).sum(axis=1, keepdims=True))).astype(np.float32)

# (class, function, input, target, shape of the 'none' result)
LOSSES = [
    (MSELoss, mse_loss, LOGITS, PROBS, (5, 3)),
    (CrossEntropyLoss, cross_entropy, LOGITS, LABELS, (5,)),
    (NLLLoss, nll_loss, LOG_PROBS, LABELS, (5,)),
    (BCELoss, binary_cross_entropy, PROBS, TARGETS, (5, 3)),
    (BCEWithLogitsLoss, binary_cross_entropy_with_logits, LOGITS, TARGETS, (5, 3)),
]
IDS = ["mse", "cross_entropy", "nll", "bce", "bce_with_logits"]


@pytest.mark.parametrize(("cls", "fn", "x", "y", "shape"), LOSSES, ids=IDS)
def test_reductions_agree(cls, fn, x, y, shape) -> None:
    none = fn(Tensor(x), y, reduction="none")
    assert none.shape == shape
    assert np.all(none.data >= 0)
    total = fn(Tensor(x), y, reduction="sum")
    mean = fn(Tensor(x), y)
    assert total.shape == () and mean.shape == ()
    np.testing.assert_allclose(total.item(), none.data.astype(np.float64).sum(), rtol=1e-5)
    np.testing.assert_allclose(mean.item(), none.data.astype(np.float64).mean(), rtol=1e-5)
    assert mean.dtype == np.float32


@pytest.mark.parametrize(("cls", "fn", "x", "y", "shape"), LOSSES, ids=IDS)
def test_objects_match_functions(cls, fn, x, y, shape) -> None:
    for reduction in ("mean", "sum", "none"):
        loss = cls(reduction=reduction)
        assert loss.reduction == reduction
        np.testing.assert_array_equal(
            loss(Tensor(x), y).data, fn(Tensor(x), y, reduction=reduction).data
        )
        np.testing.assert_array_equal(
            loss.forward(Tensor(x), y).data, fn(Tensor(x), y, reduction=reduction).data
        )
    assert repr(cls()) == f"{cls.__name__}(reduction='mean')"
    assert repr(cls(reduction="sum")) == f"{cls.__name__}(reduction='sum')"


@pytest.mark.parametrize(("cls", "fn", "x", "y", "shape"), LOSSES, ids=IDS)
def test_bad_reduction(cls, fn, x, y, shape) -> None:
    with pytest.raises(ValueError, match=rf"{cls.__name__}: reduction must be 'mean', 'sum' or "
                                         r"'none', got 'avg'"):
        cls(reduction="avg")
    with pytest.raises(ValueError, match=r"reduction must be .* got 'total'"):
        fn(Tensor(x), y, reduction="total")


@pytest.mark.parametrize(("cls", "fn", "x", "y", "shape"), LOSSES, ids=IDS)
def test_input_must_be_a_float_tensor(cls, fn, x, y, shape) -> None:
    with pytest.raises(TypeError, match="input must be a Tensor, got ndarray"):
        fn(x, y)
    with pytest.raises(TypeError, match="floating-point"):
        fn(Tensor(x.astype(np.int64)), y)


@pytest.mark.parametrize(("cls", "fn", "x", "y", "shape"), LOSSES, ids=IDS)
def test_float64_inputs_stay_float64(cls, fn, x, y, shape) -> None:
    out = fn(Tensor(x.astype(np.float64)), y)
    assert out.dtype == np.float64
    np.testing.assert_allclose(out.item(), fn(Tensor(x), y).item(), rtol=1e-5)


@pytest.mark.parametrize(("cls", "fn", "x", "y", "shape"), LOSSES, ids=IDS)
def test_inputs_not_modified(cls, fn, x, y, shape) -> None:
    xs, ys = x.copy(), y.copy()
    fn(Tensor(xs), ys)
    np.testing.assert_array_equal(xs, x)
    np.testing.assert_array_equal(ys, y)
