"""Rung 3 of the matmul ladder: one Python loop over the rows, NumPy vector ops inside, no BLAS.

Row i of the product is a weighted sum of the rows of `b`, weighted by
row i of `a`:

    out[i, :] = sum over p of a[i, p] * b[p, :]

NumPy computes that in two compiled passes: a broadcast multiply
`a[i, :, None] * b` (a (k, n) temporary) and a sum over its first axis.
The interpreter now runs m iterations instead of m*n*k, so the Python
overhead is gone; what is left is memory traffic. Each row writes and
reads back a (k, n) temporary, 2 k n numbers moved for 2 k n FLOPs: about
one FLOP per number moved, so the speed is that of the memory bandwidth
(a few GFLOP/s at best), where BLAS, with blocking for cache and
registers and SIMD, reuses every number it loads many times.

Cost: 2 m k n FLOPs in compiled loops; a (k, n) temporary per row.
"""

from __future__ import annotations

import numpy as np

from .matmul_checks import check_matmul


def matmul_rows(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """`a @ b` for 2-D float arrays, a row at a time with elementwise NumPy (no BLAS call).

    The result has dtype `np.result_type(a, b)`; the sums run in that dtype.
    """
    m, _, n, dtype = check_matmul("matmul_rows", a, b)
    ### BEGIN SOLUTION
    a, b = a.astype(dtype, copy=False), b.astype(dtype, copy=False)
    out = np.empty((m, n), dtype=dtype)
    for i in range(m):
        np.sum(a[i, :, None] * b, axis=0, out=out[i])  # (k, n) weighted rows -> (n,)
    return out
    ### END SOLUTION
