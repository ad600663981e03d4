"""The argument checks attention makes before any work: shapes, dtypes, masks, numbers.

Attention multiplies three tensors and adds a mask: a wrong shape would give
NumPy's bare "operands could not be broadcast together", or worse, a mask
that broadcasts in a way nobody meant (a (B, S) padding mask read as (L, S)
when B == L). So everything is checked first and the error names the
argument, its shape and the shape it must fit.

Shapes, as in PyTorch: query (..., L, E), key (..., S, E), value (..., S, Ev);
the batch dimensions "..." broadcast; the scores are (batch..., L, S) and the
output (batch..., L, Ev). Cost: a few shape comparisons.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
from tinytorch.tensor import DTypeError, ShapeError, Tensor


def shape_str(shape: tuple[int, ...]) -> str:
    """(2, 3) -> '(2, 3)', () -> '()'."""
    return str(tuple(int(s) for s in shape))


def check_float_tensor(op: str, name: str, value: Any) -> np.ndarray:
    """A floating-point Tensor of at least 2 dimensions; its array."""
    if not isinstance(value, Tensor):
        raise TypeError(f"{op}: {name} must be a Tensor, got {type(value).__name__}")
    if value.data.dtype.kind != "f":
        raise DTypeError(f"{op}: {name} must be floating point, got dtype {value.data.dtype}")
    if value.ndim < 2:
        raise ShapeError(f"{op}: {name} must have at least 2 dimensions (..., length, features), "
                         f"got shape {shape_str(value.shape)}")
    return value.data


def broadcast_batch(op: str, names: str, *shapes: tuple[int, ...]) -> tuple[int, ...]:
    """The broadcast of batch shapes, or a ShapeError naming them."""
    try:
        return tuple(np.broadcast_shapes(*shapes))
    except ValueError:
        given = ", ".join(shape_str(s) for s in shapes)
        raise ShapeError(f"{op}: the batch dimensions of {names} ({given}) cannot be "
                         "broadcast together") from None


def check_qkv(op: str, query: Any, key: Any, value: Any) -> tuple[int, ...]:
    """query (..., L, E), key (..., S, E), value (..., S, Ev): the scores' shape (..., L, S)."""
    q = check_float_tensor(op, "query", query)
    k = check_float_tensor(op, "key", key)
    v = check_float_tensor(op, "value", value)
    if not q.dtype == k.dtype == v.dtype:
        raise DTypeError(f"{op}: query, key and value must have one dtype, got {q.dtype}, "
                         f"{k.dtype} and {v.dtype}")
    if q.shape[-1] != k.shape[-1]:
        raise ShapeError(f"{op}: query {shape_str(q.shape)} and key {shape_str(k.shape)} must "
                         f"have the same last (feature) dimension, got {q.shape[-1]} and "
                         f"{k.shape[-1]}")
    if k.shape[-2] != v.shape[-2]:
        raise ShapeError(f"{op}: key {shape_str(k.shape)} and value {shape_str(v.shape)} must "
                         f"have the same sequence length S (dimension -2), got {k.shape[-2]} "
                         f"and {v.shape[-2]}")
    batch = broadcast_batch(op, "query and key", q.shape[:-2], k.shape[:-2])
    broadcast_batch(op, "query, key and value", batch, v.shape[:-2])
    return (*batch, q.shape[-2], k.shape[-2])


def check_mask(op: str, name: str, mask: Any, scores: tuple[int, ...], dtype: np.dtype) -> None:
    """A bool or float (of the query's dtype) Tensor that broadcasts to the scores' shape."""
    if not isinstance(mask, Tensor):
        raise TypeError(f"{op}: {name} must be a Tensor (bool or float) or None, got "
                        f"{type(mask).__name__}")
    dt = mask.data.dtype
    if dt != np.bool_ and dt != dtype:
        raise DTypeError(f"{op}: {name} must be bool or {dtype} (the query's dtype), got "
                         f"dtype {dt}")
    try:
        fits = np.broadcast_shapes(mask.shape, scores) == tuple(scores)
    except ValueError:
        fits = False
    if not fits:
        raise ShapeError(f"{op}: {name} of shape {shape_str(mask.shape)} does not broadcast to "
                         f"the attention scores' shape {shape_str(scores)} (batch..., L, S)")


def check_dropout_p(op: str, p: Any) -> float:
    """`dropout_p` as a float in [0, 1]."""
    if isinstance(p, bool) or not isinstance(p, (int, float, np.integer, np.floating)):
        raise TypeError(f"{op}: dropout_p must be a number, got {p!r}")
    if not 0.0 <= float(p) <= 1.0:
        raise ValueError(f"{op}: dropout probability has to be between 0 and 1, but got {p}")
    return float(p)


def check_scale(op: str, scale: Any, features: int) -> float:
    """The score scale: 1 / sqrt(E) by default, else a finite number."""
    if scale is None:
        return 1.0 / math.sqrt(features)
    if isinstance(scale, bool) or not isinstance(scale, (int, float, np.integer, np.floating)) \
            or not math.isfinite(float(scale)):
        raise TypeError(f"{op}: scale must be a finite number or None, got {scale!r}")
    return float(scale)
