"""< <= > >= == != : elementwise bool tensors with broadcasting, no gradient."""

from __future__ import annotations

import operator

import numpy as np
import pytest
from tinytorch.tensor import Tensor
from tt_testing import torch_or_skip

CMP = [operator.lt, operator.le, operator.gt, operator.ge, operator.eq, operator.ne]


@pytest.mark.parametrize("op", CMP)
def test_matches_numpy(rng, op):
    a = rng.integers(0, 3, (3, 4)).astype(np.float32)
    b = rng.integers(0, 3, (4,)).astype(np.float32)
    for out, expected in (
        (op(Tensor(a), Tensor(b)), op(a, b)),
        (op(Tensor(a), 1.0), op(a, 1.0)),
        (op(1, Tensor(a)), op(1, a)),
        (op(Tensor(a), b), op(a, b)),
    ):
        assert isinstance(out, Tensor) and out.dtype == np.bool_
        np.testing.assert_array_equal(out.data, expected)


@pytest.mark.parametrize("op", CMP)
def test_matches_torch(rng, op):
    torch = torch_or_skip()
    a = rng.integers(0, 3, (3, 4)).astype(np.float32)
    b = rng.integers(0, 3, (4,)).astype(np.float32)
    expected = op(torch.from_numpy(a), torch.from_numpy(b)).numpy()
    np.testing.assert_array_equal(op(Tensor(a), Tensor(b)).data, expected)


def test_integer_tensor_against_float_is_exact():
    assert (Tensor([0, 1]) < 0.5).tolist() == [True, False]


def test_no_gradient():
    x = Tensor([1.0, 2.0], requires_grad=True)
    out = x > 1.5
    assert not out.requires_grad and out.is_leaf


def test_broadcast_error():
    with pytest.raises(ValueError, match=r"lt: shapes \(2,\) and \(3,\) cannot be broadcast"):
        _ = Tensor([1.0, 2.0]) < Tensor([1.0, 2.0, 3.0])


def test_unsupported_types():
    with pytest.raises(TypeError, match="lt: cannot compare Tensor with str"):
        _ = Tensor([1.0]) < "a"
    assert (Tensor([1.0]) == "a") is False
