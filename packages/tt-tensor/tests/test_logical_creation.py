"""all any (bool, no gradient), eye linspace randint (seeded), sin cos, quiet edge values."""

from __future__ import annotations

import math
import warnings

import numpy as np
import pytest
from tinytorch.tensor import (
    Tensor,
    all,
    any,
    cos,
    exp,
    eye,
    linspace,
    log,
    manual_seed,
    randint,
    sin,
    sqrt,
)
from tt_testing import assert_close, torch_or_skip


def test_all_any_values_dims_and_no_record(engine):
    x = Tensor(np.array([[1.0, 0.0], [2.0, 3.0]]), requires_grad=True)
    assert all(x).item() is False and any(x).item() is True
    assert x.all(dim=1).tolist() == [False, True]
    assert x.any(dim=0, keepdim=True).tolist() == [[True, True]]
    empty = Tensor(np.zeros((0,)))
    assert all(empty).item() is True and any(empty).item() is False
    assert x.all(dim=(0, 1)).dtype == np.bool_
    assert engine.ops == [] and not x.all().requires_grad


def test_eye_linspace_by_hand():
    assert eye(2).tolist() == [[1.0, 0.0], [0.0, 1.0]] and eye(2).dtype == np.float32
    assert eye(2, 3, dtype=np.int64).tolist() == [[1, 0, 0], [0, 1, 0]]
    assert eye(2, requires_grad=True).requires_grad
    assert linspace(0, 1, 5).tolist() == [0.0, 0.25, 0.5, 0.75, 1.0]
    assert linspace(2, 3, 1).tolist() == [2.0] and linspace(0, 1, 0).shape == (0,)
    assert linspace(0, 1, 3, dtype=np.float64).dtype == np.float64
    with pytest.raises(ValueError, match="steps"):
        linspace(0, 1, -1)
    with pytest.raises(ValueError, match="eye"):
        eye(-1)


def test_randint_seeded_range_and_forms():
    manual_seed(3)
    a = randint(0, 10, (1000,))
    manual_seed(3)
    b = randint(10, (1000,))  # randint(high, size)
    assert a.tolist() == b.tolist() and a.dtype == np.int64
    assert a.numpy().min() == 0 and a.numpy().max() == 9
    assert randint(-3, -1, size=(2, 2)).numpy().max() < -1
    assert randint(0, 2, (3,), dtype=np.float32).dtype == np.float32
    with pytest.raises(ValueError, match="low"):
        randint(5, 5, (1,))
    with pytest.raises(TypeError, match="size"):
        randint(3, 5)
    with pytest.raises(RuntimeError, match="floating point"):
        randint(0, 3, (2,), requires_grad=True)


def test_sin_cos_values():
    x = Tensor([0.0, math.pi / 2, math.pi])
    assert sin(x).tolist() == pytest.approx([0.0, 1.0, 0.0], abs=1e-6)
    assert x.cos().tolist() == pytest.approx([1.0, 0.0, -1.0], abs=1e-6)
    assert sin(Tensor([1, 2])).dtype == np.float32


def test_edge_values_raise_no_numpy_warnings():
    x = Tensor([0.0, -1.0, math.inf, -math.inf, math.nan, 1000.0])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        lg, sq, ex = log(x).numpy(), sqrt(x).numpy(), exp(x).numpy()
        sin(x), cos(x)
    assert lg[0] == -math.inf and math.isnan(lg[1]) and lg[2] == math.inf
    assert math.isnan(sq[1]) and ex[5] == math.inf and ex[3] == 0.0


def test_creation_and_logical_match_torch():
    torch = torch_or_skip()
    assert_close(linspace(-2, 3, 7), torch.linspace(-2, 3, 7))
    assert_close(linspace(0, 1, 50, dtype=np.float64),
                 torch.linspace(0, 1, 50, dtype=torch.float64), rtol=1e-12, atol=1e-15)
    assert_close(eye(3, 4), torch.eye(3, 4))
    a = np.array([[0, 1, 2], [3, 4, 0]])
    assert_close(Tensor(a).all(dim=1), torch.from_numpy(a).all(dim=1))
    assert_close(Tensor(a).any(dim=0), torch.from_numpy(a).any(dim=0))
    x = np.linspace(-4, 4, 9, dtype=np.float32)
    assert_close(sin(Tensor(x)), torch.sin(torch.from_numpy(x)))
    assert_close(cos(Tensor(x)), torch.cos(torch.from_numpy(x)))
