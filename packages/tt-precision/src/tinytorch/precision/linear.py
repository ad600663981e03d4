"""Linear in mixed precision: half-precision storage, float32 products.

`MixedLinearFunction` is `y = x @ W.T + b` as one primitive that keeps, for
backward, only half-precision copies:

- forward: the float32 master weight is rounded to the format and stored
  (`W_h`: 2 bytes a number); the product is computed in float32 from the
  half-precision input and `W_h` read back as float32, the float32 bias is
  added, and the result is rounded to the format (it flows on in half);
- saved for backward: the input in half (for float16 it already is half: no
  copy) and `W_h`. So the graph holds 2 bytes per activation, not 4;
- backward, again in float32: dx = g @ W_h (rounded back to the input's
  format), dW = g^T @ x (float32: it goes to the float32 master weight),
  db = g summed over the batch.

Why never compute in float16: NumPy has no fast float16 matrix product (no
BLAS for it; it loops in C with conversions, two orders of magnitude
slower than float32's GEMM: benchmarks/mixed_precision.py measures it). The
hardware that makes float16 fast (tensor cores) is not here; what half
precision still buys on a CPU is memory, and that is what this layer keeps.

Cost: the float32 matmul FLOPs of `Linear` (2*N*in*out forward, twice that
backward), plus casts: the half input to float32 (N*in numbers) and the
weight to half and back (in*out) each pass.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from tinytorch.autograd import Function, FunctionCtx
from tinytorch.layers import Linear, Module, Parameter
from tinytorch.tensor import DTypeError, ShapeError, Tensor

from .formats import StorageFormat, storage_format


class MixedLinearFunction(Function):
    """The mixed-precision linear primitive (see the module docstring)."""

    @staticmethod
    def forward(ctx: FunctionCtx, x: np.ndarray, weight: np.ndarray, bias: np.ndarray | None,
                fmt: StorageFormat) -> np.ndarray:
        """(..., in), (out, in) master, (out,) master or None -> (..., out) in `fmt`."""
        ### BEGIN SOLUTION
        w_stored = fmt.store(weight)  # (out, in), 2 bytes a number for a half format
        w = fmt.load(w_stored)
        x2 = x.reshape(-1, x.shape[-1]).astype(fmt.compute, copy=False)  # (N, in)
        y = x2 @ w.T  # (N, out), computed in float32 (or the exact format's dtype)
        if bias is not None:
            y += bias.astype(fmt.compute, copy=False)
        ctx.save_for_backward(fmt.store(x), w_stored)
        ctx.fmt, ctx.x_dtype, ctx.w_dtype = fmt, x.dtype, weight.dtype
        return fmt.round(y).reshape(*x.shape[:-1], w.shape[0])
        ### END SOLUTION

    @staticmethod
    def backward(ctx: FunctionCtx, grad: np.ndarray) -> tuple[Any, ...]:
        """Gradients for (x, weight, bias, fmt), computed in float32."""
        ### BEGIN SOLUTION
        x_stored, w_stored = ctx.saved_tensors
        fmt = ctx.fmt
        g = grad.reshape(-1, grad.shape[-1]).astype(fmt.compute, copy=False)  # (N, out)
        dx = dw = db = None
        if ctx.needs_input_grad[0]:
            dx = fmt.round(g @ fmt.load(w_stored))  # (N, in)
            dx = dx.astype(ctx.x_dtype, copy=False).reshape(*grad.shape[:-1], -1)
        if ctx.needs_input_grad[1]:
            x = fmt.load(x_stored)
            dw = (g.T @ x.reshape(-1, x.shape[-1])).astype(ctx.w_dtype, copy=False)
        if ctx.needs_input_grad[2]:
            db = g.sum(axis=0).astype(ctx.w_dtype, copy=False)
        return dx, dw, db, None
        ### END SOLUTION


def mixed_linear(x: Tensor, weight: Tensor, bias: Tensor | None = None,
                 dtype: Any = "float16") -> Tensor:
    """`x @ weight.T + bias` stored in `dtype`, computed in float32 (float64 for "float64").

    x: (..., in) in any float dtype; weight: (out, in) and bias: (out,), the
    float32 master copies (or float64). The result has dtype
    `storage_format(dtype).flow`: float16 for "float16", float32 holding
    bfloat16 values for "bfloat16".
    """
    fmt = storage_format(dtype)
    for name, t in (("input", x), ("weight", weight), ("bias", bias)):
        if t is None and name == "bias":
            continue
        if not isinstance(t, Tensor):
            raise TypeError(f"mixed_linear: {name} must be a Tensor, got {type(t).__name__}")
        if t.dtype.kind != "f":
            raise DTypeError(f"mixed_linear: {name} must be floating point, got {t.dtype}")
    if weight.ndim != 2 or x.ndim == 0 or x.shape[-1] != weight.shape[1]:
        raise ShapeError(f"mixed_linear: input {tuple(x.shape)} and weight "
                         f"{tuple(weight.shape)}: the input's last dimension must equal "
                         "weight's second (in_features)")
    if bias is not None and tuple(bias.shape) != (weight.shape[0],):
        raise ShapeError(f"mixed_linear: bias must have shape ({weight.shape[0]},), "
                         f"got {tuple(bias.shape)}")
    ### BEGIN SOLUTION
    return MixedLinearFunction.apply(x, weight, bias, fmt)
    ### END SOLUTION


class MixedLinear(Module):
    """A `Linear` that stores its activations and weight copies in half precision.

    It owns the same `weight` (out, in) and `bias` (out,) Parameters as a
    Linear: the float32 master weights the optimizer updates. Build one from
    an existing layer with `MixedLinear.from_linear(layer, "float16")`, which
    shares (does not copy) its parameters. Cost: see `MixedLinearFunction`.
    """

    def __init__(self, weight: Parameter, bias: Parameter | None, dtype: Any = "float16") -> None:
        super().__init__()
        if not isinstance(weight, Parameter) or weight.ndim != 2:
            raise TypeError("MixedLinear: weight must be a 2-D Parameter (out, in)")
        self.fmt = storage_format(dtype)
        self.out_features, self.in_features = (int(s) for s in weight.shape)
        self.weight = weight
        if bias is None:
            self.register_parameter("bias", None)
        else:
            self.bias = bias

    @classmethod
    def from_linear(cls, layer: Linear, dtype: Any = "float16") -> MixedLinear:
        """The mixed-precision twin of `layer`, sharing its Parameters."""
        return cls(layer.weight, layer.bias, dtype)

    def forward(self, x: Tensor) -> Tensor:
        """(..., in_features) -> (..., out_features) in the storage format."""
        ### BEGIN SOLUTION
        return mixed_linear(x, self.weight, self.bias, self.fmt)
        ### END SOLUTION

    def extra_repr(self) -> str:
        return (f"in_features={self.in_features}, out_features={self.out_features}, "
                f"bias={self.bias is not None}, dtype={self.fmt.name}")
