"""QuantizedConv2d: a Conv2d layer whose filters are stored as int8 or int4 codes."""

from __future__ import annotations

from typing import Any

import numpy as np
from tinytorch.spatial import Conv2d, conv2d
from tinytorch.tensor import ShapeError, Tensor

from .qparams import QuantizationError, QuantParams
from .qweight import QuantizedWeights


def _pair(name: str, value: Any) -> tuple[int, int]:
    """An int or a pair of ints as a pair (conv2d checks the values themselves)."""
    if isinstance(value, (int, np.integer)) and not isinstance(value, bool):
        return int(value), int(value)
    if isinstance(value, (tuple, list)) and len(value) == 2:
        return int(value[0]), int(value[1])
    raise QuantizationError(f"QuantizedConv2d: {name} must be an int or a pair, got {value!r}")


class QuantizedConv2d(QuantizedWeights):
    """`conv2d(x, dequantize(codes), bias)`: a convolution with 8- or 4-bit filters.

    The filters (out, in/groups, kH, kW) are quantised with one scale per
    output channel; the convolution itself is tt-spatial's `conv2d` (im2col
    and one matrix product) on the dequantised float32 filters, so the
    numbers are those of `Conv2d` with rounded weights. Cost per call: the
    convolution's FLOPs plus one pass over the filters (they are small next
    to the im2col matrix). Inference only (see `QuantizedWeights`).
    """

    def __init__(self, in_channels: int, out_channels: int, kernel_size: Any, stride: Any = 1,
                 padding: Any = 0, dilation: Any = 1, groups: int = 1, bias: bool = True,
                 bits: int = 8, per_channel: bool = True, quantize_input: bool = False) -> None:
        for name, value in (("in_channels", in_channels), ("out_channels", out_channels),
                            ("groups", groups)):
            if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < 1:
                raise QuantizationError(f"QuantizedConv2d: {name} must be a positive int, "
                                        f"got {value!r}")
        if in_channels % groups or out_channels % groups:
            raise QuantizationError(f"QuantizedConv2d: groups={groups} must divide "
                                    f"in_channels={in_channels} and out_channels={out_channels}")
        kernel = _pair("kernel_size", kernel_size)
        super().__init__((out_channels, in_channels // groups, *kernel), bias, bits,
                         per_channel, quantize_input)
        self.in_channels, self.out_channels, self.groups = (
            int(in_channels), int(out_channels), int(groups))
        self.kernel_size = kernel
        self.stride, self.dilation = _pair("stride", stride), _pair("dilation", dilation)
        self.padding = padding if isinstance(padding, str) else _pair("padding", padding)

    @classmethod
    def from_float(cls, layer: Conv2d, bits: int = 8, per_channel: bool = True,
                   input_params: QuantParams | None = None) -> QuantizedConv2d:
        """A quantised copy of `layer` (min-max, symmetric, per output channel by default)."""
        if not isinstance(layer, Conv2d):
            raise TypeError(f"QuantizedConv2d.from_float: expected a Conv2d, "
                            f"got {type(layer).__name__}")
        ### BEGIN SOLUTION
        q = cls(layer.in_channels, layer.out_channels, layer.kernel_size, stride=layer.stride,
                padding=layer.padding, dilation=layer.dilation, groups=layer.groups,
                bias=layer.bias is not None, bits=bits, per_channel=per_channel)
        q.set_weight(layer.weight.data, None if layer.bias is None else layer.bias.data)
        q.set_input_params(input_params)
        return q
        ### END SOLUTION

    def forward(self, x: Any) -> Tensor:
        """(N, in_channels, H, W) -> (N, out_channels, OH, OW), computed in float32."""
        if not isinstance(x, Tensor):
            raise TypeError(f"QuantizedConv2d: expected a Tensor input, got {type(x).__name__}")
        if x.ndim not in (3, 4) or x.shape[-3] != self.in_channels:
            raise ShapeError(f"QuantizedConv2d: input of shape {tuple(x.shape)}, expected "
                             f"(N, {self.in_channels}, H, W)")
        ### BEGIN SOLUTION
        x, input_scale = self.prepare_input(x)  # float32, or input codes and their scale
        w = Tensor(self.dequantized_weight(input_scale))  # (out, in/groups, kH, kW) float32
        b = None if self.bias is None else Tensor(self.bias)
        return conv2d(x, w, b, self.stride, self.padding, self.dilation, self.groups)
        ### END SOLUTION

    def extra_repr(self) -> str:
        return (f"{self.in_channels}, {self.out_channels}, kernel_size={self.kernel_size}, "
                f"stride={self.stride}, padding={self.padding}, {self.describe()}")
