"""Conv2d: the convolutional layer, a Module that owns its filters."""

from __future__ import annotations

import math
from typing import Any

import numpy as np
from tinytorch.layers import Module, Parameter, init
from tinytorch.tensor import ShapeError, Tensor

from .conv import conv2d
from .geometry import pair


class Conv2d(Module):
    """2-D convolution layer over (N, C, H, W) images, PyTorch's `nn.Conv2d`.

    `weight` has shape (out_channels, in_channels // groups, kH, kW): one
    filter per output channel, looking at every input channel of its group
    through a kH x kW window. `bias` has shape (out_channels,) (or is None).
    The same small filter slides over the whole image, so a layer has only
    out * in/groups * kH * kW (+ out) parameters whatever the image size:
    LeNet's 6 -> 16 5x5 layer has 2,416, where a Linear layer between the
    same 6x14x14 and 16x10x10 maps would need 1.9 million.

    Initialisation is PyTorch's: `kaiming_uniform_(weight, a=sqrt(5))`, that
    is U(-1/sqrt(fan_in), 1/sqrt(fan_in)) with fan_in = in/groups * kH * kW,
    and the bias from the same range, drawn in that order from
    `tinytorch.tensor.default_generator()`, so `manual_seed` fixes them.

    Cost: 2 * N * OH * OW * out * in/groups * kH * kW FLOPs forward (one GEMM
    on the im2col matrix), about twice that backward.
    """

    def __init__(
        self,
        in_channels: int,
        out_channels: int,
        kernel_size: Any,
        stride: Any = 1,
        padding: Any = 0,
        dilation: Any = 1,
        groups: int = 1,
        bias: bool = True,
        dtype: np.dtype | type | str | None = None,
    ) -> None:
        super().__init__()
        for name, value in (("in_channels", in_channels), ("out_channels", out_channels),
                            ("groups", groups)):
            if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < 1:
                raise ValueError(f"Conv2d: {name} must be a positive int, got {value!r}")
        if in_channels % groups or out_channels % groups:
            raise ValueError(
                f"Conv2d: groups={groups} must divide both in_channels={in_channels} "
                f"and out_channels={out_channels}"
            )
        dt = np.dtype(np.float32 if dtype is None else dtype)
        if dt.kind != "f":
            raise TypeError(f"Conv2d: dtype must be a floating-point type, got {dt}")
        self.in_channels, self.out_channels, self.groups = (
            int(in_channels), int(out_channels), int(groups))
        self.kernel_size = pair("Conv2d", "kernel_size", kernel_size, 1)
        self.stride = pair("Conv2d", "stride", stride, 1)
        self.dilation = pair("Conv2d", "dilation", dilation, 1)
        if isinstance(padding, str):
            if padding not in ("same", "valid"):
                raise ValueError(f"Conv2d: padding must be 'same', 'valid', an int or a pair, "
                                 f"got {padding!r}")
            if padding == "same" and self.stride != (1, 1):
                raise ValueError("Conv2d: padding='same' is not supported for strided "
                                 f"convolutions (stride={self.stride})")
            self.padding: Any = padding
        else:
            self.padding = pair("Conv2d", "padding", padding, 0)
        ### BEGIN SOLUTION
        shape = (self.out_channels, self.in_channels // self.groups, *self.kernel_size)
        self.weight = Parameter(np.zeros(shape, dtype=dt))
        if bias:
            self.bias = Parameter(np.zeros((self.out_channels,), dtype=dt))
        else:
            self.register_parameter("bias", None)
        self.reset_parameters()
        ### END SOLUTION

    def reset_parameters(self) -> None:
        """Draw fresh weights and bias with PyTorch's default scheme."""
        ### BEGIN SOLUTION
        init.kaiming_uniform_(self.weight, a=math.sqrt(5))
        if self.bias is not None:
            fan_in = self.in_channels // self.groups * self.kernel_size[0] * self.kernel_size[1]
            bound = 1.0 / math.sqrt(fan_in)
            init.uniform_(self.bias, -bound, bound)
        ### END SOLUTION

    def forward(self, x: Tensor) -> Tensor:
        """(N, in_channels, H, W) -> (N, out_channels, OH, OW); 3-D input unbatched."""
        if isinstance(x, Tensor) and x.ndim in (3, 4) and x.shape[-3] != self.in_channels:
            raise ShapeError(
                f"{self!r}: input of shape {tuple(x.shape)} has {x.shape[-3]} channels, "
                f"expected in_channels={self.in_channels}"
            )
        ### BEGIN SOLUTION
        return conv2d(x, self.weight, self.bias, self.stride, self.padding, self.dilation,
                      self.groups)
        ### END SOLUTION

    def extra_repr(self) -> str:
        text = (f"{self.in_channels}, {self.out_channels}, kernel_size={self.kernel_size}, "
                f"stride={self.stride}")
        if self.padding != (0, 0):
            text += f", padding={self.padding!r}"
        if self.dilation != (1, 1):
            text += f", dilation={self.dilation}"
        if self.groups != 1:
            text += f", groups={self.groups}"
        if self.bias is None:
            text += ", bias=False"
        return text
