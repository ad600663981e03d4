"""Argument checks and error messages shared by the tensor ops.

Every op validates its arguments here so that bad input fails with a message
that names the op, the argument and the shapes (`sum: dim 2 is out of range
for a tensor of shape (2, 3) (valid: -2 to 1)`) instead of a NumPy traceback
from deep inside a forward function. The happy paths are kept short: they run
on every call of every op.
"""

from __future__ import annotations

from typing import Any

import numpy as np

# Dtypes a Tensor may hold: booleans, integers and floating point numbers.
_ALLOWED_KINDS = "biuf"


class ShapeError(RuntimeError, ValueError):
    """Shapes that do not fit together: broadcast, matmul, reshape/view, cat.

    PyTorch raises a plain `RuntimeError` for these (`torch.randn(2, 3) @
    torch.randn(4, 5)`), so code written for PyTorch catches `RuntimeError`.
    Earlier TinyTorch versions raised `ValueError`, and Python programmers
    expect that for "right type, wrong value". Inheriting from both keeps
    either `except` clause working; catching `ShapeError` itself says exactly
    what went wrong. Raising it costs nothing on the happy path: checks run
    only once per op call.
    """


class DTypeError(RuntimeError, TypeError):
    """Operands whose dtypes do not fit the op (e.g. float32 @ float64).

    PyTorch raises `RuntimeError` (`expected both operands to have the same
    dtype`); Python code expects `TypeError` for a wrong kind of value.
    Inheriting from both keeps either `except` clause working.
    """


def shape_str(shape: tuple[int, ...]) -> str:
    """`(2, 3)` for a shape, `(3,)` for one dimension, `()` for a scalar."""
    return str(tuple(int(s) for s in shape))


def is_floating(dtype: np.dtype) -> bool:
    """True for float16/32/64: the dtypes that can carry a gradient."""
    return dtype.kind == "f"


def as_dtype(dtype: Any, where: str) -> np.dtype:
    """Turn `np.float32`, `"float32"`, `np.dtype(...)` or `float` into a NumPy dtype."""
    try:
        dt = np.dtype(dtype)
    except TypeError as exc:
        raise TypeError(f"{where}: {dtype!r} is not a dtype (use e.g. np.float32)") from exc
    if dt.kind not in _ALLOWED_KINDS:
        raise TypeError(
            f"{where}: unsupported dtype {dt}; a tensor holds bool, integer or float numbers"
        )
    return dt


def check_grad_dtype(dtype: np.dtype, where: str) -> None:
    """Only floating point tensors can require a gradient (as in PyTorch)."""
    if dtype.kind != "f":
        raise RuntimeError(
            f"{where}: only floating point tensors can require gradients, "
            f"got dtype {dtype}; create it with dtype=np.float32"
        )


def normalize_dim(op: str, dim: int, ndim: int) -> int:
    """One dimension index, negative allowed, as a non-negative int."""
    if isinstance(dim, bool) or not isinstance(dim, (int, np.integer)):
        raise TypeError(f"{op}: dim must be an int, got {type(dim).__name__}")
    lo, hi = -max(ndim, 1), max(ndim, 1) - 1  # a 0-d tensor accepts dim 0 or -1
    if not lo <= dim <= hi:
        raise IndexError(
            f"{op}: dim {dim} is out of range for a {ndim}-d tensor (valid: {lo} to {hi})"
        )
    return int(dim) % ndim if ndim else 0


def normalize_dims(op: str, dim: Any, ndim: int) -> tuple[int, ...] | None:
    """The `dim` argument of a reduction as a sorted tuple of non-negative ints, or None.

    None, an empty tuple and (on a 0-d tensor) every valid dim mean "all
    dimensions" and give None.
    """
    if dim is None:
        return None
    if isinstance(dim, (int, np.integer)) and not isinstance(dim, bool):
        dims: tuple[int, ...] = (normalize_dim(op, dim, ndim),)
    elif isinstance(dim, (tuple, list)):
        dims = tuple(sorted(normalize_dim(op, d, ndim) for d in dim))
        if len(set(dims)) != len(dims):
            raise ValueError(f"{op}: dim {tuple(dim)} names a dimension more than once")
    else:
        raise TypeError(f"{op}: dim must be an int, a tuple of ints or None, got {dim!r}")
    if not dims or ndim == 0:
        return None
    return dims


def broadcast_error(op: str, *shapes: tuple[int, ...]) -> ShapeError | None:
    """The error to raise if `shapes` do not broadcast together, else None."""
    try:
        np.broadcast_shapes(*shapes)
    except ValueError:
        listed = " and ".join(shape_str(s) for s in shapes)
        return ShapeError(
            f"{op}: shapes {listed} cannot be broadcast together (sizes must match "
            "or be 1, compared from the last dimension)"
        )
    return None


def shape_arg(op: str, shape: tuple[Any, ...]) -> tuple[int, ...]:
    """`f(2, 3)`, `f((2, 3))` or `f([2, 3])` -> `(2, 3)`, checked to be ints."""
    if len(shape) == 1 and isinstance(shape[0], (tuple, list)):
        shape = tuple(shape[0])
    out = []
    for s in shape:
        if isinstance(s, bool) or not isinstance(s, (int, np.integer)):
            raise TypeError(f"{op}: sizes must be ints, got {shape!r}")
        out.append(int(s))
    return tuple(out)
