"""Shape ops: reshape, view, transpose, permute, contiguous (+ flatten, squeeze, unsqueeze).

None of these computes anything. An array is a flat block of memory plus a
shape and strides (how many elements to skip per step along each dimension),
so most shape changes only write new strides: `transpose` of a `(2, 3)`
array with strides `(3, 1)` is a `(3, 2)` view with strides `(1, 3)`, made in
O(1) time with no copy. The price comes later: a non-contiguous view walks
memory out of order, and `reshape` of it must copy (`view` refuses to).
`contiguous()` makes that copy explicit: O(n) time and memory, once.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from ._checks import ShapeError, normalize_dim, shape_arg, shape_str
from .dispatch import apply
from .tensor import Tensor


def _check(op: str, a: Any) -> Tensor:
    if not isinstance(a, Tensor):
        raise TypeError(f"{op}: expected a Tensor, got {type(a).__name__}")
    return a


def _resolve(op: str, shape: tuple[int, ...], old: tuple[int, ...]) -> tuple[int, ...]:
    """Replace a -1 in `shape` by the size that keeps the element count of `old`."""
    size = math.prod(old)
    if -1 in shape:
        if shape.count(-1) > 1:
            raise ShapeError(f"{op}: only one dimension can be -1, got {shape_str(shape)}")
        known = math.prod(s for s in shape if s != -1)
        if any(s < -1 for s in shape) or known == 0 or size % known:
            raise ShapeError(
                f"{op}: cannot reshape a tensor of shape {shape_str(old)} ({size} elements) "
                f"into {shape_str(shape)}"
            )
        return tuple(size // known if s == -1 else s for s in shape)
    if any(s < 0 for s in shape) or math.prod(shape) != size:
        raise ShapeError(
            f"{op}: cannot reshape a tensor of shape {shape_str(old)} ({size} elements) "
            f"into {shape_str(shape)} ({math.prod(shape)} elements)"
        )
    return shape


def _reshape(x: np.ndarray, shape: tuple[int, ...]) -> np.ndarray:
    return x.reshape(shape)


def reshape(a: Tensor, *shape: Any) -> Tensor:
    """Same elements in a new shape; one size may be -1 (inferred).

    A view (O(1), shares memory) when the strides allow it, else a copy.
    """
    ### BEGIN SOLUTION
    a = _check("reshape", a)
    new = _resolve("reshape", shape_arg("reshape", shape), a.data.shape)
    return apply("reshape", _reshape, a, shape=new)
    ### END SOLUTION


def view(a: Tensor, *shape: Any) -> Tensor:
    """Like `reshape`, but always a view: raises if that needs a copy.

    A transposed tensor cannot be flattened without a copy (its elements are
    not in row-major order in memory); call `.contiguous()` or `.reshape()`.
    """
    ### BEGIN SOLUTION
    a = _check("view", a)
    new = _resolve("view", shape_arg("view", shape), a.data.shape)
    x = a.data
    if x.size and not np.may_share_memory(x.reshape(new), x):
        raise ShapeError(
            f"view: a tensor of shape {shape_str(x.shape)} with stride {a.stride()} cannot "
            f"be viewed as {shape_str(new)} without a copy (its elements are not laid out "
            "in that order); use .reshape(...) or .contiguous().view(...)"
        )
    return apply("reshape", _reshape, a, shape=new)
    ### END SOLUTION


def _transpose(x: np.ndarray, dim0: int, dim1: int) -> np.ndarray:
    return x.swapaxes(dim0, dim1)


def transpose(a: Tensor, dim0: int, dim1: int) -> Tensor:
    """Swap dimensions `dim0` and `dim1` (negative allowed): a view."""
    ### BEGIN SOLUTION
    a = _check("transpose", a)
    if a.data.ndim == 0:
        raise ValueError("transpose: a 0-d tensor has no dimensions to swap")
    d0 = normalize_dim("transpose", dim0, a.data.ndim)
    d1 = normalize_dim("transpose", dim1, a.data.ndim)
    return apply("transpose", _transpose, a, dim0=d0, dim1=d1)
    ### END SOLUTION


def _permute(x: np.ndarray, dims: tuple[int, ...]) -> np.ndarray:
    return x.transpose(dims)


def permute(a: Tensor, *dims: Any) -> Tensor:
    """Reorder the dimensions: output dimension i is input dimension dims[i]. A view."""
    ### BEGIN SOLUTION
    a = _check("permute", a)
    ndim = a.data.ndim
    given = shape_arg("permute", dims)
    if len(given) != ndim:
        raise ShapeError(
            f"permute: got {len(given)} dims {given} for a tensor of shape "
            f"{shape_str(a.data.shape)} ({ndim} dimensions)"
        )
    norm = tuple(normalize_dim("permute", d, ndim) for d in given)
    if sorted(norm) != list(range(ndim)):
        raise ValueError(f"permute: dims {given} are not a permutation of {tuple(range(ndim))}")
    return apply("permute", _permute, a, dims=norm)
    ### END SOLUTION


def contiguous(a: Tensor) -> Tensor:
    """`a` itself if its memory is row-major and gap-free, else a row-major copy."""
    ### BEGIN SOLUTION
    a = _check("contiguous", a)
    if a.data.flags.c_contiguous:
        return a
    return apply("contiguous", np.ascontiguousarray, a)
    ### END SOLUTION


def flatten(a: Tensor, start_dim: int = 0, end_dim: int = -1) -> Tensor:
    """Merge dimensions `start_dim`..`end_dim` into one (a reshape)."""
    ### BEGIN SOLUTION
    a = _check("flatten", a)
    shape = a.data.shape
    if not shape:
        return reshape(a, 1)
    s = normalize_dim("flatten", start_dim, len(shape))
    e = normalize_dim("flatten", end_dim, len(shape))
    if s > e:
        raise ValueError(f"flatten: start_dim {start_dim} comes after end_dim {end_dim}")
    return reshape(a, (*shape[:s], math.prod(shape[s : e + 1]), *shape[e + 1 :]))
    ### END SOLUTION


def squeeze(a: Tensor, dim: Any = None) -> Tensor:
    """Remove dimensions of size 1: all of them, or those in `dim` (others are kept)."""
    ### BEGIN SOLUTION
    a = _check("squeeze", a)
    shape = a.data.shape
    if dim is None:
        drop = {i for i, s in enumerate(shape) if s == 1}
    else:
        dims = dim if isinstance(dim, (tuple, list)) else (dim,)
        drop = {normalize_dim("squeeze", d, len(shape)) for d in dims}  # 0-d: 0 or -1
        drop = {d for d in drop if shape and shape[d] == 1}
    return reshape(a, tuple(s for i, s in enumerate(shape) if i not in drop))
    ### END SOLUTION


def unsqueeze(a: Tensor, dim: int) -> Tensor:
    """Insert a dimension of size 1 at position `dim` (-1 appends)."""
    ### BEGIN SOLUTION
    a = _check("unsqueeze", a)
    shape = a.data.shape
    d = normalize_dim("unsqueeze", dim, len(shape) + 1)
    return reshape(a, (*shape[:d], 1, *shape[d:]))
    ### END SOLUTION
