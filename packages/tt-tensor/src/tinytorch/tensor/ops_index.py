"""Indexing: `t[index]` (differentiable) and `t[index] = value` (in place, no gradient).

NumPy's index rules apply, and they come in two kinds:

- basic indexing (ints, slices with steps, None, Ellipsis) picks a regular
  sub-grid, so the result is a *view*: new shape and strides, same memory,
  O(1) time. `t[:, ::2]` has twice the column stride of `t`.
- advanced indexing (integer or bool arrays/tensors) picks arbitrary
  elements, so the result is a *copy*: `logits[arange(N), targets]` gathers
  one score per row, O(N) time and memory.

Tensors and lists inside an index are turned into NumPy arrays first; the
engine gets that NumPy index as the op's `index` attribute, to scatter the
gradient back (`np.add.at`, since an element may be picked twice).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ._checks import shape_str
from .dispatch import apply
from .tensor import Tensor


def _index_part(part: Any) -> Any:
    """One component of an index, in the form NumPy takes."""
    if isinstance(part, Tensor):
        part = part.data
    elif isinstance(part, list):
        part = np.asarray(part)
    if isinstance(part, np.ndarray) and part.dtype.kind not in "biu":
        raise IndexError(
            f"getitem: tensors used as indices must be integer or bool, got dtype {part.dtype}"
        )
    if isinstance(part, (float, np.floating)):
        raise IndexError(f"getitem: index {part!r} is a float; indices must be integers")
    return part


def numpy_index(index: Any) -> Any:
    """Convert Tensors and lists in `index` (a single part or a tuple) to NumPy arrays."""
    if isinstance(index, tuple):
        return tuple(_index_part(p) for p in index)
    return _index_part(index)


def _getitem(x: np.ndarray, index: Any) -> np.ndarray:
    try:
        return x[index]
    except IndexError as exc:
        raise IndexError(f"getitem: {exc} (tensor of shape {shape_str(x.shape)})") from None


def getitem(a: Tensor, index: Any) -> Tensor:
    """`a[index]`: ints, slices (with steps), None, Ellipsis, integer or bool arrays."""
    ### BEGIN SOLUTION
    return apply("getitem", _getitem, a, index=numpy_index(index))
    ### END SOLUTION


def setitem(a: Tensor, index: Any, value: Any) -> None:
    """`a[index] = value`, written into `a.data` in place.

    Not recorded by autograd, so it is refused on a tensor that requires a
    gradient (as PyTorch refuses in-place changes to such leaves).
    """
    ### BEGIN SOLUTION
    if a.requires_grad:
        raise RuntimeError(
            "setitem: in-place assignment into a tensor that requires grad is not "
            "differentiable; assign into t.data, or build a new tensor with where(...)"
        )
    if isinstance(value, Tensor):
        value = value.data
    try:
        a.data[numpy_index(index)] = value
    except (IndexError, ValueError) as exc:
        raise type(exc)(f"setitem: {exc} (tensor of shape {shape_str(a.data.shape)})") from None
    ### END SOLUTION
