"""add sub mul div pow maximum where: values, broadcasting, scalars, dtypes, errors."""

from __future__ import annotations

import operator

import numpy as np
import pytest
from tinytorch.tensor import Tensor, add, div, maximum, mul, pow, sub, where
from tt_testing import assert_close, torch_or_skip

OPS = [
    ("add", operator.add, add, np.add),
    ("sub", operator.sub, sub, np.subtract),
    ("mul", operator.mul, mul, np.multiply),
    ("div", operator.truediv, div, np.divide),
    ("pow", operator.pow, pow, np.power),
]

SHAPES = [((2, 3), (2, 3)), ((2, 3), (3,)), ((4, 1), (1, 5)), ((2, 1, 3), (4, 1)), ((), (3,))]


def _positive(rng, shape, dtype=np.float32):
    return (rng.random(shape) + 0.5).astype(dtype)


@pytest.mark.parametrize(("name", "pyop", "fn", "npop"), OPS)
@pytest.mark.parametrize(("sa", "sb"), SHAPES)
def test_broadcasting_matches_numpy(rng, name, pyop, fn, npop, sa, sb):
    a, b = _positive(rng, sa), _positive(rng, sb)
    expected = npop(a, b)
    for out in (pyop(Tensor(a), Tensor(b)), fn(Tensor(a), Tensor(b)), getattr(Tensor(a), name)(b)):
        assert out.dtype == np.float32
        assert_close(out, expected)


@pytest.mark.parametrize(("name", "pyop", "fn", "npop"), OPS)
def test_matches_torch(rng, name, pyop, fn, npop):
    torch = torch_or_skip()
    a, b = _positive(rng, (3, 4)), _positive(rng, (4,))
    expected = pyop(torch.from_numpy(a), torch.from_numpy(b)).numpy()
    assert_close(pyop(Tensor(a), Tensor(b)), expected)


@pytest.mark.parametrize(("name", "pyop", "fn", "npop"), OPS)
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_scalar_on_either_side_keeps_dtype(rng, name, pyop, fn, npop, dtype):
    a = _positive(rng, (2, 3), dtype)
    left, right = pyop(Tensor(a), 2.0), pyop(3, Tensor(a))
    assert left.dtype == dtype and right.dtype == dtype
    assert_close(left, npop(a, dtype(2.0)))
    assert_close(right, npop(dtype(3), a))


def test_numpy_scalar_and_array_on_the_left(rng):
    a = _positive(rng, (3,))
    out = np.float32(2.0) * Tensor(a)
    assert isinstance(out, Tensor)
    assert_close(out, 2 * a)
    out = np.ones(3, dtype=np.float32) + Tensor(a)
    assert isinstance(out, Tensor)
    assert_close(out, a + 1)


# Operands are built inside the test (lambdas here), so that a starter whose
# Tensor is not written yet fails these tests instead of erroring at collection.
@pytest.mark.parametrize(
    ("make", "dtype"),
    [
        (lambda: (Tensor([1, 2]), 0.5), np.float32),
        (lambda: (Tensor([1, 2]), 2), np.int64),
        (lambda: (Tensor([1, 2]), Tensor([0.5, 1.0])), np.float32),
        (lambda: (Tensor([True, False]), 1), np.int64),
        (lambda: (Tensor([1.0], dtype=np.float64), Tensor([1.0])), np.float64),
        (lambda: (Tensor(np.array([1, 2], np.int32)), 3), np.int32),
    ],
)
def test_type_promotion_like_torch(make, dtype):
    a, b = make()
    assert (a * b).dtype == np.dtype(dtype)
    assert (a + b).dtype == np.dtype(dtype)


def test_integer_division_is_true_division():
    out = Tensor([1, 2, 3]) / 2
    assert out.dtype == np.float32
    assert out.tolist() == [0.5, 1.0, 1.5]


def test_neg_and_pos():
    t = Tensor([1.0, -2.0])
    assert (-t).tolist() == [-1.0, 2.0]
    assert (+t) is t


def test_broadcast_error_names_op_and_shapes():
    with pytest.raises(ValueError, match=r"add: shapes \(2, 3\) and \(4,\) cannot be broadcast"):
        Tensor(np.zeros((2, 3))) + Tensor(np.zeros(4))
    with pytest.raises(ValueError, match=r"mul: shapes \(3,\) and \(2, 2\)"):
        Tensor(np.zeros(3)) * Tensor(np.zeros((2, 2)))


def test_unsupported_operand():
    with pytest.raises(TypeError, match="add: unsupported operand of type str"):
        add(Tensor([1.0]), "x")
    with pytest.raises(TypeError):
        Tensor([1.0]) + "x"


