"""LinearReLU: `Linear` then `ReLU` as one layer whose bias and ReLU run as one primitive."""

from __future__ import annotations

from tinytorch.activations import relu
from tinytorch.layers import Linear, Module
from tinytorch.tensor import Tensor

from .bias_relu import bias_relu


class LinearReLU(Module):
    """`relu(x @ weight.T + bias)`: the matmul on BLAS, then the fused `bias_relu`.

    Holds `weight` (out, in) and `bias` (out,) under the same names as
    `Linear`, so a `state_dict` of the pair's Linear loads into it and back.
    `LinearReLU(linear)` SHARES the Linear's Parameters (the same objects):
    an optimizer built on the original model keeps training it. This is
    what `use_fused` puts in place of a `Linear` followed by a `ReLU` in a
    `Sequential` (PyTorch's quantization toolkit fuses the same pair into
    its `LinearReLU`). `fused = False` runs the composite (`matmul`, `add`,
    `relu`): the same numbers.

    Cost: the Linear's 2 N in out FLOPs; the bias and ReLU as one node, in
    fewer passes over the (N, out) output, keeping only that output.
    """

    def __init__(self, linear: Linear) -> None:
        super().__init__()
        if not isinstance(linear, Linear):
            raise TypeError(f"LinearReLU: expected a Linear, got {type(linear).__name__}")
        if linear.bias is None:
            raise ValueError("LinearReLU: the Linear has no bias (bias=False): "
                             "there is nothing to fuse with the ReLU")
        self.in_features, self.out_features = linear.in_features, linear.out_features
        self.weight = linear.weight  # the same Parameter objects: shared, not copied
        self.bias = linear.bias
        self.fused = True

    def forward(self, x: Tensor) -> Tensor:
        """(..., in_features) -> (..., out_features), every value >= 0."""
        if not isinstance(x, Tensor):
            raise TypeError(f"LinearReLU: expected a Tensor input, got {type(x).__name__}")
        if x.ndim == 0 or x.shape[-1] != self.in_features:
            raise ValueError(
                f"LinearReLU: input of shape {tuple(x.shape)} does not end in "
                f"in_features={self.in_features}"
            )
        ### BEGIN SOLUTION
        y = x @ self.weight.transpose(0, 1)  # (..., in) @ (in, out), as Linear
        if self.fused:
            return bias_relu(y, self.bias)
        return relu(y + self.bias)
        ### END SOLUTION

    def extra_repr(self) -> str:
        return (f"in_features={self.in_features}, out_features={self.out_features}, "
                f"fused={self.fused}")
