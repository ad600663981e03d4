"""adaptive_avg_pool2d: average pooling to a fixed output size, whatever the input.

A classifier head wants the same number of features for every image size,
so adaptive pooling picks the windows from the sizes: output row i averages
input rows floor(i*H/OH) up to ceil((i+1)*H/OH) (PyTorch's rule; windows may
overlap by a row when OH does not divide H), and likewise for columns.

Because a window is a rectangle (a range of rows times a range of columns)
and its mean divides by rows * columns, the pooling separates into two
small averaging matrices, one per axis:

    out = A_h @ x @ A_w^T,   A_h (OH, H), A_w (OW, W), A[i, r] = 1/len(window i)

Two matmuls of tensor primitives: autograd differentiates them for free,
and the cost is 2*N*C*H*W*(OH + OW) FLOPs or less, with no Python loop over
pixels. (OH = OW = 1 is global average pooling.)
"""

from __future__ import annotations

from typing import Any

import numpy as np
from tinytorch.tensor import Tensor

from .geometry import check_image


def averaging_matrix(n_in: int, n_out: int, dtype: np.dtype) -> np.ndarray:
    """(n_out, n_in): row i averages inputs floor(i*n_in/n_out) .. ceil((i+1)*n_in/n_out)-1."""
    ### BEGIN SOLUTION
    a = np.zeros((n_out, n_in), dtype=dtype)
    for i in range(n_out):  # n_out rows, not pixels
        start, stop = (i * n_in) // n_out, -((-(i + 1) * n_in) // n_out)
        a[i, start:stop] = 1.0 / (stop - start)
    return a
    ### END SOLUTION


def _output_size(output_size: Any, hw: tuple[int, int]) -> tuple[int, int]:
    items = tuple(output_size) if isinstance(output_size, (tuple, list)) else (output_size,) * 2
    if len(items) != 2:
        raise TypeError(f"adaptive_avg_pool2d: output_size must be an int or a pair, "
                        f"got {output_size!r}")
    sizes = []
    for v, n in zip(items, hw, strict=True):
        if v is None:  # None keeps the input's size
            v = n
        if isinstance(v, bool) or not isinstance(v, (int, np.integer)) or v < 1:
            raise ValueError(f"adaptive_avg_pool2d: output_size must hold positive ints "
                             f"(or None), got {output_size!r}")
        sizes.append(int(v))
    return sizes[0], sizes[1]


def adaptive_avg_pool2d(input: Tensor, output_size: Any) -> Tensor:
    """Average-pool an (N, C, H, W) or (C, H, W) input to (OH, OW) = output_size.

    output_size: an int (square) or a pair; None in the pair keeps that size.
    """
    x = check_image("adaptive_avg_pool2d", input)
    oh, ow = _output_size(output_size, tuple(x.shape[-2:]))
    h, w = x.shape[-2:]
    ### BEGIN SOLUTION
    a_h = Tensor(averaging_matrix(h, oh, x.dtype))  # (OH, H)
    a_w = Tensor(averaging_matrix(w, ow, x.dtype).T)  # (W, OW)
    return a_h @ (x @ a_w)  # (..., H, OW) -> (..., OH, OW)
    ### END SOLUTION
