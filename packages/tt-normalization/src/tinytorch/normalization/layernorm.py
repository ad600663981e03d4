"""LayerNorm: layer normalization over the last dimensions of each sample."""

from __future__ import annotations

import numpy as np
from tinytorch.layers import Module, Parameter
from tinytorch.tensor import Tensor

from ._checks import check_number
from .layer_norm import layer_norm
from .layer_norm_checks import normalized_shape_of


class LayerNorm(Module):
    """Normalize each sample over its trailing `normalized_shape` dims, then scale and shift.

    As `torch.nn.LayerNorm(normalized_shape, eps=1e-5, elementwise_affine=True,
    bias=True)`: `weight` (ones) and `bias` (zeros) of shape
    `normalized_shape` when `elementwise_affine=True` (`bias=False` drops the
    bias alone). No buffers and no train/eval difference: the statistics are
    each sample's own. `LayerNorm(d)` on (N, T, d) normalizes every token.

    Cost: 2 * prod(normalized_shape) parameters; see `layer_norm`.
    """

    def __init__(
        self,
        normalized_shape: int | tuple[int, ...] | list[int],
        eps: float = 1e-5,
        elementwise_affine: bool = True,
        bias: bool = True,
        dtype: np.dtype | type | str | None = None,
    ) -> None:
        super().__init__()
        self.normalized_shape = normalized_shape_of("LayerNorm", normalized_shape)
        check_number("LayerNorm", "eps", eps, 0.0)
        dt = np.dtype(np.float32 if dtype is None else dtype)
        if dt.kind != "f":
            raise TypeError(f"LayerNorm: dtype must be a floating-point type, got {dt}")
        self.eps = eps
        self.elementwise_affine = bool(elementwise_affine)
        ### BEGIN SOLUTION
        if self.elementwise_affine:
            self.weight = Parameter(np.ones(self.normalized_shape, dtype=dt))
            if bias:
                self.bias = Parameter(np.zeros(self.normalized_shape, dtype=dt))
            else:
                self.register_parameter("bias", None)
        else:
            self.register_parameter("weight", None)
            self.register_parameter("bias", None)
        ### END SOLUTION

    def forward(self, input: Tensor) -> Tensor:
        """(*, *normalized_shape) -> the same shape, each sample normalized."""
        ### BEGIN SOLUTION
        return layer_norm(input, self.normalized_shape, self.weight, self.bias, self.eps)
        ### END SOLUTION

    def extra_repr(self) -> str:
        return (
            f"{self.normalized_shape}, eps={self.eps}, "
            f"elementwise_affine={self.elementwise_affine}"
        )
