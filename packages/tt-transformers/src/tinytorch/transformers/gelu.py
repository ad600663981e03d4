"""gelu_fused: GELU as one primitive with a hand-written backward.

GELU(x) = x * Phi(x), Phi the standard normal CDF. The transformer's MLP
applies it to the widest activation of the model, (B*T, 4C), so its cost
matters. Built from tensor primitives (`tinytorch.activations.gelu`, the
teaching twin) the tanh form records seven nodes and keeps each
intermediate for backward; as one `Function` it keeps only the input and
one array derived from it, and differentiates by hand:

    tanh form:  y = x * s,  s = sigmoid(2u),  u = sqrt(2/pi) (x + 0.044715 x^3)
                dy/dx = s + x * 2 s (1 - s) * sqrt(2/pi) (1 + 3 * 0.044715 x^2)
    exact form: y = x * Phi(x)
                dy/dx = Phi(x) + x * phi(x),  phi(x) = exp(-x^2 / 2) / sqrt(2 pi)

Cost: forward about 8 passes over the input (tanh) or one erf plus 3
(exact); backward about 8. Memory kept for backward: x and s (or Phi),
two input-sized arrays.
"""

from __future__ import annotations

import math

import numpy as np
from tinytorch.autograd import Function, FunctionCtx, no_grad
from tinytorch.tensor import DTypeError, Tensor

_C = math.sqrt(2.0 / math.pi)
_A = 0.044715
_APPROXIMATIONS = ("none", "tanh")


def _sigmoid(z: np.ndarray) -> np.ndarray:
    """1 / (1 + exp(-z)) without overflow warnings (exp(-z) = inf gives exactly 0)."""
    with np.errstate(over="ignore"):
        out = np.exp(-z)
    out += 1.0
    return np.reciprocal(out, out=out)


class _GELUFunction(Function):
    """x -> x * Phi(x), exact or tanh-approximated, one node."""

    @staticmethod
    def forward(ctx: FunctionCtx, x: np.ndarray, *, approximate: str) -> np.ndarray:
        ### BEGIN SOLUTION
        if approximate == "tanh":
            u = x * x
            u *= _A
            u += 1.0
            u *= x
            u *= 2.0 * _C  # 2u = 2 sqrt(2/pi) (x + a x^3)
            gate = _sigmoid(u)  # s = (1 + tanh(u)) / 2, computed without cancellation
        else:
            with no_grad():
                gate = Tensor(x * (1.0 / math.sqrt(2.0))).erf().data
            gate += 1.0
            gate *= 0.5  # Phi(x)
        ctx.save_for_backward(x, gate)
        ctx.approximate = approximate
        return x * gate
        ### END SOLUTION

    @staticmethod
    def backward(ctx: FunctionCtx, grad: np.ndarray) -> np.ndarray:
        ### BEGIN SOLUTION
        x, gate = ctx.saved_tensors
        if ctx.approximate == "tanh":
            # x * 2 s (1 - s) * sqrt(2/pi) (1 + 3 a x^2), then + s
            d = x * x
            d *= 3.0 * _A * 2.0 * _C
            d += 2.0 * _C
            d *= x
            d *= gate
            d *= 1.0 - gate
        else:
            d = x * x
            d *= -0.5
            np.exp(d, out=d)
            d *= x
            d *= 1.0 / math.sqrt(2.0 * math.pi)  # x * phi(x)
        d += gate
        d *= grad
        return d
        ### END SOLUTION


def gelu_fused(x: Tensor, approximate: str = "tanh") -> Tensor:
    """GELU of a floating-point tensor, one autograd node; equals `tinytorch.activations.gelu`.

    `approximate='tanh'` (the default here, GPT-2's form) or `'none'` (the
    exact erf form), as `torch.nn.functional.gelu`. Errors: another
    approximation, a non-Tensor or an integer tensor.
    """
    if approximate not in _APPROXIMATIONS:
        raise ValueError(f"gelu_fused: approximate must be 'none' or 'tanh', got {approximate!r}")
    if not isinstance(x, Tensor):
        raise TypeError(f"gelu_fused: expected a Tensor, got {type(x).__name__}")
    if x.data.dtype.kind != "f":
        raise DTypeError(f"gelu_fused: input must be floating point, got dtype {x.data.dtype}")
    ### BEGIN SOLUTION
    return _GELUFunction.apply(x, approximate=approximate)
    ### END SOLUTION
