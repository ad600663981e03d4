"""Rung 4 of the matmul ladder: BLAS, through `np.matmul`.

NumPy hands a float32 or float64 matrix product to the BLAS library it
was built with (OpenBLAS here). Its GEMM kernel blocks for every cache
level and for the registers, packs the tiles into contiguous buffers,
and runs hand-written SIMD code that does several multiply-adds per
cycle: tens of GFLOP/s on one core, the roof the other rungs are
measured against (benchmarks/kernels_ladder.py). It is what
`tinytorch.tensor`'s matmul uses.

Cost: 2 m k n FLOPs at close to the core's peak.
"""

from __future__ import annotations

import numpy as np

from .matmul_checks import check_matmul


def matmul_blas(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """`a @ b` for 2-D float arrays by one BLAS call (`np.matmul`), with the ladder's checks."""
    check_matmul("matmul_blas", a, b)
    ### BEGIN SOLUTION
    return np.matmul(a, b)
    ### END SOLUTION
