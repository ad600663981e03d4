"""Reductions: sum, mean, max, min, amax, amin (differentiable), argmax, argmin (not).

A reduction collapses the dimensions listed in `dim` (all of them if None):
`(N, C).sum(dim=1)` is `(N,)`, or `(N, 1)` with `keepdim=True`, which
broadcasts straight back against the input (the softmax trick
`x - x.amax(dim=-1, keepdim=True)`). Cost: one pass over the input, about one
FLOP per element; the output is small.

`dim` reaches the engine normalised (a sorted tuple of non-negative ints, or
None for all), so backward rules never deal with -1 or a bare int.

`max`/`min` follow `torch.max`/`torch.min`: without `dim` they return the
extreme value; with `dim` (one int) the named tuple `(values, indices)`, and
the gradient goes to the one element each index picked. `amax`/`amin` return
values only, over any dims, and share the gradient among tied elements.
"""

from __future__ import annotations

from typing import Any, NamedTuple

import numpy as np

from ._checks import DTypeError, normalize_dim, normalize_dims, shape_str
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
    if x.size == 0:  # mean of nothing is nan, silently (NumPy would warn twice)
        with np.errstate(invalid="ignore", divide="ignore"):
            return np.divide(x.sum(axis=dim, keepdims=keepdim), 0, dtype=x.dtype)
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
        raise DTypeError(
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


class ValuesIndices(NamedTuple):
    """What `max(dim)` / `min(dim)` return, like `torch.return_types.max`.

    `values` carries the gradient; `indices` (int64) says where each value
    came from (the first one, at a tie).
    """

    values: Tensor
    indices: Tensor


def _with_indices(op: str, find: Any, a: Tensor, dim: int, keepdim: bool) -> ValuesIndices:
    """`max(dim)` / `min(dim)`: pick with argmax/argmin, record `op` with the indices."""
    a = _check(op, a)
    x = a.data
    d = normalize_dim(op, dim, x.ndim)
    if x.ndim == 0:  # a 0-d tensor: its value, index 0 (PyTorch accepts dim 0 or -1)
        idx = np.zeros((), dtype=_INT64)
        return ValuesIndices(apply(op, _pick, a, dim=None, keepdim=False, indices=idx),
                             Tensor._wrap(idx))
    if x.shape[d] == 0:
        raise ValueError(
            f"{op}: cannot reduce an empty dimension ({d}) of a tensor of shape "
            f"{shape_str(x.shape)} (there is no {op} of zero elements)"
        )
    idx = find(x, axis=d, keepdims=True).astype(_INT64, copy=False)  # keepdim shape
    values = apply(op, _pick, a, dim=d, keepdim=bool(keepdim), indices=idx)
    return ValuesIndices(values, Tensor._wrap(idx if keepdim else np.squeeze(idx, d)))


def _pick(x: np.ndarray, dim: int | None, keepdim: bool, indices: np.ndarray) -> np.ndarray:
    if dim is None:
        return x.copy()
    out = np.take_along_axis(x, indices, axis=dim)
    return out if keepdim else np.squeeze(out, dim)


def max(a: Tensor, dim: int | None = None, keepdim: bool = False) -> Any:
    """The largest element (0-d) or, with `dim`, `(values, indices)` along it.

    As `torch.max`: `v, i = x.max(dim=1)`; the gradient of `values` goes to
    the element at `indices` only. For values only, over several dims, with
    the gradient shared among ties, use `amax`.
    """
    ### BEGIN SOLUTION
    if dim is None:
        return _extreme("amax", _max, a, None, keepdim)
    return _with_indices("max", np.argmax, a, dim, keepdim)
    ### END SOLUTION


def min(a: Tensor, dim: int | None = None, keepdim: bool = False) -> Any:
    """The smallest element (0-d) or, with `dim`, `(values, indices)` along it (torch.min)."""
    ### BEGIN SOLUTION
    if dim is None:
        return _extreme("amin", _min, a, None, keepdim)
    return _with_indices("min", np.argmin, a, dim, keepdim)
    ### END SOLUTION


def amax(a: Tensor, dim: Any = None, keepdim: bool = False) -> Tensor:
    """Largest elements over `dim` (int, tuple or None), values only, like `torch.amax`.

    If k elements tie for the maximum, each gets 1/k of the gradient.
    """
    ### BEGIN SOLUTION
    return _extreme("amax", _max, a, dim, keepdim)
    ### END SOLUTION


def amin(a: Tensor, dim: Any = None, keepdim: bool = False) -> Tensor:
    """Smallest elements over `dim` (int, tuple or None), values only, like `torch.amin`."""
    ### BEGIN SOLUTION
    return _extreme("amin", _min, a, dim, keepdim)
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
