"""Flatten: the bridge from feature maps to a Linear classifier."""

from __future__ import annotations

from tinytorch.layers import Module
from tinytorch.tensor import Tensor, flatten


class Flatten(Module):
    """Merge dimensions start_dim..end_dim into one, PyTorch's `nn.Flatten`.

    The default keeps the batch: (N, C, H, W) -> (N, C*H*W). A reshape: a
    view when the memory allows, no arithmetic.
    """

    def __init__(self, start_dim: int = 1, end_dim: int = -1) -> None:
        super().__init__()
        self.start_dim, self.end_dim = start_dim, end_dim

    def forward(self, x: Tensor) -> Tensor:
        """(N, C, H, W) -> (N, C*H*W) with the defaults."""
        ### BEGIN SOLUTION
        return flatten(x, self.start_dim, self.end_dim)
        ### END SOLUTION

    def extra_repr(self) -> str:
        return f"start_dim={self.start_dim}, end_dim={self.end_dim}"
