"""Binary elementwise ops: add, sub, mul, div, pow, maximum, where.

Each one meets two operands, so each first settles two questions:

- What is a Python number? It becomes a 0-d tensor of the *other* operand's
  dtype, so `x * 0.5` on float32 data stays float32 (NumPy would otherwise
  happily compute in float64: twice the memory traffic, half the speed).
- What shape is the result? NumPy broadcasting: shapes are compared from the
  last dimension, sizes must match or be 1, and a size-1 (or missing)
  dimension is repeated without copying. `(N, C) + (C,)` adds a bias to every
  row. Cost: one pass over the output, `prod(out.shape)` FLOPs.

div and pow run under `np.errstate(...="ignore")`: `1 / 0` is inf and
`(-1) ** 0.5` is nan, silently, as in PyTorch, instead of a NumPy
RuntimeWarning per call.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ._checks import DTypeError, ShapeError, broadcast_error, shape_str
from .bitselect import bitselect
from .dispatch import apply
from .tensor import Tensor

_FLOAT32 = np.dtype(np.float32)
_INT64 = np.dtype(np.int64)
_NUMBER = (int, float, np.number, np.bool_)  # bool is an int


def _scalar(value: Any, like: np.dtype) -> Tensor:
    """A Python/NumPy number as a 0-d tensor of dtype `like` (PyTorch's rules)."""
    if like.kind == "f":
        dtype = like
    elif isinstance(value, (float, np.floating)):
        dtype = _FLOAT32  # int tensor * 0.5 is float32, as in PyTorch
    elif like.kind == "b" and not isinstance(value, (bool, np.bool_)):
        dtype = _INT64  # bool tensor + 1 counts in int64
    else:
        dtype = like
    return Tensor._wrap(np.array(value, dtype=dtype))


def _as_tensor(op: str, value: Any) -> Tensor:
    """A NumPy array becomes a Tensor (no copy); anything else is an error."""
    if isinstance(value, np.ndarray):
        return Tensor._wrap(value)
    raise TypeError(
        f"{op}: unsupported operand of type {type(value).__name__} "
        "(expected a Tensor, a number or a NumPy array)"
    )


def operands(op: str, a: Any, b: Any) -> tuple[Tensor, Tensor]:
    """Turn the two operands of `op` into Tensors of a common kind of dtype.

    Numbers take the other operand's dtype; an integer tensor meeting a
    floating one is cast to the floating dtype (float32 + int64 is float32,
    as in PyTorch; NumPy would say float64).
    """
    if not isinstance(a, Tensor):
        if isinstance(b, Tensor) and isinstance(a, _NUMBER):
            a = _scalar(a, b.data.dtype)
        elif isinstance(a, _NUMBER):  # two numbers: the first one sets the dtype
            a = Tensor(a)
        else:
            a = _as_tensor(op, a)
    if not isinstance(b, Tensor):
        b = _scalar(b, a.data.dtype) if isinstance(b, _NUMBER) else _as_tensor(op, b)
    da, db = a.data.dtype, b.data.dtype
    if da != db:
        if da.kind == "f" and db.kind != "f":
            b = Tensor._wrap(b.data.astype(da))
        elif db.kind == "f" and da.kind != "f":
            a = Tensor._wrap(a.data.astype(db))
        # otherwise NumPy's promotion is PyTorch's: float32 + float64 is
        # float64, int32 + int64 is int64, bool + int is the int dtype.
    return a, b


def _run(op: str, forward: Any, a: Tensor, b: Tensor) -> Tensor:
    """apply(op, forward, a, b), with a readable error if the shapes do not broadcast."""
    try:
        return apply(op, forward, a, b)
    except ValueError:
        err = broadcast_error(op, a.data.shape, b.data.shape)
        if err is not None:
            raise err from None
        raise  # not a shape problem (e.g. raised by an engine): keep it as it is


def add(a: Any, b: Any) -> Tensor:
    """Elementwise `a + b` with broadcasting."""
    ### BEGIN SOLUTION
    a, b = operands("add", a, b)
    return _run("add", np.add, a, b)
    ### END SOLUTION


def sub(a: Any, b: Any) -> Tensor:
    """Elementwise `a - b` with broadcasting."""
    ### BEGIN SOLUTION
    a, b = operands("sub", a, b)
    return _run("sub", np.subtract, a, b)
    ### END SOLUTION


def mul(a: Any, b: Any) -> Tensor:
    """Elementwise `a * b` with broadcasting."""
    ### BEGIN SOLUTION
    a, b = operands("mul", a, b)
    return _run("mul", np.multiply, a, b)
    ### END SOLUTION


def div_forward(x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """`x / y` without NumPy's warnings for x/0 and 0/0 (inf and nan, as PyTorch)."""
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        return np.divide(x, y)


def _pow(x: np.ndarray, y: np.ndarray) -> np.ndarray:
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        return np.power(x, y)


def div(a: Any, b: Any) -> Tensor:
    """Elementwise true division `a / b`; integers divide as float32, as in PyTorch."""
    ### BEGIN SOLUTION
    a, b = operands("div", a, b)
    if a.data.dtype.kind != "f" and b.data.dtype.kind != "f":
        a = Tensor._wrap(a.data.astype(_FLOAT32))
        b = Tensor._wrap(b.data.astype(_FLOAT32))
    return _run("div", div_forward, a, b)
    ### END SOLUTION


def pow(a: Any, b: Any) -> Tensor:
    """Elementwise `a ** b` (either may be a number).

    Integer tensors to negative integer powers are an error, as in PyTorch
    (the result would not be an integer).
    """
    ### BEGIN SOLUTION
    a, b = operands("pow", a, b)
    if a.data.dtype.kind in "iub" and b.data.dtype.kind in "iu" and (b.data < 0).any():
        raise RuntimeError(
            "pow: Integers to negative integer powers are not allowed. "
            f"(got {a.data.dtype} ** {b.data.dtype}); use a float tensor, e.g. t.float() ** -1"
        )
    return _run("pow", _pow, a, b)
    ### END SOLUTION


def maximum(a: Any, b: Any) -> Tensor:
    """Elementwise larger of `a` and `b` (NaN wins, as in PyTorch)."""
    ### BEGIN SOLUTION
    a, b = operands("maximum", a, b)
    return _run("maximum", np.maximum, a, b)
    ### END SOLUTION


def _where_reference(a: np.ndarray, b: np.ndarray, cond: np.ndarray) -> np.ndarray:
    """The plain version: NumPy picks from `a` or `b` element by element."""
    return np.where(cond, a, b)


def _where(a: np.ndarray, b: np.ndarray, cond: np.ndarray) -> np.ndarray:
    """The same bits, without a branch per element (see bitselect.py): up to 9x faster."""
    return bitselect(cond, a, b)


def where(condition: Any, a: Any, b: Any) -> Tensor:
    """Elementwise `a if condition else b`; the three broadcast together.

    `condition` is a bool Tensor or array; it gets no gradient (it is the
    op's `cond` attribute), `a` and `b` do.
    """
    ### BEGIN SOLUTION
    cond = condition.data if isinstance(condition, Tensor) else np.asarray(condition)
    if cond.dtype != np.bool_:
        raise DTypeError(f"where: condition must be a bool tensor, got dtype {cond.dtype}")
    a, b = operands("where", a, b)
    try:
        return apply("where", _where, a, b, cond=cond)
    except ValueError as exc:
        err = broadcast_error("where", cond.shape, a.data.shape, b.data.shape)
        if err is not None:
            raise ShapeError(
                f"where: condition {shape_str(cond.shape)}, a {shape_str(a.data.shape)} and "
                f"b {shape_str(b.data.shape)} cannot be broadcast together"
            ) from None
        raise ValueError(f"where: {exc}") from exc
    ### END SOLUTION
