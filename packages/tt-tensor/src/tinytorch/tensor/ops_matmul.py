"""Matrix multiplication, the op that does almost all the work of a network.

`(M, K) @ (K, N) -> (M, N)` costs 2*M*K*N FLOPs (one multiply and one add per
term) and reads M*K + K*N numbers, so for big matrices it is compute-bound;
NumPy hands it to a BLAS library (OpenBLAS, MKL, Accelerate) that keeps the
CPU's vector units busy. A Linear layer on a batch of 64 with 784 inputs and
256 outputs is 2*64*784*256 = 25.7 MFLOPs, far more than every elementwise op
around it.

Shapes follow `np.matmul` (and `torch.matmul`):
- 1-D @ 1-D: dot product, a 0-d result;
- 1-D vector on the left is a row (1, K), on the right a column (K, 1), and
  that added dimension is dropped from the result;
- more than 2 dimensions: a batch of matrices, the leading (batch) dimensions
  broadcast, as in attention's `(B, H, T, D) @ (B, H, D, T)`.

Dtypes follow PyTorch, not NumPy: both operands must have the same dtype.
NumPy would quietly compute float32 @ float64 in float64, so a float64 batch
through a float32 `Linear` would come out float64 (twice the memory, and a
silent change of every later op); here it is a `DTypeError`.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ._checks import DTypeError, ShapeError, broadcast_error, shape_str
from .dispatch import apply
from .tensor import Tensor


def matmul(a: Any, b: Any) -> Tensor:
    """Matrix product `a @ b` (1-D, 2-D or batched operands)."""
    ### BEGIN SOLUTION
    if not isinstance(a, (Tensor, np.ndarray)) or not isinstance(b, (Tensor, np.ndarray)):
        raise TypeError(
            f"matmul: both operands must be tensors, got {type(a).__name__} and "
            f"{type(b).__name__} (use * to multiply by a number)"
        )
    a = a if isinstance(a, Tensor) else Tensor._wrap(a)
    b = b if isinstance(b, Tensor) else Tensor._wrap(b)
    sa, sb = a.data.shape, b.data.shape
    if not sa or not sb:
        raise ShapeError(
            f"matmul: {shape_str(sa)} @ {shape_str(sb)}: both operands need at least "
            "one dimension (use * for a 0-d tensor)"
        )
    k_a = sa[-1]
    k_b = sb[0] if len(sb) == 1 else sb[-2]
    if k_a != k_b:
        raise ShapeError(
            f"matmul: {shape_str(sa)} @ {shape_str(sb)}: inner dimensions {k_a} and {k_b} differ"
        )
    if len(sa) > 2 and len(sb) > 2 and broadcast_error("matmul", sa[:-2], sb[:-2]) is not None:
        raise ShapeError(
            f"matmul: {shape_str(sa)} @ {shape_str(sb)}: batch dimensions "
            f"{shape_str(sa[:-2])} and {shape_str(sb[:-2])} cannot be broadcast together"
        )
    if a.data.dtype != b.data.dtype:
        raise DTypeError(
            "matmul: expected both operands to have the same dtype, got "
            f"{a.data.dtype} and {b.data.dtype} (convert one, e.g. x.float() or x.double())"
        )
    return apply("matmul", np.matmul, a, b)
    ### END SOLUTION
