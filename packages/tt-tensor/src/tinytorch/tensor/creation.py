"""Creating tensors: zeros, ones, full, eye, randn, rand, randint, arange, linspace,
zeros_like, ones_like.

Signatures follow PyTorch: sizes as `zeros(2, 3)` or `zeros((2, 3))`,
`dtype=` (float32 unless said otherwise, or inferred from a fill value or an
arange bound) and `requires_grad=`. Each allocates `prod(size) * itemsize`
bytes; random draws come from the shared generator (`manual_seed`).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ._checks import as_dtype, check_grad_dtype, shape_arg
from .rng import default_generator
from .tensor import Tensor

_FLOAT32 = np.dtype(np.float32)


def _make(array: np.ndarray, requires_grad: bool, where: str) -> Tensor:
    if requires_grad:
        check_grad_dtype(array.dtype, where)
    t = Tensor._wrap(array)
    t.requires_grad = requires_grad
    return t


def _size(op: str, size: tuple[Any, ...]) -> tuple[int, ...]:
    shape = shape_arg(op, size)
    if any(s < 0 for s in shape):
        raise ValueError(f"{op}: sizes must be non-negative, got {shape}")
    return shape


def _dtype(dtype: Any, default: np.dtype, where: str) -> np.dtype:
    return default if dtype is None else as_dtype(dtype, where)


def zeros(*size: Any, dtype: Any = None, requires_grad: bool = False) -> Tensor:
    """A tensor of the given size filled with 0."""
    ### BEGIN SOLUTION
    shape = _size("zeros", size)
    return _make(np.zeros(shape, _dtype(dtype, _FLOAT32, "zeros")), requires_grad, "zeros")
    ### END SOLUTION


def ones(*size: Any, dtype: Any = None, requires_grad: bool = False) -> Tensor:
    """A tensor of the given size filled with 1."""
    ### BEGIN SOLUTION
    shape = _size("ones", size)
    return _make(np.ones(shape, _dtype(dtype, _FLOAT32, "ones")), requires_grad, "ones")
    ### END SOLUTION


def full(size: Any, fill_value: Any, dtype: Any = None, requires_grad: bool = False) -> Tensor:
    """A tensor of the given size filled with `fill_value`.

    The dtype follows the value (float -> float32, int -> int64, bool -> bool)
    unless `dtype` is given.
    """
    ### BEGIN SOLUTION
    shape = _size("full", (size,) if isinstance(size, (int, np.integer)) else tuple(size))
    default = Tensor(fill_value).data.dtype
    array = np.full(shape, fill_value, dtype=_dtype(dtype, default, "full"))
    return _make(array, requires_grad, "full")
    ### END SOLUTION


def _random(op: str, size: tuple, dtype: Any, requires_grad: bool, draw: Any) -> Tensor:
    """A tensor of `draw(shape, dtype=...)` samples, in a floating `dtype` (float32 default).

    NumPy's generators draw float32 or float64 only: float16 is drawn as
    float32 and rounded.
    """
    ### BEGIN SOLUTION
    shape = _size(op, size)
    dt = _dtype(dtype, _FLOAT32, op)
    if dt.kind != "f":
        raise TypeError(f"{op}: needs a floating point dtype, got {dt}")
    draw_dt = dt if dt in (np.float32, np.float64) else _FLOAT32
    return _make(draw(shape, dtype=draw_dt).astype(dt, copy=False), requires_grad, op)
    ### END SOLUTION


def randn(*size: Any, dtype: Any = None, requires_grad: bool = False) -> Tensor:
    """Samples of the standard normal distribution N(0, 1), from the shared generator."""
    ### BEGIN SOLUTION
    return _random("randn", size, dtype, requires_grad, default_generator().standard_normal)
    ### END SOLUTION


def rand(*size: Any, dtype: Any = None, requires_grad: bool = False) -> Tensor:
    """Samples of the uniform distribution on [0, 1), from the shared generator."""
    ### BEGIN SOLUTION
    return _random("rand", size, dtype, requires_grad, default_generator().random)
    ### END SOLUTION


def arange(
    start: float,
    end: float | None = None,
    step: float = 1,
    dtype: Any = None,
    requires_grad: bool = False,
) -> Tensor:
    """Evenly spaced values in [start, end): `arange(5)` is 0, 1, 2, 3, 4.

    int64 if start, end and step are all ints, else float32 (as in PyTorch).
    """
    ### BEGIN SOLUTION
    if end is None:
        start, end = 0, start
    if step == 0:
        raise ValueError("arange: step must be nonzero")
    bounds = (start, end, step)
    if not all(isinstance(v, (int, float, np.number)) for v in bounds):
        raise TypeError(f"arange: start, end and step must be numbers, got {bounds!r}")
    is_int = all(isinstance(v, (int, np.integer)) for v in bounds)
    default = np.dtype(np.int64) if is_int else _FLOAT32
    dt = _dtype(dtype, default, "arange")
    if is_int:
        array = np.arange(start, end, step, dtype=dt)
    else:  # compute start + i * step in float64, then round once to dt
        n = max(0, int(np.ceil((end - start) / step)))
        array = (start + step * np.arange(n, dtype=np.float64)).astype(dt)
    return _make(array, requires_grad, "arange")
    ### END SOLUTION


def linspace(
    start: float, end: float, steps: int, *, dtype: Any = None, requires_grad: bool = False
) -> Tensor:
    """`steps` evenly spaced values from `start` to `end`, both included (float32 default).

    `linspace(0, 1, 5)` is 0, 0.25, 0.5, 0.75, 1. Unlike `arange`, the count
    is given, not the step, so the end point is hit exactly. Values are
    computed in float64 and rounded once to `dtype`.
    """
    ### BEGIN SOLUTION
    for name, v in (("start", start), ("end", end)):
        if isinstance(v, bool) or not isinstance(v, (int, float, np.number)):
            raise TypeError(f"linspace: {name} must be a number, got {v!r}")
    if isinstance(steps, bool) or not isinstance(steps, (int, np.integer)) or steps < 0:
        raise ValueError(f"linspace: steps must be a non-negative int, got {steps!r}")
    dt = _dtype(dtype, _FLOAT32, "linspace")
    array = np.linspace(float(start), float(end), int(steps), dtype=np.float64)
    return _make(array.astype(dt), requires_grad, "linspace")
    ### END SOLUTION


def eye(
    n: int, m: int | None = None, *, dtype: Any = None, requires_grad: bool = False
) -> Tensor:
    """The (n, m) identity matrix: ones on the diagonal, zeros elsewhere (m = n if None)."""
    ### BEGIN SOLUTION
    rows = _size("eye", (n,))[0]
    cols = rows if m is None else _size("eye", (m,))[0]
    return _make(np.eye(rows, cols, dtype=_dtype(dtype, _FLOAT32, "eye")), requires_grad, "eye")
    ### END SOLUTION


def randint(
    low: int,
    high: Any = None,
    size: Any = None,
    *,
    dtype: Any = None,
    requires_grad: bool = False,
) -> Tensor:
    """Uniform random integers in [low, high), from the shared generator (`manual_seed`).

    As `torch.randint`: `randint(high, size)` or `randint(low, high, size)`,
    size a tuple; int64 unless `dtype` says otherwise.
    """
    ### BEGIN SOLUTION
    if size is None:
        if isinstance(high, (tuple, list)):  # randint(high, size)
            low, high, size = 0, low, high
        elif high is not None:
            raise TypeError("randint: size is required, e.g. randint(0, 10, (3,))")
    if high is None:
        raise TypeError("randint: high and size are required, e.g. randint(10, (3,))")
    if size is None:
        raise TypeError("randint: size is required, e.g. randint(0, 10, (3,))")
    for name, v in (("low", low), ("high", high)):
        if isinstance(v, bool) or not isinstance(v, (int, np.integer)):
            raise TypeError(f"randint: {name} must be an int, got {v!r}")
    if low >= high:
        raise ValueError(f"randint: low ({low}) must be less than high ({high})")
    shape = _size("randint", (size,) if isinstance(size, (int, np.integer)) else tuple(size))
    dt = _dtype(dtype, np.dtype(np.int64), "randint")
    draws = default_generator().integers(int(low), int(high), size=shape, dtype=np.int64)
    return _make(draws.astype(dt, copy=False), requires_grad, "randint")
    ### END SOLUTION


def zeros_like(t: Tensor, dtype: Any = None, requires_grad: bool = False) -> Tensor:
    """Zeros with the shape (and, unless given, the dtype) of `t`."""
    ### BEGIN SOLUTION
    dt = _dtype(dtype, t.data.dtype, "zeros_like")
    return _make(np.zeros(t.data.shape, dt), requires_grad, "zeros_like")
    ### END SOLUTION


def ones_like(t: Tensor, dtype: Any = None, requires_grad: bool = False) -> Tensor:
    """Ones with the shape (and, unless given, the dtype) of `t`."""
    ### BEGIN SOLUTION
    dt = _dtype(dtype, t.data.dtype, "ones_like")
    return _make(np.ones(t.data.shape, dt), requires_grad, "ones_like")
    ### END SOLUTION