def test_maximum(rng):
    a, b = rng.standard_normal((3, 4)).astype(np.float32), rng.standard_normal(4).astype(np.float32)
    assert_close(maximum(Tensor(a), Tensor(b)), np.maximum(a, b))
    out = Tensor(a).maximum(0.0)
    assert out.dtype == np.float32
    assert_close(out, np.maximum(a, 0))
    assert_close(maximum(0.0, Tensor(a)), np.maximum(a, 0))
    assert np.isnan(maximum(Tensor([np.nan]), 1.0).item())


def test_maximum_matches_torch(rng):
    torch = torch_or_skip()
    a, b = rng.standard_normal((3, 4)).astype(np.float32), rng.standard_normal(4).astype(np.float32)
    expected = torch.maximum(torch.from_numpy(a), torch.from_numpy(b)).numpy()
    assert_close(maximum(Tensor(a), Tensor(b)), expected)


def test_where(rng):
    a, b = rng.standard_normal((3, 4)).astype(np.float32), rng.standard_normal(4).astype(np.float32)
    cond = a > 0
    expected = np.where(cond, a, b)
    assert_close(where(Tensor(cond), Tensor(a), Tensor(b)), expected)
    assert_close(where(cond, Tensor(a), Tensor(b)), expected)
    assert_close(Tensor(a).where(Tensor(cond), Tensor(b)), expected)
    out = where(Tensor(cond), Tensor(a), 0.0)
    assert out.dtype == np.float32
    assert_close(out, np.where(cond, a, 0))
    assert where(Tensor([True, False]), 1.0, 0.0).tolist() == [1.0, 0.0]


def test_where_matches_torch(rng):
    torch = torch_or_skip()
    a, b = rng.standard_normal((3, 4)).astype(np.float32), rng.standard_normal(4).astype(np.float32)
    ta, tb = torch.from_numpy(a), torch.from_numpy(b)
    assert_close(where(Tensor(a) > 0, Tensor(a), Tensor(b)), torch.where(ta > 0, ta, tb))


def test_where_errors():
    with pytest.raises(TypeError, match="where: condition must be a bool tensor"):
        where(Tensor([1.0, 0.0]), Tensor([1.0, 2.0]), 0.0)
    with pytest.raises(ValueError, match=r"condition \(2,\), a \(3,\) and b \(\)"):
        where(Tensor([True, False]), Tensor([1.0, 2.0, 3.0]), 0.0)


SPECIAL = np.array([0.0, -0.0, np.inf, -np.inf, np.nan, 1e-40, -2.5])


@pytest.mark.parametrize("dtype", [np.float32, np.float64, np.float16, np.int64, np.int32,
                                   np.uint8, np.bool_])
@pytest.mark.parametrize(("sc", "sa", "sb"), [((64, 80), (64, 80), ()),
                                              ((64, 1), (64, 80), (80,)),
                                              ((80,), (64, 80), (64, 80)),
                                              ((3, 64, 40), (), (64, 40))])
def test_where_has_np_where_s_bits(rng, dtype, sc, sa, sb):
    """`where`'s fast kernel (a bitwise select, on outputs of 4096 numbers or more, as
    these are) against its plain twin, np.where: the very same bits."""

    def draw(shape):
        if np.dtype(dtype).kind == "f":
            with np.errstate(over="ignore"):
                return rng.choice(SPECIAL, shape).astype(dtype)  # -0.0, inf, NaN, subnormal
        return rng.integers(0, 2 if dtype is np.bool_ else 100, shape).astype(dtype)

    def bits(x):
        return np.asarray(x).view(f"u{np.dtype(dtype).itemsize}")

    cond, a, b = rng.random(sc) > 0.5, draw(sa), draw(sb)
    assert np.prod(np.broadcast_shapes(sc, sa, sb)) >= 4096
    out = where(Tensor(cond), Tensor(a), Tensor(b)).data
    plain = np.where(cond, a, b)
    assert out.dtype == plain.dtype and out.shape == plain.shape
    np.testing.assert_array_equal(bits(out), bits(plain))
    # a strided view (a transpose) and a 0-d zero `b`: a ReLU's case
    at = np.ascontiguousarray(draw((80, 64))).T
    cond2 = rng.random((64, 80)) > 0.5
    zero = np.zeros((), dtype)
    np.testing.assert_array_equal(bits(where(Tensor(cond2), Tensor(at), Tensor(zero)).data),
                                  bits(np.where(cond2, at, zero)))
