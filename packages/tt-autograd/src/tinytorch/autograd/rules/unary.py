"""Backward rules of the elementwise one-input ops: neg exp log sqrt abs tanh erf.

All follow the chain rule `grad_in = grad_out * f'(a)`, elementwise, so each
costs one or two array operations of the input's size. Where `f'` is cheaper to
write with the output (exp, sqrt, tanh), the rule reads the saved output
`ctx.out` instead of recomputing `f(a)`.
"""

from __future__ import annotations

import math

import numpy as np

from ..node import OpContext
from .registry import register

Grad = tuple["np.ndarray | None"]

_TWO_OVER_SQRT_PI = 2.0 / math.sqrt(math.pi)


@register("neg", saves=())
def neg_backward(ctx: OpContext, grad: np.ndarray) -> Grad:
    """out = -a:  d/da = -1."""
    ### BEGIN SOLUTION
    return (-grad,)
    ### END SOLUTION


@register("exp", saves=("out",))
def exp_backward(ctx: OpContext, grad: np.ndarray) -> Grad:
    """out = exp(a):  d/da = exp(a) = out."""
    ### BEGIN SOLUTION
    return (grad * ctx.out,)
    ### END SOLUTION


@register("log", saves=(0,))
def log_backward(ctx: OpContext, grad: np.ndarray) -> Grad:
    """out = log(a):  d/da = 1 / a."""
    ### BEGIN SOLUTION
    (a,) = ctx.inputs
    return (grad / a,)
    ### END SOLUTION


@register("sqrt", saves=("out",))
def sqrt_backward(ctx: OpContext, grad: np.ndarray) -> Grad:
    """out = sqrt(a):  d/da = 1 / (2 sqrt(a)) = 1 / (2 out)  (inf at a = 0, as in PyTorch)."""
    ### BEGIN SOLUTION
    with np.errstate(divide="ignore"):
        return (grad / (2 * ctx.out),)
    ### END SOLUTION


@register("abs", saves=(0,))
def abs_backward(ctx: OpContext, grad: np.ndarray) -> Grad:
    """out = |a|:  d/da = sign(a), taken as 0 at a = 0 (PyTorch's choice)."""
    ### BEGIN SOLUTION
    (a,) = ctx.inputs
    return (grad * np.sign(a),)
    ### END SOLUTION


@register("tanh", saves=("out",))
def tanh_backward(ctx: OpContext, grad: np.ndarray) -> Grad:
    """out = tanh(a):  d/da = 1 - tanh(a)**2 = 1 - out**2."""
    ### BEGIN SOLUTION
    return (grad * (1 - ctx.out * ctx.out),)
    ### END SOLUTION


@register("erf", saves=(0,))
def erf_backward(ctx: OpContext, grad: np.ndarray) -> Grad:
    """out = erf(a):  d/da = 2 / sqrt(pi) * exp(-a**2)  (the Gaussian, scaled)."""
    ### BEGIN SOLUTION
    (a,) = ctx.inputs
    return (grad * _TWO_OVER_SQRT_PI * np.exp(-a * a),)
    ### END SOLUTION
