"""Backward rules of the broadcasting binary ops: add sub mul div pow maximum.

Each takes the output gradient `grad` (the broadcast shape), multiplies it by
the local derivative, and sums it back to each input's own shape with
`unbroadcast`. An input that needs no gradient (a constant, a Python scalar
that arrived as a 0-d tensor) gets None and costs nothing.
"""

from __future__ import annotations

import numpy as np

from ..node import OpContext
from .broadcast import unbroadcast
from .registry import register

Grads = tuple["np.ndarray | None", "np.ndarray | None"]


@register("add", saves=())
def add_backward(ctx: OpContext, grad: np.ndarray) -> Grads:
    """out = a + b:  d/da = 1,  d/db = 1."""
    ### BEGIN SOLUTION
    a, b = ctx.inputs
    need_a, need_b = ctx.needs_input_grad
    return (
        unbroadcast(grad, a.shape) if need_a else None,
        unbroadcast(grad, b.shape) if need_b else None,
    )
    ### END SOLUTION


@register("sub", saves=())
def sub_backward(ctx: OpContext, grad: np.ndarray) -> Grads:
    """out = a - b:  d/da = 1,  d/db = -1."""
    ### BEGIN SOLUTION
    a, b = ctx.inputs
    need_a, need_b = ctx.needs_input_grad
    return (
        unbroadcast(grad, a.shape) if need_a else None,
        unbroadcast(-grad, b.shape) if need_b else None,
    )
    ### END SOLUTION


@register("mul", saves=((0, 1), (1, 0)))
def mul_backward(ctx: OpContext, grad: np.ndarray) -> Grads:
    """out = a * b:  d/da = b,  d/db = a."""
    ### BEGIN SOLUTION
    a, b = ctx.inputs
    need_a, need_b = ctx.needs_input_grad
    return (
        unbroadcast(grad * b, a.shape) if need_a else None,
        unbroadcast(grad * a, b.shape) if need_b else None,
    )
    ### END SOLUTION


@register("div", saves=(1, (0, 1)))
def div_backward(ctx: OpContext, grad: np.ndarray) -> Grads:
    """out = a / b:  d/da = 1 / b,  d/db = -a / b**2."""
    ### BEGIN SOLUTION
    a, b = ctx.inputs
    need_a, need_b = ctx.needs_input_grad
    return (
        unbroadcast(grad / b, a.shape) if need_a else None,
        unbroadcast(-grad * a / (b * b), b.shape) if need_b else None,
    )
    ### END SOLUTION


@register("pow", saves=(0, 1, ("out", 1)))
def pow_backward(ctx: OpContext, grad: np.ndarray) -> Grads:
    """out = a ** b:  d/da = b * a**(b - 1),  d/db = a**b * log(a).

    PyTorch's conventions at the edges: d/da is 0 where b == 0 (a**0 is the
    constant 1, even at a = 0), and d/db is 0 where a == 0 and b >= 0 (the
    limit of a**b * log(a)); for a < 0, log(a) is nan, and so is d/db.
    """
    ### BEGIN SOLUTION
    a, b = ctx.inputs
    need_a, need_b = ctx.needs_input_grad
    ga = gb = None
    with np.errstate(divide="ignore", invalid="ignore"):
        if need_a:
            ga = unbroadcast(np.where(b == 0, 0, grad * b * a ** (b - 1)), a.shape)
        if need_b:
            gb = unbroadcast(np.where((a == 0) & (b >= 0), 0, grad * ctx.out * np.log(a)), b.shape)
    return ga, gb
    ### END SOLUTION


@register("maximum", saves=(0, 1))
def maximum_backward(ctx: OpContext, grad: np.ndarray) -> Grads:
    """out = maximum(a, b):  the gradient goes to the larger input.

    d/da = 1 where a > b, 0 where a < b; at a tie (a == b) the gradient is
    split evenly, 1/2 to each, as in PyTorch.
    """
    ### BEGIN SOLUTION
    a, b = ctx.inputs
    need_a, need_b = ctx.needs_input_grad
    tie = 0.5 * (a == b)  # 0.5 at a tie, else 0
    ga = gb = None
    if need_a:
        ga = unbroadcast(grad * ((a > b) + tie).astype(grad.dtype), a.shape)
    if need_b:
        gb = unbroadcast(grad * ((b > a) + tie).astype(grad.dtype), b.shape)
    return ga, gb
    ### END SOLUTION
