"""Rung 2 of the matmul ladder: loop blocking (tiling), still in pure Python.

The loops of rung 1 walk a whole row of `a` against a whole column of `b`
for every output number. For matrices larger than the cache, each number
of `b` is then fetched from main memory again for every row of `a`: the
multiply waits on memory. Blocking cuts the three loops into tiles of
`tile` x `tile`, and finishes all the work on one tile of `a`, one of `b`
and one of `out` before moving on:

    for each tile row I, tile column J, tile step P:
        out[I, J] += a[I, P] @ b[P, J]       (three small loops inside)

What the tile buys, in a compiled language: three tiles of 32 x 32
doubles are 24 KB, they stay in the L1 cache while the tile product
reuses each loaded number 32 times, so the arithmetic no longer waits on
memory. It is the first idea of every BLAS (which adds registers, SIMD
and several cache levels on top).

What it cannot buy in Python: here each multiply-add costs tens of
nanoseconds of interpreter work (bytecode dispatch, boxed floats), while
a cache miss costs a few, and Python lists hold pointers to floats
scattered over the heap, so a "tile" is not even contiguous memory. The
measured speed stays within a small factor of rung 1 (what it gains comes
from the inner loop's order: `a[i][p]` is read once per tile row and the
innermost loop runs along one row of `b` and `out`, fewer list lookups),
never near rung 3. The lesson: blocking is about memory, and memory only
matters once the arithmetic is compiled.

Cost: the same 2 m k n FLOPs in Python; memory: as rung 1.
"""

from __future__ import annotations

import numpy as np

from .matmul_checks import check_matmul


def matmul_blocked(a: np.ndarray, b: np.ndarray, tile: int = 32) -> np.ndarray:
    """`a @ b` for 2-D float arrays in `tile` x `tile` blocks of pure Python loops.

    Any size works: the edge tiles are smaller. The result has dtype
    `np.result_type(a, b)` (sums in Python floats). Errors: `tile` not a
    positive int, and the ladder's shape and dtype checks.
    """
    if isinstance(tile, bool) or not isinstance(tile, (int, np.integer)) or tile < 1:
        raise ValueError(f"matmul_blocked: tile must be a positive int, got {tile!r}")
    m, k, n, dtype = check_matmul("matmul_blocked", a, b)
    ### BEGIN SOLUTION
    rows, cols = a.tolist(), b.tolist()
    out = [[0.0] * n for _ in range(m)]
    for i0 in range(0, m, tile):
        for j0 in range(0, n, tile):
            j1 = min(j0 + tile, n)
            for p0 in range(0, k, tile):
                p1 = min(p0 + tile, k)
                # the tile product out[I, J] += a[I, P] b[P, J], row by row
                for i in range(i0, min(i0 + tile, m)):
                    a_row, out_row = rows[i], out[i]
                    for p in range(p0, p1):
                        a_ip, b_row = a_row[p], cols[p]
                        for j in range(j0, j1):
                            out_row[j] += a_ip * b_row[j]
    return np.array(out, dtype=dtype).reshape(m, n)
    ### END SOLUTION
