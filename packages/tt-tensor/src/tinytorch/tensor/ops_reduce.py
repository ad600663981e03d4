"""Reductions: sum, mean, max, min (differentiable) and argmax, argmin (not).

A reduction collapses the dimensions listed in `dim` (all of them if None):
`(N, C).sum(dim=1)` is `(N,)`, or `(N, 1)` with `keepdim=True`, which
broadcasts straight back against the input (the softmax trick
`x - x.max(dim=-1, keepdim=True)`). Cost: one pass over the input, about one
FLOP per element; the output is small.

`dim` reaches the engine normalised (a sorted tuple of non-negative ints, or
None for all), so backward rules never deal with -1 or a bare int.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ._checks import normalize_dim, normalize_dims, shape_str
from .dispatch import apply
from .tensor import Tensor

_INT64 = np.dtype(np.int64)


def _check(op: str, a: Any) -> Tensor:
    if not isinstance(a, Tensor):
        raise TypeError(f"{op}: expected a Tensor, got {type(a).__name__}")
    return a


def _sum(x: np.ndarray, dim: tuple[int, ...] | None, keepdim: bool) -> np.ndarray:
    return x.sum(axis=dim, keepdims=keepdim)


def _mean(x: np.ndarray, dim: tuple[int, ...] | None, keepdim: bool) -> np.ndarray:
    return x.mean(axis=dim, keepdims=keepdim)


def _max(x: np.ndarray, dim: tuple[int, ...] | None, keepdim: bool) -> np.ndarray:
    return x.max(axis=dim, keepdims=keepdim)


def _min(x: np.ndarray, dim: tuple[int, ...] | None, keepdim: bool) -> np.ndarray:
    return x.min(axis=dim, keepdims=keepdim)


def sum(a: Tensor, dim: Any = None, keepdim: bool = False) -> Tensor:
    """Sum of the elements over `dim` (int, tuple of ints, or None for all).

    bool and integer tensors sum in NumPy's default int (int64), as in PyTorch.
    """
    ### BEGIN SOLUTION
    a = _check("sum", a)
    dims = normalize_dims("sum", dim, a.data.ndim)
    return apply("sum", _sum, a, dim=dims, keepdim=bool(keepdim))
    ### END SOLUTION


def mean(a: Tensor, dim: Any = None, keepdim: bool = False) -> Tensor:
    """Arithmetic mean over `dim`; only for floating point tensors (as in PyTorch)."""
    ### BEGIN SOLUTION
    a = _check("mean", a)
    if a.data.dtype.kind != "f":
        raise TypeError(
            f"mean: needs a floating point tensor, got dtype {a.data.dtype}; "
            "convert first, e.g. t.float().mean()"
        )
    dims = normalize_dims("mean", dim, a.data.ndim)
    return apply("mean", _mean, a, dim=dims, keepdim=bool(keepdim))
    ### END SOLUTION


def _extreme(op: str, forward: Any, a: Tensor, dim: Any, keepdim: bool) -> Tensor:
    a = _check(op, a)
    dims = normalize_dims(op, dim, a.data.ndim)
    if a.data.size == 0:
        reduced = range(a.data.ndim) if dims is None else dims
        if any(a.data.shape[d] == 0 for d in reduced):
            raise ValueError(
                f"{op}: cannot reduce an empty dimension of a tensor of shape "
                f"{shape_str(a.data.shape)} (there is no {op} of zero elements)"
            )
    return apply(op, forward, a, dim=dims, keepdim=bool(keepdim))


def max(a: Tensor, dim: Any = None, keepdim: bool = False) -> Tensor:
    """Largest element over `dim`: the values only, like `torch.amax`."""
    ### BEGIN SOLUTION
    return _extreme("max", _max, a, dim, keepdim)
    ### END SOLUTION


def min(a: Tensor, dim: Any = None, keepdim: bool = False) -> Tensor:
    """Smallest element over `dim`: the values only, like `torch.amin`."""
    ### BEGIN SOLUTION
    return _extreme("min", _min, a, dim, keepdim)
    ### END SOLUTION


def _arg(op: str, find: Any, a: Tensor, dim: int | None, keepdim: bool) -> Tensor:
    a = _check(op, a)
    x = a.data
    if x.size == 0:
        raise ValueError(f"{op}: tensor of shape {shape_str(x.shape)} has no elements")
    if dim is None:
        idx = np.asarray(find(x), dtype=_INT64)  # index into the flattened tensor
        if keepdim:
            idx = idx.reshape((1,) * x.ndim)
    else:
        d = normalize_dim(op, dim, x.ndim)
        idx = np.asarray(find(x, axis=d, keepdims=bool(keepdim)) if x.ndim else find(x))
        idx = idx.astype(_INT64, copy=False)
    return Tensor._wrap(idx)


def argmax(a: Tensor, dim: int | None = None, keepdim: bool = False) -> Tensor:
    """Index of the largest element along `dim` (of the flattened tensor if None).

    Returns int64 indices and carries no gradient (an index is not a smooth
    function of the input). Ties go to the first occurrence.
    """
    ### BEGIN SOLUTION
    return _arg("argmax", np.argmax, a, dim, keepdim)
    ### END SOLUTION


def argmin(a: Tensor, dim: int | None = None, keepdim: bool = False) -> Tensor:
    """Index of the smallest element along `dim` (of the flattened tensor if None)."""
    ### BEGIN SOLUTION
    return _arg("argmin", np.argmin, a, dim, keepdim)
    ### END SOLUTION
