"""matmul: 1-D, 2-D, batched, broadcasting batches, errors."""

from __future__ import annotations

import numpy as np
import pytest
from tinytorch.tensor import Tensor, matmul
from tt_testing import assert_close, torch_or_skip

SHAPES = [
    ((3,), (3,)),
    ((2, 3), (3,)),
    ((3,), (3, 4)),
    ((2, 3), (3, 4)),
    ((5, 2, 3), (5, 3, 4)),
    ((5, 2, 3), (3, 4)),
    ((2, 3), (5, 3, 4)),
    ((2, 1, 2, 3), (4, 3, 2)),
    ((5, 2, 3), (3,)),
]


@pytest.mark.parametrize(("sa", "sb"), SHAPES)
def test_matches_numpy(rng, sa, sb):
    a = rng.standard_normal(sa).astype(np.float32)
    b = rng.standard_normal(sb).astype(np.float32)
    expected = np.matmul(a, b)
    for out in (Tensor(a) @ Tensor(b), matmul(Tensor(a), Tensor(b)), Tensor(a).matmul(Tensor(b))):
        assert out.dtype == np.float32 and isinstance(out.data, np.ndarray)
        assert_close(out, np.asarray(expected), rtol=1e-5, atol=1e-5)


@pytest.mark.parametrize(("sa", "sb"), SHAPES)
def test_matches_torch(rng, sa, sb):
    torch = torch_or_skip()
    a = rng.standard_normal(sa).astype(np.float32)
    b = rng.standard_normal(sb).astype(np.float32)
    expected = torch.from_numpy(a) @ torch.from_numpy(b)
    assert_close(Tensor(a) @ Tensor(b), expected, rtol=1e-5, atol=1e-5)


def test_array_on_the_left(rng):
    a = rng.standard_normal((2, 3)).astype(np.float32)
    b = rng.standard_normal((3, 2)).astype(np.float32)
    out = a @ Tensor(b)
    assert isinstance(out, Tensor)
    assert_close(out, a @ b, rtol=1e-5)


def test_float64_is_kept(rng):
    a = Tensor(rng.standard_normal((2, 3)))
    assert (a @ a.T).dtype == np.float64


def test_inner_dimension_error_is_exact():
    with pytest.raises(ValueError) as info:
        Tensor(np.zeros((2, 3))) @ Tensor(np.zeros((4, 5)))
    assert str(info.value) == "matmul: (2, 3) @ (4, 5): inner dimensions 3 and 4 differ"
    with pytest.raises(ValueError, match=r"matmul: \(3,\) @ \(4,\): inner dimensions 3 and 4"):
        Tensor(np.zeros(3)) @ Tensor(np.zeros(4))


def test_batch_and_scalar_errors():
    with pytest.raises(ValueError, match=r"batch dimensions \(2,\) and \(3,\)"):
        Tensor(np.zeros((2, 2, 3))) @ Tensor(np.zeros((3, 3, 2)))
    with pytest.raises(ValueError, match=r"matmul: \(\) @ \(3,\): both operands need"):
        Tensor(2.0) @ Tensor(np.zeros(3))
    with pytest.raises(TypeError, match="matmul: both operands must be tensors"):
        matmul(Tensor(np.zeros(3)), 2.0)
