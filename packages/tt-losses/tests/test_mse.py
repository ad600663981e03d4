"""mse_loss: values vs NumPy and PyTorch, target types, shape errors."""

from __future__ import annotations

import numpy as np
import pytest
from tinytorch.losses import MSELoss, mse_loss
from tinytorch.tensor import Tensor
from tt_testing import assert_close, torch_or_skip

RNG = np.random.default_rng(1)
X = RNG.normal(size=(4, 3)).astype(np.float32)
Y = RNG.normal(size=(4, 3)).astype(np.float32)


def test_values_vs_numpy() -> None:
    d = X.astype(np.float64) - Y
    assert_close(mse_loss(Tensor(X), Tensor(Y)), np.mean(d**2), rtol=1e-6)
    assert_close(mse_loss(Tensor(X), Y, reduction="sum"), np.sum(d**2), rtol=1e-6)
    assert_close(mse_loss(Tensor(X), Y, reduction="none"), d**2, rtol=1e-6, atol=1e-7)


def test_zero_when_equal_and_known_value() -> None:
    assert mse_loss(Tensor(X), X.copy()).item() == 0.0
    out = MSELoss()(Tensor(np.array([1.0, 2.0], dtype=np.float32)), np.array([3.0, 2.0]))
    assert out.item() == pytest.approx(2.0)


def test_large_values_finite() -> None:
    out = mse_loss(Tensor(np.array([1e4, -1e4], dtype=np.float32)), np.zeros(2))
    assert out.item() == pytest.approx(1e8)


def test_integer_target_is_cast() -> None:
    out = mse_loss(Tensor(np.array([1.0, 2.0], dtype=np.float32)), np.array([1, 4]))
    assert out.dtype == np.float32 and out.item() == pytest.approx(2.0)


def test_shape_mismatch_names_both_shapes() -> None:
    with pytest.raises(ValueError, match=r"mse_loss: input shape \(4, 3\) and target shape "
                                         r"\(4, 1\) differ"):
        mse_loss(Tensor(X), np.zeros((4, 1)))


def test_non_numeric_target() -> None:
    with pytest.raises(TypeError, match="target must hold numbers"):
        mse_loss(Tensor(X[0]), np.array(["a", "b", "c"]))


@pytest.mark.parametrize("reduction", ["mean", "sum", "none"])
def test_vs_torch(reduction: str) -> None:
    torch = torch_or_skip()
    expected = torch.nn.functional.mse_loss(
        torch.from_numpy(X), torch.from_numpy(Y), reduction=reduction
    )
    assert_close(mse_loss(Tensor(X), Y, reduction=reduction), expected, rtol=1e-6, atol=1e-7)
