"""The check every rung of the matmul ladder makes first: two 2-D float arrays that fit."""

from __future__ import annotations

from typing import Any

import numpy as np
from tinytorch.tensor import DTypeError, ShapeError


def check_matmul(op: str, a: Any, b: Any) -> tuple[int, int, int, np.dtype]:
    """(m, k, n, result dtype) of `a @ b`, or an error naming `op`, the shapes and the problem.

    The ladder's contract is `a @ b` on 2-D floating-point NumPy arrays, and
    the slow rungs must refuse bad input before minutes of looping.
    """
    for name, x in (("a", a), ("b", b)):
        if not isinstance(x, np.ndarray):
            raise TypeError(f"{op}: {name} must be a NumPy array, got {type(x).__name__}")
        if x.dtype.kind != "f":
            raise DTypeError(f"{op}: {name} must be floating point, got dtype {x.dtype}")
        if x.ndim != 2:
            raise ShapeError(f"{op}: {name} must be 2-D (a matrix), got shape {x.shape}")
    (m, k), (k2, n) = a.shape, b.shape
    if k != k2:
        raise ShapeError(f"{op}: {a.shape} @ {b.shape}: inner dimensions {k} and {k2} differ")
    return m, k, n, np.result_type(a, b)


def matmul_flops(m: int, k: int, n: int) -> int:
    """FLOPs of an (m, k) @ (k, n) product: m*n dot products of k multiplies and k adds."""
    return 2 * m * k * n
