"""Linear: the fully connected layer y = x W^T + b."""

from __future__ import annotations

import math

import numpy as np
from tinytorch.tensor import Tensor

from . import init
from .module import Module
from .parameter import Parameter


class Linear(Module):
    """Fully connected layer: `y = x @ weight.T + bias`.

    `weight` has shape (out_features, in_features), as in PyTorch, so row
    `j` holds the weights of output unit `j`; `bias` has shape
    (out_features,) (or is None with `bias=False`). The input may have any
    number of leading dimensions: (..., in_features) -> (..., out_features).

    Initialisation is PyTorch's default: `kaiming_uniform_(weight,
    a=sqrt(5))`, that is U(-1/sqrt(in), 1/sqrt(in)), and the bias from the
    same range. Weights and bias are drawn, in that order, from
    `tinytorch.tensor.default_generator()`, so a seed fixes them.

    Cost: 2 * batch * in * out FLOPs forward; (in + 1) * out parameters.
    """

    def __init__(
        self,
        in_features: int,
        out_features: int,
        bias: bool = True,
        dtype: np.dtype | type | str | None = None,
    ) -> None:
        super().__init__()
        for name, value in (("in_features", in_features), ("out_features", out_features)):
            if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < 0:
                raise ValueError(f"Linear: {name} must be a non-negative int, got {value!r}")
        dt = np.dtype(np.float32 if dtype is None else dtype)
        if dt.kind != "f":
            raise TypeError(f"Linear: dtype must be a floating-point type, got {dt}")
        self.in_features = int(in_features)
        self.out_features = int(out_features)
        ### BEGIN SOLUTION
        self.weight = Parameter(np.zeros((self.out_features, self.in_features), dtype=dt))
        if bias:
            self.bias = Parameter(np.zeros((self.out_features,), dtype=dt))
        else:
            self.register_parameter("bias", None)
        self.reset_parameters()
        ### END SOLUTION

    def reset_parameters(self) -> None:
        """Draw fresh weights and bias with PyTorch's default scheme."""
        ### BEGIN SOLUTION
        init.kaiming_uniform_(self.weight, a=math.sqrt(5))
        if self.bias is not None:
            bound = 1.0 / math.sqrt(self.in_features) if self.in_features > 0 else 0.0
            init.uniform_(self.bias, -bound, bound)
        ### END SOLUTION

    def forward(self, x: Tensor) -> Tensor:
        """(..., in_features) -> (..., out_features)."""
        if not isinstance(x, Tensor):
            raise TypeError(f"{self!r}: expected a Tensor input, got {type(x).__name__}")
        if x.ndim == 0 or x.shape[-1] != self.in_features:
            width = x.shape[-1] if x.ndim else "none (a 0-d tensor)"
            raise ValueError(
                f"{self!r}: input of shape {tuple(x.shape)} has last dimension {width}, "
                f"expected in_features={self.in_features}"
            )
        ### BEGIN SOLUTION
        y = x @ self.weight.transpose(0, 1)  # (..., in) @ (in, out) -> (..., out)
        if self.bias is not None:
            y = y + self.bias  # broadcast over the leading dimensions
        return y
        ### END SOLUTION

    def extra_repr(self) -> str:
        return (
            f"in_features={self.in_features}, out_features={self.out_features}, "
            f"bias={self.bias is not None}"
        )
