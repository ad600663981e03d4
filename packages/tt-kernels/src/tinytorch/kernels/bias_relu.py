"""bias_relu: `relu(x + bias)` as ONE primitive with a hand-written backward.

Every hidden layer of an MLP ends with it: `Linear` adds its bias, then
the ReLU. Built from tensor primitives (`bias_relu_composite`, the
teaching twin) that is two graph nodes, `add` and `relu`'s `where(x > 0,
x, 0)` (tt-tensor runs `where` as a branch-free bit select: a mask pass
and one or two bitwise passes), each writing a new (N, D) array; backward
runs `where`'s rule and then `add`'s, which reduces the bias gradient in
another pass. None of it is arithmetic-heavy: one add and one max per
number. The time goes into moving the arrays through memory, so doing
fewer passes is the whole game. Fused:

    forward:   y = max(x, -bias);  y += bias in place        (2 passes, 1 new array)
    backward:  dx = g * (y > 0);  dbias = sum of dx over the rows

`max(x, -bias) + bias` has exactly the bits of `max(x + bias, 0)`: where
x > -bias both add the same two numbers, elsewhere -bias + bias is +0.0
(x + bias is computed exactly when x is that close to -bias). A NaN in x
stays NaN, as with PyTorch's relu (the twin's `where` gives 0 there).
The output doubles as the mask (y > 0 exactly where x + bias > 0), so
nothing but `y` is kept for backward. Cost for (N, D): 2 N D FLOPs
forward and about 3 N D backward; memory: the output only.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from tinytorch.activations import relu
from tinytorch.autograd import Function, FunctionCtx
from tinytorch.tensor import DTypeError, ShapeError, Tensor


def check_bias_relu(op: str, x: Any, bias: Any) -> None:
    """x a float Tensor (..., D), bias a Tensor (D,) of x's dtype, or a named error."""
    for name, t in (("x", x), ("bias", bias)):
        if not isinstance(t, Tensor):
            raise TypeError(f"{op}: {name} must be a Tensor, got {type(t).__name__}")
        if t.data.dtype.kind != "f":
            raise DTypeError(f"{op}: {name} must be floating point, got dtype {t.data.dtype}")
    if x.ndim < 1 or bias.ndim != 1 or bias.shape[0] != x.shape[-1]:
        raise ShapeError(
            f"{op}: bias of shape {tuple(bias.shape)} does not fit x of shape {tuple(x.shape)}: "
            f"expected a bias of shape ({x.shape[-1] if x.ndim else '?'},), one per feature"
        )
    if bias.data.dtype != x.data.dtype:
        raise DTypeError(f"{op}: bias is {bias.data.dtype} but x is {x.data.dtype}; "
                         "use one floating point dtype")


class BiasReLUFunction(Function):
    """(x (..., D), bias (D,)) -> max(x + bias, 0), one node; keeps only the output."""

    @staticmethod
    def forward(ctx: FunctionCtx, x: np.ndarray, bias: np.ndarray) -> np.ndarray:
        ### BEGIN SOLUTION
        out = np.maximum(x, -bias)  # max(x + bias, 0) - bias, bias broadcast over the rows
        out += bias  # exactly x + bias where positive, +0.0 elsewhere
        ctx.save_for_backward(out)  # out > 0 is the mask
        return out
        ### END SOLUTION

    @staticmethod
    def backward(ctx: FunctionCtx, grad: np.ndarray) -> tuple[np.ndarray | None, ...]:
        ### BEGIN SOLUTION
        (out,) = ctx.saved_tensors
        need_x, need_bias = ctx.needs_input_grad
        d = np.multiply(grad, out > 0)  # dL/d(x + bias); bool * float keeps the float dtype
        dbias = np.einsum("rd->d", d.reshape(-1, out.shape[-1])) if need_bias else None
        return (d if need_x else None), dbias
        ### END SOLUTION


def bias_relu(x: Tensor, bias: Tensor) -> Tensor:
    """`relu(x + bias)` with `bias` (D,) added to every row of `x` (..., D): one autograd node.

    Equals `bias_relu_composite` (and PyTorch's `F.relu(x + bias)`) in value
    and gradient; the gradient at exactly 0 is 0, as `relu`'s. Errors,
    before any work: a non-Tensor or integer argument, a bias that is not
    (D,) for x's last dim D, a bias of another dtype.
    """
    check_bias_relu("bias_relu", x, bias)
    ### BEGIN SOLUTION
    return BiasReLUFunction.apply(x, bias)
    ### END SOLUTION


def bias_relu_composite(x: Tensor, bias: Tensor) -> Tensor:
    """`bias_relu` from tensor primitives (`add`, then module 3's `relu`): the teaching twin."""
    check_bias_relu("bias_relu_composite", x, bias)
    ### BEGIN SOLUTION
    return relu(x + bias)
    ### END SOLUTION
