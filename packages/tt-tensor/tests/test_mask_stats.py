"""masked_fill tril triu var std logsumexp: values (by hand, NumPy, PyTorch), dtypes, errors."""

from __future__ import annotations

import math

import numpy as np
import pytest
from tinytorch.tensor import (
    DTypeError,
    ShapeError,
    Tensor,
    logsumexp,
    masked_fill,
    std,
    tril,
    triu,
    var,
)
from tt_testing import assert_close, torch_or_skip


def test_masked_fill_values_and_dtype():
    x = Tensor([[1.0, 2.0], [3.0, 4.0]])
    mask = Tensor(np.array([True, False]))  # broadcasts over the rows
    out = masked_fill(x, mask, -math.inf)
    assert out.tolist() == [[-math.inf, 2.0], [-math.inf, 4.0]] and out.dtype == np.float32
    assert Tensor([1, 2]).masked_fill(np.array([False, True]), 0.7).tolist() == [1, 0]
    assert Tensor([1, 2]).masked_fill(np.array([False, True]), 5).dtype == np.int64


def test_masked_fill_errors():
    x = Tensor([[1.0, 2.0], [3.0, 4.0]])
    with pytest.raises(DTypeError, match="masked_fill: mask must be a bool tensor, got dtype"):
        x.masked_fill(Tensor([1, 0]), 0.0)
    with pytest.raises(TypeError):  # DTypeError is a TypeError too
        x.masked_fill(np.array([1.0, 0.0]), 0.0)
    with pytest.raises(ShapeError, match=r"mask of shape \(3, 2, 2\) does not broadcast"):
        x.masked_fill(np.ones((3, 2, 2), dtype=bool), 0.0)
    with pytest.raises(ValueError, match="cannot be converted to int64"):
        Tensor([1, 2]).masked_fill(np.array([True, False]), -math.inf)


def test_tril_triu_by_hand():
    x = Tensor(np.arange(1, 10, dtype=np.float32).reshape(3, 3))
    assert tril(x).tolist() == [[1, 0, 0], [4, 5, 0], [7, 8, 9]]
    assert triu(x).tolist() == [[1, 2, 3], [0, 5, 6], [0, 0, 9]]
    assert x.tril(-1).tolist() == [[0, 0, 0], [4, 0, 0], [7, 8, 0]]
    assert x.triu(1).tolist() == [[0, 2, 3], [0, 0, 6], [0, 0, 0]]
    b = Tensor(np.ones((2, 2, 3), dtype=bool)).tril()
    assert b.dtype == np.bool_ and b.tolist()[1] == [[True, False, False], [True, True, False]]
    with pytest.raises(ShapeError, match="tril: input must have at least 2 dimensions"):
        tril(Tensor([1.0, 2.0]))


def test_var_std_by_hand():
    x = Tensor([[1.0, 2.0, 3.0, 4.0], [2.0, 2.0, 2.0, 2.0]])
    assert var(x, 1).tolist() == pytest.approx([5 / 3, 0.0])
    assert var(x, 1, correction=0).tolist() == pytest.approx([1.25, 0.0])
    assert x.std(dim=1, keepdim=True).shape == (2, 1)
    assert std(x).item() == pytest.approx(np.std(x.numpy(), ddof=1))
    assert var(x, (0, 1)).item() == pytest.approx(np.var(x.numpy(), ddof=1))
    assert var(x).dtype == np.float32


def test_var_small_variance_of_large_mean_is_exact():
    x = Tensor(np.array([1e8 + 1, 1e8 - 1, 1e8 + 1, 1e8 - 1]))  # float64
    assert var(x, correction=0).item() == pytest.approx(1.0, rel=1e-12)


def test_var_degenerate_is_inf_or_nan_silently():
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert math.isnan(var(Tensor([1.0])).item())
        assert math.isinf(var(Tensor([1.0, 2.0]), correction=2).item())


def test_var_needs_float():
    with pytest.raises(DTypeError, match="var: needs a floating point tensor"):
        var(Tensor([1, 2]))


def test_logsumexp_stable_and_by_hand():
    x = Tensor([[0.0, math.log(3.0)], [1000.0, 1000.0]])
    out = logsumexp(x, 1)
    assert out.tolist() == pytest.approx([math.log(4.0), 1000.0 + math.log(2.0)])
    assert x.logsumexp(-1, keepdim=True).shape == (2, 1)
    inf = math.inf
    edge = logsumexp(Tensor([[-inf, -inf], [inf, 1.0], [-inf, 0.0]]), 1)
    assert edge.tolist() == [-inf, inf, 0.0]
    assert logsumexp(Tensor([1, 2]), 0).dtype == np.float32
    assert logsumexp(Tensor(np.zeros((2, 0))), 1).tolist() == [-inf, -inf]


def test_mask_and_stats_match_torch():
    torch = torch_or_skip()
    rng = np.random.default_rng(0)
    a = rng.normal(size=(3, 4, 5)).astype(np.float32)
    ta = torch.from_numpy(a)
    for kw in ({}, {"dim": 1}, {"dim": (0, 2), "keepdim": True}, {"dim": -1, "correction": 0}):
        assert_close(var(Tensor(a), **kw), torch.var(ta, **kw), rtol=1e-5)
        assert_close(std(Tensor(a), **kw), torch.std(ta, **kw), rtol=1e-5)
    for dim in (0, (1, 2), -1):
        assert_close(logsumexp(Tensor(a * 100), dim), torch.logsumexp(ta * 100, dim), rtol=1e-5)
    m = rng.random((4, 5)) > 0.5
    assert_close(masked_fill(Tensor(a), m, -1.5),
                 ta.masked_fill(torch.from_numpy(m), -1.5))
    for k in (-1, 0, 2):
        assert_close(tril(Tensor(a), k), torch.tril(ta, k))
        assert_close(triu(Tensor(a), k), torch.triu(ta, k))
