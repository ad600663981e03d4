"""Logical reductions: all, any (bool results, no gradient).

`all` asks whether every element is nonzero (True for bools), `any` whether
at least one is. Like comparisons they are step functions of the input, so
they do not go through `apply` and are never recorded: `(pred == y).all()`
costs one pass over the data and no graph memory.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ._checks import normalize_dims
from .tensor import Tensor


def _logical(op: str, reduce: Any, input: Any, dim: Any, keepdim: bool) -> Tensor:
    if not isinstance(input, Tensor):
        raise TypeError(f"{op}: expected a Tensor, got {type(input).__name__}")
    dims = normalize_dims(op, dim, input.data.ndim)
    return Tensor._wrap(np.asarray(reduce(input.data, axis=dims, keepdims=bool(keepdim))))


def all(input: Tensor, dim: Any = None, keepdim: bool = False) -> Tensor:
    """True where every element over `dim` (all dimensions if None) is nonzero; a bool tensor."""
    ### BEGIN SOLUTION
    return _logical("all", np.all, input, dim, keepdim)
    ### END SOLUTION


def any(input: Tensor, dim: Any = None, keepdim: bool = False) -> Tensor:
    """True where at least one element over `dim` (all dimensions if None) is nonzero."""
    ### BEGIN SOLUTION
    return _logical("any", np.any, input, dim, keepdim)
    ### END SOLUTION
