"""Where tt-tensor follows PyTorch rather than NumPy: dtypes, indexing, errors, warnings.

Each test checks hand-computed values (so it judges without PyTorch), and
where PyTorch is installed, the same case against it.
"""

from __future__ import annotations

import warnings

import numpy as np
import pytest
import tinytorch.tensor as tt
from tinytorch.tensor import DTypeError, ShapeError, Tensor
from tt_testing import assert_close, torch_or_skip

# ------------------------------------------------------------------ exact dtypes


@pytest.mark.parametrize(
    "data",
    [0.1, [0.1, 0.2], [[0.1], [1e-40]], np.float64(0.1), np.array([0.1, 1 / 3])],
    ids=["scalar", "list", "nested", "np-scalar", "np-array"],
)
def test_float64_values_are_exact(data):
    t = Tensor(data, dtype=np.float64)
    assert t.dtype == np.float64
    np.testing.assert_array_equal(t.data, np.asarray(data, dtype=np.float64))


def test_float64_scalar_item_is_the_python_float():
    assert Tensor(0.1, dtype=np.float64).item() == 0.1
    assert Tensor([1 / 3], dtype="float64").tolist() == [1 / 3]


def test_default_dtype_is_still_float32():
    assert Tensor(0.1).dtype == np.float32
    assert Tensor(0.1).item() == float(np.float32(0.1))
    assert Tensor([1, 2]).dtype == np.int64


# ------------------------------------------------------------------ indexing


def _cube() -> np.ndarray:
    return np.arange(24.0).reshape(2, 3, 4)


@pytest.mark.parametrize(
    ("index", "shape", "expected"),
    [
        ((0, slice(None), [1, 2]), (3, 2), lambda x: x[0][:, [1, 2]]),
        ((slice(None), 0, [1, 2]), (2, 2), lambda x: x[:, 0][:, [1, 2]]),
        ((1, [0, 2], slice(None)), (2, 4), lambda x: x[1][[0, 2]]),
        ((0, [0, 1], [1, 2]), (2,), lambda x: np.array([x[0, 0, 1], x[0, 1, 2]])),
        ((Ellipsis, 0, [3, 1]), (2, 2), lambda x: x[:, 0][..., [3, 1]]),
        ((0, None, slice(None), [1]), (1, 3, 1), lambda x: x[0][None, :, [1]]),
        (([1, 0], slice(None), 2), (2, 3), lambda x: x[:, :, 2][[1, 0]]),
    ],
    ids=["int-slice-list", "slice-int-list", "int-list-slice", "int-list-list", "ellipsis",
         "none", "list-slice-int"],
)
def test_an_int_is_a_basic_index(index, shape, expected):
    x = _cube()
    out = Tensor(x)[index]
    assert out.shape == shape
    np.testing.assert_array_equal(out.data, expected(x))


def test_indexing_matches_torch():
    torch = torch_or_skip()
    x = _cube()
    tx = torch.from_numpy(x)
    for index in [(0, slice(None), [1, 2]), (slice(None), 1, [0, 3]), (1, [0, 2], slice(1, 3)),
                  (Ellipsis, 2, [0, 0, 1]), (0, slice(None), np.array([True, False, True, False]))]:
        ours = Tensor(x)[index]
        theirs = tx[tuple(torch.tensor(p) if isinstance(p, (list, np.ndarray)) else p
                          for p in index)]
        assert ours.shape == tuple(theirs.shape), index
        np.testing.assert_array_equal(ours.data, theirs.numpy())


def test_setitem_uses_the_same_rule():
    t = Tensor(np.zeros((2, 3, 4)))
    t[0, :, [1, 2]] = Tensor(np.arange(6.0).reshape(3, 2))  # (3, 2) region, as in PyTorch
    expected = np.zeros((2, 3, 4))
    expected[0, :, 1] = [0.0, 2.0, 4.0]
    expected[0, :, 2] = [1.0, 3.0, 5.0]
    np.testing.assert_array_equal(t.data, expected)


# ------------------------------------------------------------------ 0-d edge cases


def test_squeeze_dim_of_0d():
    t = Tensor(2.0)
    assert t.squeeze(0).shape == () and t.squeeze(-1).shape == ()
    with pytest.raises(IndexError, match="squeeze: dim 1 is out of range"):
        t.squeeze(1)
    with pytest.raises(IndexError, match="squeeze: dim -2"):
        t.squeeze(-2)


# ------------------------------------------------------------------ error classes


def test_error_classes_are_both_kinds():
    assert issubclass(ShapeError, RuntimeError) and issubclass(ShapeError, ValueError)
    assert issubclass(DTypeError, RuntimeError) and issubclass(DTypeError, TypeError)
    assert ShapeError.__doc__ and DTypeError.__doc__


@pytest.mark.parametrize(
    ("call", "match"),
    [
        (lambda: Tensor(np.zeros((2, 3))) + Tensor(np.zeros((4,))), r"add: shapes \(2, 3\) and"),
        (lambda: Tensor(np.zeros((2, 3))) @ Tensor(np.zeros((4, 5))),
         r"matmul: \(2, 3\) @ \(4, 5\): inner dimensions 3 and 4 differ"),
        (lambda: Tensor(np.zeros((2, 3))).reshape(4, 2), r"reshape: cannot reshape"),
        (lambda: Tensor(np.zeros((2, 3))).T.view(6), r"view: a tensor of shape \(3, 2\)"),
        (lambda: tt.where(Tensor([True, False]), Tensor(np.zeros(3)), 0.0), r"where: condition"),
        (lambda: Tensor(np.zeros(3)) < Tensor(np.zeros(2)), r"lt: shapes \(3,\) and \(2,\)"),
    ],
    ids=["broadcast", "matmul", "reshape", "view", "where", "compare"],
)
def test_shape_errors_are_runtime_and_value_errors(call, match):
    for kind in (ShapeError, RuntimeError, ValueError):
        with pytest.raises(kind, match=match):
            call()


