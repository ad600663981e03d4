"""cast: a differentiable change of number format.

`Tensor.to(dtype)` is not differentiable (module 02): it refuses a tensor
that requires a gradient. Mixed precision needs a cast in the middle of the
graph: the input batch becomes half precision before the first layer, the
logits become float32 again before the loss. `cast(x, dtype)` is that cast,
as one primitive (a `Function`):

- forward: `x` rounded to the format (`StorageFormat.round`): a float16
  array, or float32 values rounded to bfloat16, or a plain float32/float64
  cast;
- backward: the gradient is rounded to the same format (a half-precision
  tensor has a half-precision gradient, as in PyTorch) and then given the
  input's dtype. Rounding is not smooth, but a cast's gradient is, by
  convention, the identity: the change of format is not part of the maths.

Cost: one pass over the array each way; the output costs its format's bytes.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from tinytorch.autograd import Function, FunctionCtx
from tinytorch.tensor import DTypeError, Tensor

from .formats import StorageFormat, storage_format


class CastFunction(Function):
    """The cast primitive: round to a format forward, round the gradient back."""

    @staticmethod
    def forward(ctx: FunctionCtx, x: np.ndarray, fmt: StorageFormat) -> np.ndarray:
        """x (any float dtype) -> x rounded to `fmt`, dtype `fmt.flow`."""
        ### BEGIN SOLUTION
        ctx.fmt, ctx.dtype = fmt, x.dtype
        return fmt.round(x)
        ### END SOLUTION

    @staticmethod
    def backward(ctx: FunctionCtx, grad: np.ndarray) -> tuple[Any, None]:
        """The gradient rounded to the format, in the input's dtype."""
        ### BEGIN SOLUTION
        return ctx.fmt.round(grad).astype(ctx.dtype, copy=False), None
        ### END SOLUTION


def cast(x: Tensor, dtype: Any) -> Tensor:
    """`x` in the format `dtype` ("float16", "bfloat16", "float32", "float64"), differentiable.

    Raises DTypeError for a non-float tensor and UnsupportedDTypeError for a
    format that cannot be emulated.
    """
    if not isinstance(x, Tensor):
        raise TypeError(f"cast: expected a Tensor, got {type(x).__name__}")
    fmt = storage_format(dtype)
    if x.dtype.kind != "f":
        raise DTypeError(f"cast: expected a floating point tensor, got dtype {x.dtype}")
    ### BEGIN SOLUTION
    if fmt.name != "bfloat16" and x.dtype == fmt.flow:
        return x  # already in that format: no copy, as `Tensor.to`
    return CastFunction.apply(x, fmt)
    ### END SOLUTION
