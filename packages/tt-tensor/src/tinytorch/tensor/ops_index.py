"""Indexing: `t[index]` and `t[index] = value` (in place), both differentiable.

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

Where PyTorch and NumPy differ: an integer is a *basic* index in PyTorch and
an advanced one in NumPy. On shape (2, 3, 4), `t[0, :, [1, 2]]` is (3, 2) in
PyTorch (take row 0, then columns 1 and 2 of every remaining row) but (2, 3)
in NumPy (the int and the list are broadcast together and their dimension
moves to the front, because a slice separates them). TinyTorch follows
PyTorch: an index mixing ints with arrays is split in two (`split_index`),
the ints applied first as a view, then the rest.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ._checks import ShapeError, shape_str
from .dispatch import apply, apply_inplace
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


def _is_int(part: Any) -> bool:
    return isinstance(part, (int, np.integer)) and not isinstance(part, (bool, np.bool_))


def _is_advanced(part: Any) -> bool:
    return isinstance(part, (np.ndarray, bool, np.bool_))


def split_index(index: Any) -> tuple[Any, Any]:
    """PyTorch's int-first rule: `(view, rest)` with `x[index] == x[view][rest]`.

    `index` is a NumPy index (after `numpy_index`). Only a tuple mixing ints
    with arrays needs splitting; then `view` holds the ints (and Ellipsis,
    and full slices elsewhere), a basic index, and `rest` the remaining parts.
    Otherwise `view` is None and `rest` is `index` unchanged.
    """
    if not isinstance(index, tuple):
        return None, index
    if not any(_is_advanced(p) for p in index) or not any(_is_int(p) for p in index):
        return None, index
    view: list[Any] = []
    rest: list[Any] = []
    for p in index:
        if _is_int(p):
            view.append(p)
        elif p is None:
            rest.append(p)
        elif p is Ellipsis:
            view.append(p)
            rest.append(p)
        else:
            mask = isinstance(p, np.ndarray) and p.dtype == bool  # covers p.ndim dims
            view.extend([slice(None)] * (p.ndim if mask else 1))
            rest.append(p)
    return tuple(view), tuple(rest)


def _getitem(x: np.ndarray, index: Any) -> np.ndarray:
    try:
        return x[index]
    except IndexError as exc:
        raise IndexError(f"getitem: {exc} (tensor of shape {shape_str(x.shape)})") from None


def getitem(a: Tensor, index: Any) -> Tensor:
    """`a[index]`: ints, slices (with steps), None, Ellipsis, integer or bool arrays.

    PyTorch's rules: ints mixed with arrays are applied first (two recorded
    getitems, a view and then a gather).
    """
    ### BEGIN SOLUTION
    view, rest = split_index(numpy_index(index))
    if view is not None:
        a = apply("getitem", _getitem, a, index=view)
    return apply("getitem", _getitem, a, index=rest)
    ### END SOLUTION


def setitem_write(x: np.ndarray, value: np.ndarray, index: Any, view: Any) -> None:
    """Write `value` into `x` at `index` (after the basic index `view`, if any)."""
    target = x if view is None else x[view]
    try:
        target[index] = value
    except IndexError as exc:
        raise IndexError(f"setitem: {exc} (tensor of shape {shape_str(x.shape)})") from None
    except ValueError as exc:
        raise ShapeError(f"setitem: {exc} (tensor of shape {shape_str(x.shape)})") from None


def setitem_forward(x: np.ndarray, value: np.ndarray, index: Any, view: Any) -> np.ndarray:
    """The out-of-place form of `setitem_write`, what autograd records: a changed copy."""
    out = x.copy()
    setitem_write(out, value, index, view)
    return out


def setitem(a: Tensor, index: Any, value: Any) -> None:
    """`a[index] = value`, written into `a.data` in place (an in-place op).

    PyTorch's rules for in-place ops apply (`dispatch.apply_inplace`): refused
    on a leaf that requires a gradient unless grad mode is off; on a computed
    tensor it is recorded as the primitive `setitem`, so `value` gets the
    gradient of the positions it filled and the old values there get none.
    `value` (a number, array or tensor) is broadcast to the indexed region
    and cast to `a`'s dtype.
    """
    ### BEGIN SOLUTION
    if not isinstance(value, Tensor):
        try:
            value = Tensor._wrap(np.asarray(value, dtype=a.data.dtype))
        except (TypeError, ValueError) as exc:
            raise TypeError(
                f"setitem: cannot assign a {type(value).__name__} into a tensor ({exc})"
            ) from None
    view, rest = split_index(numpy_index(index))
    apply_inplace(
        "setitem", setitem_forward, a, value, write=setitem_write, name="setitem",
        index=rest, view=view,
    )
    ### END SOLUTION
