"""Backward rules of the ops that only rearrange elements: reshape transpose permute contiguous.

None of them does arithmetic, so none changes a gradient's values: the
backward undoes the rearrangement on the gradient. Cost: a view, or one copy.
"""

from __future__ import annotations

import numpy as np

from ..node import OpContext
from .registry import register


@register("reshape", saves=())
def reshape_backward(ctx: OpContext, grad: np.ndarray) -> tuple[np.ndarray]:
    """out = a.reshape(shape):  the gradient is reshaped back to a's shape."""
    ### BEGIN SOLUTION
    (a,) = ctx.inputs
    return (np.reshape(grad, a.shape),)
    ### END SOLUTION


@register("transpose", saves=())
def transpose_backward(ctx: OpContext, grad: np.ndarray) -> tuple[np.ndarray]:
    """out = a.transpose(dim0, dim1):  swapping the same two axes again undoes it."""
    ### BEGIN SOLUTION
    return (np.swapaxes(grad, ctx.attrs["dim0"], ctx.attrs["dim1"]),)
    ### END SOLUTION


@register("permute", saves=())
def permute_backward(ctx: OpContext, grad: np.ndarray) -> tuple[np.ndarray]:
    """out = a.permute(dims):  permute by the inverse permutation, argsort(dims).

    Output axis i is input axis dims[i], so input axis dims[i] must come back
    from gradient axis i: that is the permutation argsort(dims).
    """
    ### BEGIN SOLUTION
    return (np.transpose(grad, np.argsort(ctx.attrs["dims"])),)
    ### END SOLUTION


@register("contiguous", saves=())
def contiguous_backward(ctx: OpContext, grad: np.ndarray) -> tuple[np.ndarray]:
    """out = a.contiguous():  same values, another memory layout; d/da = 1."""
    ### BEGIN SOLUTION
    return (grad,)
    ### END SOLUTION
