"""Backward rule of matmul, with NumPy's 1-D and batched semantics.

For matrices, out = a @ b with a (n, k), b (k, m), out (n, m):

    d/da = grad @ b.T        (n, m) @ (m, k) -> (n, k)
    d/db = a.T @ grad        (k, n) @ (n, m) -> (k, m)

Each costs as many FLOPs as the forward (2 n k m), so a backward pass through
a matmul costs about twice its forward. The other cases reduce to this one:

- a 1-D `a` (k,) acts as a row (1, k) whose row axis is dropped from `out`;
  a 1-D `b` (k,) acts as a column (k, 1) whose column axis is dropped. The
  rule puts those axes back on `grad`, computes, and removes them again.
- leading (batch) axes broadcast like elementwise ops, so each gradient is
  summed back over the batch axes its input did not have (`unbroadcast`).
"""

from __future__ import annotations

import numpy as np

from ..node import OpContext
from .broadcast import unbroadcast
from .registry import register


def _transposed(x: np.ndarray, g: np.ndarray) -> bool:
    """Is `x` a 2-D transposed view (Fortran order), met by a 2-D gradient?

    Then its gradient is computed transposed too, so that it comes out in the
    layout of the array `x` views: optimizers then update weights and
    gradients that share one memory order (mixed orders make every
    elementwise pass strided, about 3x slower). Same numbers, same FLOPs.
    """
    return x.ndim == 2 and g.ndim == 2 and x.flags.f_contiguous and not x.flags.c_contiguous


@register("matmul", saves=((0, 1), (1, 0)))
def matmul_backward(
    ctx: OpContext, grad: np.ndarray
) -> tuple[np.ndarray | None, np.ndarray | None]:
    """out = a @ b:  d/da = grad @ b^T,  d/db = a^T @ grad  (on the last two axes)."""
    ### BEGIN SOLUTION
    a, b = ctx.inputs
    need_a, need_b = ctx.needs_input_grad
    a2 = a[None, :] if a.ndim == 1 else a  # (..., n, k)
    b2 = b[:, None] if b.ndim == 1 else b  # (..., k, m)
    g = np.asarray(grad)
    if a.ndim == 1:
        g = np.expand_dims(g, -1 if b.ndim == 1 else -2)  # the dropped row axis
    if b.ndim == 1:
        g = np.expand_dims(g, -1)  # the dropped column axis
    # g: (..., n, m)
    ga = gb = None
    if need_a:
        if _transposed(a2, g):  # a is W.T: build the gradient in W's layout
            ga = (b2 @ g.T).T
        else:
            ga = unbroadcast(g @ np.swapaxes(b2, -1, -2), a2.shape)
        ga = ga.reshape(a.shape)
    if need_b:
        if _transposed(b2, g):  # b is W.T, as in Linear: (g^T a)^T, laid out like W
            gb = (g.T @ a2).T
        else:
            gb = unbroadcast(np.swapaxes(a2, -1, -2) @ g, b2.shape)
        gb = gb.reshape(b.shape)
    return ga, gb
    ### END SOLUTION
