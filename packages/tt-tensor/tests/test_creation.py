"""zeros ones full randn rand arange zeros_like ones_like, manual_seed, default_generator."""

from __future__ import annotations

import numpy as np
import pytest
from tinytorch.tensor import (
    Tensor,
    arange,
    default_generator,
    full,
    manual_seed,
    ones,
    ones_like,
    rand,
    randn,
    zeros,
    zeros_like,
)
from tt_testing import torch_or_skip


@pytest.mark.parametrize("make", [zeros, ones, randn, rand])
def test_size_forms_and_defaults(make):
    for t in (make(2, 3), make((2, 3)), make([2, 3])):
        assert t.shape == (2, 3) and t.dtype == np.float32 and not t.requires_grad
    assert make(4, dtype=np.float64).dtype == np.float64
    assert make(2, requires_grad=True).requires_grad
    assert make().shape == ()


def test_values():
    assert zeros(2, 2).tolist() == [[0.0, 0.0], [0.0, 0.0]]
    assert ones(3, dtype=np.int64).tolist() == [1, 1, 1]
    assert full((2,), 7.5).tolist() == [7.5, 7.5]
    r = rand(1000)
    assert r.data.min() >= 0.0 and r.data.max() < 1.0
    n = randn(20000, dtype=np.float64).data
    assert abs(n.mean()) < 0.05 and abs(n.std() - 1.0) < 0.05


@pytest.mark.parametrize(
    ("value", "dtype"), [(1.5, np.float32), (2, np.int64), (True, np.bool_)]
)
def test_full_dtype_follows_value(value, dtype):
    assert full((2, 2), value).dtype == np.dtype(dtype)
    assert full(3, value, dtype=np.float64).dtype == np.float64


def test_arange():
    assert arange(5).tolist() == [0, 1, 2, 3, 4] and arange(5).dtype == np.int64
    assert arange(2, 8, 3).tolist() == [2, 5]
    a = arange(0, 1, 0.25)
    assert a.dtype == np.float32 and a.tolist() == [0.0, 0.25, 0.5, 0.75]
    assert arange(5, 0, -2).tolist() == [5, 3, 1]
    assert arange(3, dtype=np.float64).dtype == np.float64
    with pytest.raises(ValueError, match="step must be nonzero"):
        arange(0, 1, 0)


def test_arange_matches_torch():
    torch = torch_or_skip()
    for args in ((5,), (2, 8, 3), (0, 1, 0.1), (-1.0, 1.0, 0.3), (5, 0, -2)):
        theirs = torch.arange(*args)
        ours = arange(*args)
        assert str(ours.dtype) == str(theirs.dtype).replace("torch.", "")
        np.testing.assert_allclose(ours.data, theirs.numpy(), rtol=1e-6)


def test_like():
    t = Tensor(np.ones((2, 3), dtype=np.float64))
    z, o = zeros_like(t), ones_like(t, dtype=np.float32, requires_grad=True)
    assert z.shape == (2, 3) and z.dtype == np.float64 and z.data.sum() == 0
    assert o.dtype == np.float32 and o.requires_grad and o.data.sum() == 6


def test_errors():
    with pytest.raises(ValueError, match="zeros: sizes must be non-negative"):
        zeros(2, -1)
    with pytest.raises(TypeError, match="ones: sizes must be ints"):
        ones(2.5)
    with pytest.raises(TypeError, match="randn: needs a floating point dtype, got int64"):
        randn(2, dtype=np.int64)
    with pytest.raises(RuntimeError, match="int64"):
        zeros(2, dtype=np.int64, requires_grad=True)


def test_manual_seed_reproducible():
    manual_seed(42)
    a, b = randn(5), rand(3)
    manual_seed(42)
    np.testing.assert_array_equal(randn(5).data, a.data)
    np.testing.assert_array_equal(rand(3).data, b.data)
    manual_seed(43)
    assert not np.array_equal(randn(5).data, a.data)


def test_default_generator_is_shared_and_reseeded_in_place():
    gen = default_generator()
    assert isinstance(gen, np.random.Generator)
    assert manual_seed(7) is gen and default_generator() is gen
    first = gen.random(3)
    manual_seed(7)
    np.testing.assert_array_equal(gen.random(3), first)
    manual_seed(7)
    np.testing.assert_array_equal(rand(3, dtype=np.float64).data, first)


def test_manual_seed_rejects_bad_seeds():
    for bad in (-1, 1.5, "x", True):
        with pytest.raises(ValueError, match="manual_seed: seed must be a non-negative int"):
            manual_seed(bad)