@pytest.mark.parametrize(
    ("call", "match"),
    [
        (lambda: Tensor([1, 2]).mean(), "mean: needs a floating point tensor"),
        (lambda: tt.where(Tensor([1, 0]), Tensor([1.0, 2.0]), 0.0), "where: condition must be"),
        (lambda: Tensor(np.ones((2, 3), np.float32)) @ Tensor(np.ones((3, 2))),
         "matmul: expected both operands to have the same dtype, got float32 and float64"),
    ],
    ids=["mean-int", "where-cond", "matmul"],
)
def test_dtype_errors_are_runtime_and_type_errors(call, match):
    for kind in (DTypeError, RuntimeError, TypeError):
        with pytest.raises(kind, match=match):
            call()


def test_matmul_same_dtype_works_for_each_dtype():
    for dtype in (np.float32, np.float64, np.int64):
        a = Tensor(np.arange(6).reshape(2, 3).astype(dtype))
        out = a @ a.T
        assert out.dtype == dtype
        np.testing.assert_array_equal(out.data, [[5, 14], [14, 50]])


def test_matmul_dtype_error_matches_torch():
    torch = torch_or_skip()
    with pytest.raises(RuntimeError):
        torch.ones(2, 3) @ torch.ones(3, 2, dtype=torch.float64)
    with pytest.raises(RuntimeError):
        Tensor(np.ones((2, 3), np.float32)) @ Tensor(np.ones((3, 2)))


def test_integer_to_negative_integer_power():
    with pytest.raises(RuntimeError, match="pow: Integers to negative integer powers are not"):
        Tensor([1, 2]) ** -1
    with pytest.raises(RuntimeError, match="pow: Integers to negative"):
        Tensor([2, 3]) ** Tensor([1, -2])
    assert (Tensor([2, 3]) ** 2).tolist() == [4, 9]
    assert_close(Tensor([2.0, 4.0]) ** -1, [0.5, 0.25])


# ------------------------------------------------------------------ no NumPy warnings


@pytest.mark.parametrize(
    ("call", "expected"),
    [
        (lambda: Tensor([1.0, -1.0, 0.0]) / 0.0, [np.inf, -np.inf, np.nan]),
        (lambda: Tensor([0.0, -1.0]) ** -1.0, [np.inf, -1.0]),
        (lambda: Tensor([-1.0, np.inf]) ** 0.5, [np.nan, np.inf]),
        (lambda: Tensor([3.0e38]) ** 2.0, [np.inf]),
        (lambda: Tensor(np.zeros((0, 2), np.float32)).mean(dim=0), [np.nan, np.nan]),
        (lambda: Tensor(np.zeros((0,), np.float32)).mean(), np.nan),
    ],
    ids=["div-by-0", "pow-0-neg", "pow-neg-half", "pow-overflow", "mean-empty-dim",
         "mean-empty"],
)
def test_inf_and_nan_come_without_warnings(call, expected):
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        out = call()
    np.testing.assert_array_equal(out.data, np.asarray(expected, dtype=out.dtype))


# ------------------------------------------------------------------ max / min with a dim


def test_max_min_with_dim_return_values_and_indices():
    x = Tensor([[1.0, 5.0, 5.0], [7.0, 2.0, 0.0]])
    values, indices = x.max(dim=1)
    assert values.tolist() == [5.0, 7.0] and indices.tolist() == [1, 0]  # first of ties
    assert indices.dtype == np.int64
    out = tt.min(x, 0, keepdim=True)
    assert out.values.tolist() == [[1.0, 2.0, 0.0]] and out.indices.tolist() == [[0, 1, 1]]
    assert isinstance(out, tuple) and out._fields == ("values", "indices")


def test_max_min_without_dim_and_amax_amin():
    x = Tensor([[1.0, 5.0], [7.0, 2.0]])
    assert x.max().item() == 7.0 and x.min().shape == ()
    assert x.amax(dim=1).tolist() == [5.0, 7.0]
    assert tt.amin(x, (0, 1), keepdim=True).tolist() == [[1.0]]


def test_max_dim_matches_torch():
    torch = torch_or_skip()
    x = np.array([[[1.0, 3.0, 3.0], [2.0, 0.0, 2.0]]])
    for dim in (0, 1, 2, -1):
        for keepdim in (False, True):
            v, i = Tensor(x).max(dim, keepdim)
            tv, ti = torch.max(torch.from_numpy(x), dim, keepdim)
            np.testing.assert_array_equal(v.data, tv.numpy())
            np.testing.assert_array_equal(i.data, ti.numpy())
            v, i = Tensor(x).min(dim=dim, keepdim=keepdim)
            tv, ti = torch.min(torch.from_numpy(x), dim, keepdim)
            np.testing.assert_array_equal(i.data, ti.numpy())
