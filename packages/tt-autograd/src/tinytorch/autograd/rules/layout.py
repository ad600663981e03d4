"""Backward rules of the layout primitives: expand pad clone.

- expand repeated size-1 dimensions (and added leading ones) without
  copying; every repeat fed the output, so the gradient is summed over the
  repeats, exactly as for broadcasting (`unbroadcast`). Cost: one reduction.
- pad copied an input region into a constant border; the border does not
  depend on the input, so the gradient is the output gradient's region cut
  back out (and zeros where negative widths cropped the input away).
- clone copied the values: the gradient passes through unchanged.
"""

from __future__ import annotations

import numpy as np

from ..node import OpContext
from .broadcast import unbroadcast
from .registry import register

Grad = tuple["np.ndarray | None"]


@register("expand", saves=())
def expand_backward(ctx: OpContext, grad: np.ndarray) -> Grad:
    """out = a.expand(shape):  d/da = grad summed over the expanded dimensions."""
    ### BEGIN SOLUTION
    (a,) = ctx.inputs
    return (unbroadcast(grad, a.shape),)
    ### END SOLUTION


@register("pad", saves=())
def pad_backward(ctx: OpContext, grad: np.ndarray) -> Grad:
    """out = pad(a, widths, value):  d/da = grad inside the copied region, 0 where cropped."""
    ### BEGIN SOLUTION
    (a,) = ctx.inputs
    ga = np.zeros(a.shape, dtype=grad.dtype)  # (a.shape); stays 0 where a was cropped
    ga[ctx.attrs["region_in"]] = grad[ctx.attrs["region_out"]]
    return (ga,)
    ### END SOLUTION


@register("clone", saves=())
def clone_backward(ctx: OpContext, grad: np.ndarray) -> Grad:
    """out = a.clone():  d/da = 1."""
    ### BEGIN SOLUTION
    return (grad,)
    ### END SOLUTION
