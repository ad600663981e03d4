"""neg exp log sqrt abs tanh erf clamp: values, dtypes, edge cases, errors."""

from __future__ import annotations

import math

import numpy as np
import pytest
from tinytorch.tensor import Tensor, abs, clamp, erf, exp, log, neg, sqrt, tanh
from tt_testing import assert_close, torch_or_skip

UNARY = [
    ("neg", neg, np.negative),
    ("exp", exp, np.exp),
    ("log", log, np.log),
    ("sqrt", sqrt, np.sqrt),
    ("abs", abs, np.abs),
    ("tanh", tanh, np.tanh),
]


@pytest.mark.parametrize(("name", "fn", "npfn"), UNARY)
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_unary_matches_numpy(rng, name, fn, npfn, dtype):
    x = (rng.random((3, 4)) + 0.1).astype(dtype)
    if name in ("neg", "abs", "tanh"):
        x = x - dtype(0.6)
    for out in (fn(Tensor(x)), getattr(Tensor(x), name)()):
        assert out.dtype == dtype and out.shape == x.shape
        assert_close(out, npfn(x), rtol=1e-6)


@pytest.mark.parametrize(("name", "fn", "npfn"), UNARY)
def test_unary_matches_torch(rng, name, fn, npfn):
    torch = torch_or_skip()
    x = (rng.random((3, 4)) + 0.1).astype(np.float32)
    expected = getattr(torch, name)(torch.from_numpy(x)).numpy()
    assert_close(fn(Tensor(x)), expected, rtol=1e-6)


def test_integer_inputs_compute_in_float32():
    for fn in (exp, log, sqrt, tanh, erf):
        assert fn(Tensor([1, 2])).dtype == np.float32
    assert abs(Tensor([-1, 2])).dtype == np.int64
    assert neg(Tensor([1, 2])).tolist() == [-1, -2]


def test_edge_values():
    with np.errstate(divide="ignore", invalid="ignore"):
        assert log(Tensor([0.0])).item() == -math.inf
        assert math.isnan(sqrt(Tensor([-1.0])).item())
    assert abs(Tensor([-0.0, -3.0])).tolist() == [0.0, 3.0]
    assert tanh(Tensor([100.0])).item() == 1.0


def test_neg_bool_is_an_error():
    with pytest.raises(TypeError, match="neg"):
        -Tensor([True])


def test_not_a_tensor():
    with pytest.raises(TypeError, match="exp: expected a Tensor, got list"):
        exp([1.0])


def test_erf_against_math_erf():
    xs = np.concatenate([np.linspace(-7.0, 7.0, 20001), np.geomspace(1e-30, 1e-3, 50)])
    expected = np.array([math.erf(v) for v in xs])
    got = erf(Tensor(xs)).data
    assert got.dtype == np.float64
    # documented accuracy: relative error below 1e-15 (a few ulp) in float64
    np.testing.assert_allclose(got, expected, rtol=1e-15, atol=0)


def test_erf_float32_is_correctly_rounded():
    xs = np.linspace(-5.0, 5.0, 4001, dtype=np.float32)
    expected = np.array([math.erf(float(v)) for v in xs]).astype(np.float32)
    got = Tensor(xs).erf().data
    assert got.dtype == np.float32
    np.testing.assert_array_equal(got, expected)


def test_erf_special_values():
    out = erf(Tensor(np.array([0.0, np.inf, -np.inf, np.nan, 1e300, -1e300]))).data
    assert out[0] == 0.0 and out[1] == 1.0 and out[2] == -1.0 and np.isnan(out[3])
    assert out[4] == 1.0 and out[5] == -1.0
    assert erf(Tensor(0.5)).shape == ()


def test_erf_matches_torch(rng):
    torch = torch_or_skip()
    x = rng.standard_normal(1000) * 3
    assert_close(erf(Tensor(x)), torch.erf(torch.from_numpy(x)).numpy(), rtol=1e-14, atol=0)


@pytest.mark.parametrize(("lo", "hi"), [(0.0, None), (None, 0.5), (-0.5, 0.5), (0.5, -0.5)])
def test_clamp(rng, lo, hi):
    x = rng.standard_normal((3, 4)).astype(np.float32)
    expected = x
    if lo is not None:
        expected = np.maximum(expected, lo)
    if hi is not None:
        expected = np.minimum(expected, hi)
    out = clamp(Tensor(x), lo, hi)
    assert out.dtype == np.float32
    assert_close(out, expected)
    assert_close(Tensor(x).clamp(min=lo, max=hi), expected)


def test_clamp_matches_torch(rng):
    torch = torch_or_skip()
    x = rng.standard_normal((3, 4)).astype(np.float32)
    for lo, hi in [(0.0, None), (None, 0.5), (0.5, -0.5)]:
        assert_close(clamp(Tensor(x), lo, hi), torch.clamp(torch.from_numpy(x), lo, hi))


def test_clamp_does_not_modify_input():
    x = Tensor([-1.0, 0.5, 2.0])
    clamp(x, 0.0, 1.0)
    assert x.tolist() == [-1.0, 0.5, 2.0]


def test_clamp_dtypes_and_errors():
    assert clamp(Tensor([-2, 5]), 0, 3).tolist() == [0, 3]
    assert clamp(Tensor([-2, 5]), 0.5).dtype == np.float32
    with pytest.raises(ValueError, match="at least one of min and max"):
        clamp(Tensor([1.0]))
    with pytest.raises(TypeError, match="clamp: min must be a number"):
        clamp(Tensor([1.0]), Tensor([0.0]))
