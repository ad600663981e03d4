"""softmax and log_softmax: values, stability, dims, errors, layer objects."""

from __future__ import annotations

import numpy as np
import pytest
from tinytorch.activations import LogSoftmax, Softmax, log_softmax, softmax
from tinytorch.tensor import Tensor
from tt_testing import assert_close, torch_or_skip


def ref_log_softmax(x: np.ndarray, dim: int) -> np.ndarray:
    x = x.astype(np.float64)
    s = x - x.max(axis=dim, keepdims=True)
    return s - np.log(np.exp(s).sum(axis=dim, keepdims=True))


def ref_softmax(x: np.ndarray, dim: int) -> np.ndarray:
    return np.exp(ref_log_softmax(x, dim))


EXTREME_ROWS = np.array(
    [
        [1e4, -1e4, 0.0, 1.0],
        [88.0, 100.0, -88.0, -100.0],
        [1e4, 1e4, 1e4, 1e4],
        [-1e4, -1e4, -1e4, -1e4],
        [0.0, 0.0, 0.0, 1e-30],
        [-1e4, -1e4 + 1.0, -1e4 + 2.0, -1e4],
    ],
    dtype=np.float32,
)


def test_softmax_extremes_finite_and_exact() -> None:
    out = softmax(Tensor(EXTREME_ROWS), dim=1)
    assert out.dtype == np.float32
    assert np.all(np.isfinite(out.data))
    assert_close(out, ref_softmax(EXTREME_ROWS, 1).astype(np.float32), rtol=1e-6, atol=1e-30)
    np.testing.assert_allclose(out.data.sum(axis=1), 1.0, rtol=1e-6)


def test_log_softmax_extremes_finite_and_exact() -> None:
    out = log_softmax(Tensor(EXTREME_ROWS), dim=1)
    assert np.all(np.isfinite(out.data))
    assert_close(out, ref_log_softmax(EXTREME_ROWS, 1).astype(np.float32), rtol=1e-6, atol=1e-6)
    # the probability of -1e4 against 1e4 underflows, its log does not
    assert out.data[0, 1] == pytest.approx(-2e4, rel=1e-6)


def test_log_softmax_is_not_log_of_underflowed_softmax() -> None:
    out = log_softmax(Tensor(np.array([0.0, -200.0], dtype=np.float32)))
    np.testing.assert_allclose(out.data, [0.0, -200.0], atol=1e-6)


@pytest.mark.parametrize("dim", [0, 1, 2, -1, -2, -3])
def test_any_dim_of_3d(dim: int) -> None:
    x = np.random.default_rng(0).normal(0, 5, size=(2, 3, 4)).astype(np.float32)
    assert_close(softmax(Tensor(x), dim=dim), ref_softmax(x, dim), rtol=1e-5, atol=1e-7)
    assert_close(log_softmax(Tensor(x), dim=dim), ref_log_softmax(x, dim), rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(softmax(Tensor(x), dim=dim).data.sum(axis=dim), 1.0, rtol=1e-6)


def test_default_dim_is_last() -> None:
    x = np.random.default_rng(1).normal(size=(3, 5)).astype(np.float32)
    np.testing.assert_array_equal(softmax(Tensor(x)).data, softmax(Tensor(x), dim=-1).data)
    np.testing.assert_array_equal(log_softmax(Tensor(x)).data, log_softmax(Tensor(x), 1).data)
    assert Softmax().dim == -1 and LogSoftmax().dim == -1


def test_shift_invariance() -> None:
    x = np.random.default_rng(2).normal(size=(4, 6))
    a = softmax(Tensor(x)).data
    b = softmax(Tensor(x + 1000.0)).data
    np.testing.assert_allclose(a, b, rtol=1e-9)


def test_float64_and_1d() -> None:
    x = np.random.default_rng(3).normal(size=(6,))
    out = softmax(Tensor(x), dim=0)
    assert out.dtype == np.float64 and out.shape == (6,)
    assert_close(out, ref_softmax(x, 0), rtol=1e-13, atol=1e-300)


def test_input_not_modified() -> None:
    x = Tensor(EXTREME_ROWS.copy())
    softmax(x)
    log_softmax(x)
    np.testing.assert_array_equal(x.data, EXTREME_ROWS)


@pytest.mark.parametrize("fn", [softmax, log_softmax])
def test_dim_out_of_range(fn) -> None:
    x = Tensor(np.zeros((3, 4), dtype=np.float32))
    with pytest.raises(IndexError, match=r"dim 2 is out of range.*\(3, 4\)"):
        fn(x, dim=2)
    with pytest.raises(IndexError, match=r"dim -3"):
        fn(x, dim=-3)
    with pytest.raises(TypeError, match="dim must be an int"):
        fn(x, dim=1.0)


def test_scalar_input_is_a_distribution_over_one_value() -> None:
    # PyTorch: softmax of a 0-d tensor is 1, log_softmax 0; dim 0 and -1 are valid.
    x = Tensor(np.float32(1.5))
    assert softmax(x).shape == () and softmax(x).item() == 1.0
    assert log_softmax(x, dim=0).item() == 0.0
    with pytest.raises(IndexError, match=r"softmax: dim 1 is out of range"):
        softmax(x, dim=1)


def test_layer_objects() -> None:
    x = Tensor(np.random.default_rng(4).normal(size=(3, 4)).astype(np.float32))
    np.testing.assert_array_equal(Softmax(dim=0)(x).data, softmax(x, dim=0).data)
    np.testing.assert_array_equal(LogSoftmax(dim=0).forward(x).data, log_softmax(x, 0).data)
    assert repr(Softmax(dim=1)) == "Softmax(dim=1)"
    assert repr(LogSoftmax()) == "LogSoftmax(dim=-1)"


@pytest.mark.parametrize("dim", [0, 1])
def test_vs_torch(dim: int) -> None:
    torch = torch_or_skip()
    x = np.concatenate([EXTREME_ROWS, np.random.default_rng(5).normal(0, 9, (5, 4))])
    x = x.astype(np.float32)
    tx = torch.from_numpy(x)
    assert_close(softmax(Tensor(x), dim), torch.softmax(tx, dim), rtol=1e-5, atol=1e-30)
    assert_close(log_softmax(Tensor(x), dim), torch.log_softmax(tx, dim), rtol=1e-5, atol=1e-5)
