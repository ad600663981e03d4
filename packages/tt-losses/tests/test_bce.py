"""binary_cross_entropy and the logits form: values, clamping, stability, errors."""

from __future__ import annotations

import numpy as np
import pytest
from tinytorch.losses import (
    BCELoss,
    BCEWithLogitsLoss,
    binary_cross_entropy,
    binary_cross_entropy_with_logits,
)
from tinytorch.tensor import Tensor
from tt_testing import assert_close, torch_or_skip

RNG = np.random.default_rng(3)
PROBS = RNG.uniform(0.01, 0.99, size=(4, 5)).astype(np.float32)
SOFT = RNG.uniform(0.0, 1.0, size=(4, 5)).astype(np.float32)  # soft targets are allowed
LOGITS = RNG.normal(0, 4, size=(4, 5)).astype(np.float32)
EXTREME_LOGITS = np.array(
    [-1e4, -100.0, -88.0, -20.0, -1.0, 0.0, 1e-30, 1.0, 20.0, 88.0, 100.0, 1e4], dtype=np.float32
)


def ref_bce(p: np.ndarray, y: np.ndarray) -> np.ndarray:
    p = p.astype(np.float64)
    with np.errstate(divide="ignore"):
        return -(y * np.maximum(np.log(p), -100) + (1 - y) * np.maximum(np.log1p(-p), -100))


def ref_bce_logits(x: np.ndarray, y: np.ndarray) -> np.ndarray:
    x = x.astype(np.float64)
    return np.maximum(x, 0) - x * y + np.log1p(np.exp(-np.abs(x)))


def test_bce_values_vs_numpy() -> None:
    expected = ref_bce(PROBS, SOFT)
    assert_close(binary_cross_entropy(Tensor(PROBS), SOFT, "none"), expected, rtol=1e-5)
    assert_close(binary_cross_entropy(Tensor(PROBS), Tensor(SOFT)), expected.mean(), rtol=1e-5)
    assert_close(BCELoss(reduction="sum")(Tensor(PROBS), SOFT), expected.sum(), rtol=1e-5)


def test_bce_clamps_log_at_minus_100() -> None:
    p = np.array([0.0, 1.0, 0.0, 1.0, 1e-45, 0.5], dtype=np.float32)
    y = np.array([1.0, 0.0, 0.0, 1.0, 1.0, 1.0], dtype=np.float32)
    out = binary_cross_entropy(Tensor(p), y, reduction="none")
    assert np.all(np.isfinite(out.data))
    np.testing.assert_allclose(out.data, [100.0, 100.0, 0.0, 0.0, 100.0, np.log(2)], rtol=1e-6)


def test_bce_exact_for_subnormal_probabilities() -> None:
    # below float32's smallest normal number the log is still exact (and > -100)
    p = np.array([1e-40, 3e-39, 1e-30], dtype=np.float32)
    out = binary_cross_entropy(Tensor(p), np.ones(3), reduction="none")
    np.testing.assert_allclose(out.data, -np.log(p.astype(np.float64)), rtol=1e-6)


def test_bce_rejects_values_outside_0_1() -> None:
    with pytest.raises(ValueError, match=r"probabilities in \[0, 1\], got min -0.5 and max 1.5"):
        binary_cross_entropy(Tensor(np.array([-0.5, 0.5, 1.5], dtype=np.float32)), np.zeros(3))


def test_bce_shape_mismatch() -> None:
    with pytest.raises(ValueError, match=r"input shape \(4, 5\) and target shape \(5,\) differ"):
        binary_cross_entropy(Tensor(PROBS), SOFT[0])
    with pytest.raises(ValueError, match=r"input shape \(4, 5\) and target shape \(4, 1\)"):
        binary_cross_entropy_with_logits(Tensor(LOGITS), SOFT[:, :1])


def test_logits_values_vs_numpy() -> None:
    expected = ref_bce_logits(LOGITS, SOFT)
    assert_close(binary_cross_entropy_with_logits(Tensor(LOGITS), SOFT, "none"), expected,
                 rtol=1e-5, atol=1e-6)
    assert_close(BCEWithLogitsLoss()(Tensor(LOGITS), SOFT), expected.mean(), rtol=1e-5)


def test_logits_extremes_finite_and_exact() -> None:
    for y in (0.0, 1.0, 0.3):
        target = np.full(EXTREME_LOGITS.shape, y, dtype=np.float32)
        out = binary_cross_entropy_with_logits(Tensor(EXTREME_LOGITS), target, reduction="none")
        assert np.all(np.isfinite(out.data))
        # float32 rounding of log(1 + tiny) costs at most ~1e-7 absolute
        assert_close(out, ref_bce_logits(EXTREME_LOGITS, target), rtol=1e-6, atol=2e-7)
    # no saturation at 100: a confidently wrong logit of 1e4 costs 1e4
    big = binary_cross_entropy_with_logits(Tensor(np.array([1e4], dtype=np.float32)), [0.0])
    assert big.item() == pytest.approx(1e4)


def test_logits_agree_with_bce_of_sigmoid_in_the_safe_range() -> None:
    x = np.linspace(-8, 8, 17).astype(np.float64)
    y = np.linspace(0, 1, 17)
    p = 1 / (1 + np.exp(-x))
    a = binary_cross_entropy_with_logits(Tensor(x), y, reduction="none").data
    b = binary_cross_entropy(Tensor(p), y, reduction="none").data
    np.testing.assert_allclose(a, b, rtol=1e-10)


@pytest.mark.parametrize("reduction", ["mean", "sum", "none"])
def test_vs_torch(reduction: str) -> None:
    torch = torch_or_skip()
    F = torch.nn.functional
    p = np.concatenate([PROBS.ravel(), [0.0, 1.0, 1e-30]]).astype(np.float32)
    y = np.concatenate([SOFT.ravel(), [1.0, 0.0, 1.0]]).astype(np.float32)
    expected = F.binary_cross_entropy(torch.from_numpy(p), torch.from_numpy(y),
                                      reduction=reduction)
    assert_close(binary_cross_entropy(Tensor(p), y, reduction), expected, rtol=1e-5, atol=1e-6)
    x = np.concatenate([LOGITS.ravel(), EXTREME_LOGITS]).astype(np.float32)
    t = RNG.uniform(0, 1, size=x.shape).astype(np.float32)
    expected = F.binary_cross_entropy_with_logits(torch.from_numpy(x), torch.from_numpy(t),
                                                  reduction=reduction)
    assert_close(binary_cross_entropy_with_logits(Tensor(x), t, reduction), expected,
                 rtol=1e-5, atol=1e-5)
