"""sum mean amax amin (values) and argmax argmin; max/min(dim) in test_max_min_dim.py."""

from __future__ import annotations

import numpy as np
import pytest
from tinytorch.tensor import Tensor, amax, amin, argmax, argmin, max, mean, sum
from tt_testing import assert_close, torch_or_skip

REDUCTIONS = [("sum", sum, np.sum), ("mean", mean, np.mean), ("amax", amax, np.max),
              ("amin", amin, np.min)]
DIMS = [None, 0, 1, -1, (0, 2), (-1, 0), (0, 1, 2), ()]
TORCH_NAMES = {"sum": "sum", "mean": "mean", "amax": "amax", "amin": "amin"}


def _axis(dim):
    return None if dim == () else dim


@pytest.mark.parametrize(("name", "fn", "npfn"), REDUCTIONS)
@pytest.mark.parametrize("dim", DIMS)
@pytest.mark.parametrize("keepdim", [False, True])
def test_matches_numpy(rng, name, fn, npfn, dim, keepdim):
    x = rng.standard_normal((2, 3, 4)).astype(np.float32)
    expected = npfn(x, axis=_axis(dim), keepdims=keepdim)
    for out in (fn(Tensor(x), dim, keepdim), getattr(Tensor(x), name)(dim=dim, keepdim=keepdim)):
        assert out.dtype == np.float32
        assert isinstance(out.data, np.ndarray)
        assert_close(out, np.asarray(expected), rtol=1e-5)


@pytest.mark.parametrize(("name", "fn", "npfn"), REDUCTIONS)
@pytest.mark.parametrize("dim", [None, 1, -1, (0, 2)])
@pytest.mark.parametrize("keepdim", [False, True])
def test_matches_torch(rng, name, fn, npfn, dim, keepdim):
    torch = torch_or_skip()
    x = rng.standard_normal((2, 3, 4)).astype(np.float32)
    tfn = getattr(torch, TORCH_NAMES[name])
    tx = torch.from_numpy(x)
    if dim is None:
        expected = tfn(tx)
        if keepdim:
            expected = expected.reshape(1, 1, 1)
    else:
        expected = tfn(tx, dim=dim, keepdim=keepdim)
    assert_close(fn(Tensor(x), dim, keepdim), expected, rtol=1e-5)


def test_float64_stays_float64(rng):
    x = Tensor(rng.standard_normal((3, 2)))
    for fn in (sum, mean, amax, amin):
        assert fn(x, 0).dtype == np.float64


def test_integer_and_bool_sums():
    assert sum(Tensor([1, 2, 3])).item() == 6 and sum(Tensor([1, 2, 3])).dtype == np.int64
    assert sum(Tensor([True, True, False])).item() == 2
    assert amax(Tensor([[1, 5], [7, 2]]), 1).tolist() == [5, 7]
    assert max(Tensor([[1, 5], [7, 2]]), 1).values.tolist() == [5, 7]


def test_mean_of_integers_is_an_error():
    with pytest.raises(TypeError, match="mean: needs a floating point tensor, got dtype int64"):
        mean(Tensor([1, 2]))


def test_zero_d_reductions():
    t = Tensor(3.0)
    assert sum(t).item() == 3.0 and sum(t, 0).item() == 3.0 and amax(t, -1).item() == 3.0
    assert max(t, -1).values.item() == 3.0 and max(t, -1).indices.item() == 0


@pytest.mark.parametrize(
    ("dim", "err", "match"),
    [
        (3, IndexError, r"sum: dim 3 is out of range for a 3-d tensor \(valid: -3 to 2\)"),
        (-4, IndexError, "out of range"),
        ((0, 0), ValueError, "more than once"),
        ((0, -3), ValueError, "more than once"),
        (1.0, TypeError, "dim must be"),
    ],
)
def test_bad_dim(dim, err, match):
    with pytest.raises(err, match=match):
        sum(Tensor(np.zeros((2, 3, 4))), dim)


def test_empty_max_is_an_error():
    with pytest.raises(ValueError, match=r"max: cannot reduce an empty dimension.*\(0, 3\)"):
        max(Tensor(np.zeros((0, 3))), 0)
    with pytest.raises(ValueError, match=r"amax: cannot reduce an empty dimension.*\(0, 3\)"):
        amax(Tensor(np.zeros((0, 3))), 0)
    assert amax(Tensor(np.zeros((0, 3))), 1).shape == (0,)
    assert max(Tensor(np.zeros((0, 3))), 1).values.shape == (0,)


@pytest.mark.parametrize("dim", [None, 0, 1, -1])
@pytest.mark.parametrize("keepdim", [False, True])
def test_argmax_argmin(rng, dim, keepdim):
    x = rng.standard_normal((3, 5)).astype(np.float32)
    for fn, npfn, method in ((argmax, np.argmax, "argmax"), (argmin, np.argmin, "argmin")):
        out = fn(Tensor(x), dim, keepdim)
        assert out.dtype == np.int64
        if dim is None:
            expected = np.asarray(npfn(x))
            if keepdim:
                expected = expected.reshape(1, 1)
        else:
            expected = npfn(x, axis=dim, keepdims=keepdim)
        np.testing.assert_array_equal(out.data, expected)
        assert out.shape == expected.shape
        np.testing.assert_array_equal(getattr(Tensor(x), method)(dim, keepdim).data, expected)


def test_argmax_matches_torch(rng):
    torch = torch_or_skip()
    x = rng.standard_normal((3, 5)).astype(np.float32)
    tx = torch.from_numpy(x)
    assert argmax(Tensor(x)).item() == torch.argmax(tx).item()
    np.testing.assert_array_equal(argmax(Tensor(x), 1).data, torch.argmax(tx, 1).numpy())
    assert argmax(Tensor(x), 0, True).shape == tuple(torch.argmax(tx, 0, True).shape)


def test_argmax_first_of_ties_and_errors():
    assert argmax(Tensor([1.0, 3.0, 3.0])).item() == 1
    with pytest.raises(ValueError, match="no elements"):
        argmax(Tensor(np.zeros(0)))
    with pytest.raises(IndexError, match="argmax: dim 2"):
        argmax(Tensor(np.zeros((2, 2))), 2)
