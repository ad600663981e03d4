"""Backward rules of the trigonometric ops: sin cos.

d sin(a) / da = cos(a) and d cos(a) / da = -sin(a): one transcendental pass
over the input each, read from the saved input `a` (the output alone would
not say which branch of arcsin to take).
"""

from __future__ import annotations

import numpy as np

from ..node import OpContext
from .registry import register

Grad = tuple["np.ndarray | None"]


@register("sin", saves=(0,))
def sin_backward(ctx: OpContext, grad: np.ndarray) -> Grad:
    """out = sin(a):  d/da = cos(a)."""
    ### BEGIN SOLUTION
    (a,) = ctx.inputs
    return (grad * np.cos(a),)
    ### END SOLUTION


@register("cos", saves=(0,))
def cos_backward(ctx: OpContext, grad: np.ndarray) -> Grad:
    """out = cos(a):  d/da = -sin(a)."""
    ### BEGIN SOLUTION
    (a,) = ctx.inputs
    return (-grad * np.sin(a),)
    ### END SOLUTION
