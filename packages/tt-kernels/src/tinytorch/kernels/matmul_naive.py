"""Rung 1 of the matmul ladder: the textbook triple loop, in pure Python.

    out[i][j] = sum over p of a[i][p] * b[p][j]

Every one of the m*n*k multiply-adds is a trip through the interpreter:
load two boxed floats from two lists, multiply, add, store a new boxed
float. That costs tens of nanoseconds where the CPU needs a fraction of
one, so this rung runs thousands of times below BLAS
(benchmarks/kernels_ladder.py measures it; docs/modules/19-kernels.md
shows the last figures). It is here because it is
the definition: every faster rung computes exactly this sum.

Cost: 2 m k n FLOPs, all of them in Python; memory: the inputs as Python
lists (about 32 bytes a number instead of 4 or 8).
"""

from __future__ import annotations

import numpy as np

from .matmul_checks import check_matmul


def matmul_naive(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """`a @ b` for 2-D float arrays by three nested Python loops (i, j, p); slow on purpose.

    The sums run in Python floats (float64) and the result is cast to
    `np.result_type(a, b)`. Use it on matrices up to about 128 x 128.
    """
    m, k, n, dtype = check_matmul("matmul_naive", a, b)
    ### BEGIN SOLUTION
    rows, cols = a.tolist(), b.tolist()  # Python floats: what a pure Python loop reads
    out = [[0.0] * n for _ in range(m)]
    for i in range(m):
        for j in range(n):
            total = 0.0
            for p in range(k):
                total += rows[i][p] * cols[p][j]
            out[i][j] = total
    return np.array(out, dtype=dtype).reshape(m, n)
    ### END SOLUTION
