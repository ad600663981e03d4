"""Backward rule of concatenation, cat.

`cat` laid its inputs end to end along `dim`, so the gradient of input i is
the slice of the output gradient where input i landed: cut `grad` at the
running sums of the inputs' sizes along `dim`. The pieces are views (no copy);
an input that needs no gradient gets None. Each piece is cast back to its
input's dtype (an integer input promoted to float gets None anyway, as it
cannot require a gradient).
"""

from __future__ import annotations

import numpy as np

from ..node import OpContext
from .registry import register


@register("cat", saves=())  # reads only the inputs' shapes and dtypes
def cat_backward(ctx: OpContext, grad: np.ndarray) -> tuple[np.ndarray | None, ...]:
    """out = cat(inputs, dim):  d/d input_i = grad[..., start_i:end_i, ...] along dim."""
    ### BEGIN SOLUTION
    dim = ctx.attrs["dim"]
    grads: list[np.ndarray | None] = []
    start = 0
    lead = (slice(None),) * dim
    for x, need in zip(ctx.inputs, ctx.needs_input_grad, strict=True):
        stop = start + x.shape[dim]
        piece = grad[(*lead, slice(start, stop))]  # where input i landed
        grads.append(piece.astype(x.dtype, copy=False) if need else None)
        start = stop
    return tuple(grads)
    ### END SOLUTION
