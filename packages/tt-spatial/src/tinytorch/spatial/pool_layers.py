"""MaxPool2d, AvgPool2d, AdaptiveAvgPool2d: pooling layers (no parameters)."""

from __future__ import annotations

from typing import Any

from tinytorch.layers import Module
from tinytorch.tensor import Tensor

from .adaptive import adaptive_avg_pool2d
from .pool import avg_pool2d, max_pool2d


class _Pool2d(Module):
    """What the window pools share: kernel_size, stride (default: kernel_size), padding."""

    def __init__(self, kernel_size: Any, stride: Any = None, padding: Any = 0) -> None:
        super().__init__()
        self.kernel_size = kernel_size
        self.stride = kernel_size if stride is None else stride
        self.padding = padding

    def extra_repr(self) -> str:
        return f"kernel_size={self.kernel_size}, stride={self.stride}, padding={self.padding}"


class MaxPool2d(_Pool2d):
    """Maximum over kernel_size windows, PyTorch's `nn.MaxPool2d`.

    stride defaults to kernel_size; padding pads with -inf. No parameters:
    a 2x2 pool halves height and width, so the next layer costs 4x less.
    """

    def forward(self, x: Tensor) -> Tensor:
        """(N, C, H, W) -> (N, C, OH, OW)."""
        ### BEGIN SOLUTION
        return max_pool2d(x, self.kernel_size, self.stride, self.padding)
        ### END SOLUTION


class AvgPool2d(_Pool2d):
    """Mean over kernel_size windows, PyTorch's `nn.AvgPool2d` (padding counts as zeros)."""

    def forward(self, x: Tensor) -> Tensor:
        """(N, C, H, W) -> (N, C, OH, OW)."""
        ### BEGIN SOLUTION
        return avg_pool2d(x, self.kernel_size, self.stride, self.padding)
        ### END SOLUTION


class AdaptiveAvgPool2d(Module):
    """Average-pool to a fixed output_size whatever the input size (`nn.AdaptiveAvgPool2d`)."""

    def __init__(self, output_size: Any) -> None:
        super().__init__()
        self.output_size = output_size

    def forward(self, x: Tensor) -> Tensor:
        """(N, C, H, W) -> (N, C, *output_size)."""
        ### BEGIN SOLUTION
        return adaptive_avg_pool2d(x, self.output_size)
        ### END SOLUTION

    def extra_repr(self) -> str:
        return f"output_size={self.output_size}"
