"""The matmul ladder in order, for the tests and the benchmark to walk alike."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from .matmul_blas import matmul_blas
from .matmul_blocked import matmul_blocked
from .matmul_naive import matmul_naive
from .matmul_rows import matmul_rows

#: (name, function) from the slowest rung to BLAS; each computes `a @ b`.
MATMUL_LADDER: tuple[tuple[str, Callable[[np.ndarray, np.ndarray], np.ndarray]], ...] = (
    ("naive", matmul_naive),
    ("blocked", matmul_blocked),
    ("rows", matmul_rows),
    ("blas", matmul_blas),
)
