"""Comparisons `< <= > >= == !=`: elementwise, broadcasting, bool results.

They do not go through `apply`: a comparison is a step function, whose
gradient is zero almost everywhere, so there is nothing to record. Their
results feed `where`, masks and accuracy counts (`(pred == y).sum()`).
Numbers are compared as given (NumPy's rules), so `int_tensor < 0.5` is exact.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ._checks import broadcast_error
from .tensor import Tensor

_NUMBER = (int, float, np.number, np.bool_)


def _compare(op: str, ufunc: Any, a: Any, b: Any) -> Any:
    x = a.data if isinstance(a, Tensor) else a
    y = b.data if isinstance(b, Tensor) else b
    for v in (x, y):
        if not isinstance(v, (np.ndarray, *_NUMBER)):
            return NotImplemented  # Python then tries the reflected form or `is`
    try:
        return Tensor._wrap(ufunc(x, y))
    except ValueError:
        err = broadcast_error(op, np.shape(x), np.shape(y))
        if err is not None:
            raise err from None
        raise


def _checked(op: str, ufunc: Any, a: Any, b: Any) -> Tensor:
    out = _compare(op, ufunc, a, b)
    if out is NotImplemented:
        raise TypeError(
            f"{op}: cannot compare {type(a).__name__} with {type(b).__name__} "
            "(expected Tensors, numbers or NumPy arrays)"
        )
    return out


def lt(a: Any, b: Any) -> Tensor:
    """Elementwise `a < b` as a bool tensor."""
    ### BEGIN SOLUTION
    return _checked("lt", np.less, a, b)
    ### END SOLUTION


def le(a: Any, b: Any) -> Tensor:
    """Elementwise `a <= b` as a bool tensor."""
    ### BEGIN SOLUTION
    return _checked("le", np.less_equal, a, b)
    ### END SOLUTION


def gt(a: Any, b: Any) -> Tensor:
    """Elementwise `a > b` as a bool tensor."""
    ### BEGIN SOLUTION
    return _checked("gt", np.greater, a, b)
    ### END SOLUTION


def ge(a: Any, b: Any) -> Tensor:
    """Elementwise `a >= b` as a bool tensor."""
    ### BEGIN SOLUTION
    return _checked("ge", np.greater_equal, a, b)
    ### END SOLUTION


def eq(a: Any, b: Any) -> Any:
    """Elementwise `a == b` as a bool tensor (NotImplemented for non-numbers, e.g. None)."""
    ### BEGIN SOLUTION
    return _compare("eq", np.equal, a, b)
    ### END SOLUTION


def ne(a: Any, b: Any) -> Any:
    """Elementwise `a != b` as a bool tensor (NotImplemented for non-numbers)."""
    ### BEGIN SOLUTION
    return _compare("ne", np.not_equal, a, b)
    ### END SOLUTION
