"""Masks built on `where`: masked_fill, tril, triu.

Each picks, element by element, either the input or a constant, so each is
one `where` with a bool mask (the mask gets no gradient; the input gets the
gradient where it was kept and 0 elsewhere). Cost: one pass over the data,
plus the mask itself (tril/triu build an (n, m) bool matrix with `np.tri`).

Attention needs both: `scores.masked_fill(~causal, -inf)` hides the future,
and `tril(ones(T, T))` is the causal mask.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from . import ops_binary as _binary
from ._checks import DTypeError, ShapeError, shape_str
from .tensor import Tensor


def _check(op: str, a: Any) -> Tensor:
    if not isinstance(a, Tensor):
        raise TypeError(f"{op}: expected a Tensor, got {type(a).__name__}")
    return a


def _fill_value(value: Any, dtype: np.dtype) -> Tensor:
    """`value` as a 0-d tensor of the input's dtype, so the result keeps that dtype."""
    if isinstance(value, Tensor):
        if value.data.ndim != 0:
            raise ShapeError(
                f"masked_fill: value must be a number or a 0-d tensor, got a tensor of shape "
                f"{shape_str(value.data.shape)}"
            )
        if value.data.dtype == dtype or value.requires_grad:
            return value  # a tensor value keeps its graph (where promotes the dtypes)
        value = value.data.item()
    if not isinstance(value, (int, float, np.number, np.bool_)):
        raise TypeError(f"masked_fill: value must be a number, got {type(value).__name__}")
    if dtype.kind in "iub" and isinstance(value, (float, np.floating)) and not math.isfinite(value):
        raise ValueError(f"masked_fill: value {value} cannot be converted to {dtype}")
    return Tensor._wrap(np.array(value).astype(dtype))


def masked_fill(input: Tensor, mask: Any, value: Any) -> Tensor:
    """`input` with `value` wherever the bool `mask` is True; `mask` broadcasts to input's shape."""
    ### BEGIN SOLUTION
    input = _check("masked_fill", input)
    m = mask.data if isinstance(mask, Tensor) else np.asarray(mask)
    if m.dtype != np.bool_:
        raise DTypeError(f"masked_fill: mask must be a bool tensor, got dtype {m.dtype}")
    try:
        fits = np.broadcast_shapes(m.shape, input.data.shape) == input.data.shape
    except ValueError:
        fits = False
    if not fits:
        raise ShapeError(
            f"masked_fill: mask of shape {shape_str(m.shape)} does not broadcast to the "
            f"input's shape {shape_str(input.data.shape)}"
        )
    return _binary.where(m, _fill_value(value, input.data.dtype), input)
    ### END SOLUTION


def _triangle(input: Tensor, keep: np.ndarray) -> Tensor:
    """`input` where `keep` (an (n, m) bool matrix, broadcast over batch dims), else 0."""
    zero = Tensor._wrap(np.zeros((), dtype=input.data.dtype))
    return _binary.where(keep, input, zero)


def _matrix(op: str, input: Any, diagonal: Any) -> Tensor:
    input = _check(op, input)
    if isinstance(diagonal, bool) or not isinstance(diagonal, (int, np.integer)):
        raise TypeError(f"{op}: diagonal must be an int, got {diagonal!r}")
    if input.data.ndim < 2:
        raise ShapeError(
            f"{op}: input must have at least 2 dimensions, got shape {shape_str(input.data.shape)}"
        )
    return input


def tril(input: Tensor, diagonal: int = 0) -> Tensor:
    """Lower triangle of the last two dimensions: zeros where column - row > diagonal."""
    ### BEGIN SOLUTION
    input = _matrix("tril", input, diagonal)
    n, m = input.data.shape[-2:]
    return _triangle(input, np.tri(n, m, k=int(diagonal), dtype=bool))
    ### END SOLUTION


def triu(input: Tensor, diagonal: int = 0) -> Tensor:
    """Upper triangle of the last two dimensions: zeros where column - row < diagonal."""
    ### BEGIN SOLUTION
    input = _matrix("triu", input, diagonal)
    n, m = input.data.shape[-2:]
    return _triangle(input, ~np.tri(n, m, k=int(diagonal) - 1, dtype=bool))
    ### END SOLUTION
