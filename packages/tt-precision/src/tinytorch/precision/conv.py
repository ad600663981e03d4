"""Conv2d in mixed precision: the input kept in half, the convolution in float32.

`MixedConv2dFunction` is one primitive around tt-spatial's `conv2d`:

- forward: the float32 master filters are rounded to the format and stored
  (2 bytes a number); the convolution runs in float32 (tt-spatial's im2col
  and one GEMM) on the half-precision input read back as float32; the
  output is rounded to the format;
- saved for backward: the input in half and the half filters, nothing else;
- backward: the convolution is run again in float32 from the saved half
  input, with autograd on, and tt-spatial's own backward rule gives dx
  (rounded back to the format) and dW (float32, for the master filters);
  db is the output gradient summed over (N, OH, OW).

The float32 `Conv2d` keeps its im2col matrix for backward: KH*KW times the
input, in float32 (LeNet's 5x5 layers: 25x). Rounding that matrix to half
would halve it; this layer goes further and keeps only the input (the matrix
is rebuilt from it in backward, activation checkpointing), because
tt-spatial keeps its im2col private and a second copy of it here would
repeat its code. So the memory a `MixedConv2d` saves is half precision's
factor 2 times the kernel's KH*KW, and it pays one more forward convolution
in every backward pass.

Cost: forward as `conv2d` plus the casts; backward: one forward
convolution more than `Conv2d`'s backward (about +50% of its FLOPs).
Memory held for backward: 2 bytes per input number plus the half filters.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from tinytorch.autograd import Function, FunctionCtx, backward, enable_grad
from tinytorch.layers import Module, Parameter
from tinytorch.spatial import Conv2d, conv2d
from tinytorch.tensor import DTypeError, ShapeError, Tensor

from .formats import StorageFormat, storage_format


class MixedConv2dFunction(Function):
    """The mixed-precision convolution primitive (see the module docstring)."""

    @staticmethod
    def forward(ctx: FunctionCtx, x: np.ndarray, weight: np.ndarray, bias: np.ndarray | None,
                fmt: StorageFormat, geometry: tuple[Any, ...]) -> np.ndarray:
        """(N, C, H, W), (O, C/groups, KH, KW) master, (O,) or None -> (N, O, OH, OW)."""
        ### BEGIN SOLUTION
        w_stored = fmt.store(weight)
        w = Tensor(fmt.load(w_stored))
        b = None if bias is None else Tensor(bias.astype(fmt.compute, copy=False))
        y = conv2d(Tensor(x.astype(fmt.compute, copy=False)), w, b, *geometry)
        ctx.save_for_backward(fmt.store(x), w_stored)
        ctx.fmt, ctx.geometry, ctx.x_dtype, ctx.w_dtype = fmt, geometry, x.dtype, weight.dtype
        return fmt.round(y.data)
        ### END SOLUTION

    @staticmethod
    def backward(ctx: FunctionCtx, grad: np.ndarray) -> tuple[Any, ...]:
        """Gradients for (x, weight, bias, fmt, geometry), by re-running conv2d in float32."""
        ### BEGIN SOLUTION
        x_stored, w_stored = ctx.saved_tensors
        fmt = ctx.fmt
        g = grad.astype(fmt.compute, copy=False)  # (N, O, OH, OW)
        need_x, need_w, need_b = ctx.needs_input_grad[:3]
        dx = dw = db = None
        if need_x or need_w:
            x = Tensor(fmt.load(x_stored), requires_grad=need_x)
            w = Tensor(fmt.load(w_stored), requires_grad=need_w)
            with enable_grad():
                y = conv2d(x, w, None, *ctx.geometry)
            backward(y, g)
            if need_x:
                dx = fmt.round(x.grad.data).astype(ctx.x_dtype, copy=False)
            if need_w:
                dw = w.grad.data.astype(ctx.w_dtype, copy=False)
        if need_b:
            db = g.sum(axis=(0, 2, 3)).astype(ctx.w_dtype, copy=False)
        return dx, dw, db, None, None
        ### END SOLUTION


def mixed_conv2d(x: Tensor, weight: Tensor, bias: Tensor | None = None, stride: Any = 1,
                 padding: Any = 0, dilation: Any = 1, groups: int = 1,
                 dtype: Any = "float16") -> Tensor:
    """tt-spatial's `conv2d` with half-precision storage and float32 compute.

    x: (N, C, H, W) (or unbatched (C, H, W)) in any float dtype; weight and
    bias: the master copies. Arguments as `conv2d`, whose checks apply (its
    errors name `conv2d`). Returns (N, O, OH, OW) of dtype
    `storage_format(dtype).flow`.
    """
    fmt = storage_format(dtype)
    if not isinstance(x, Tensor) or not isinstance(weight, Tensor):
        raise TypeError("mixed_conv2d: input and weight must be Tensors")
    if x.dtype.kind != "f":
        raise DTypeError(f"mixed_conv2d: input must be floating point, got {x.dtype}")
    if x.ndim not in (3, 4):
        raise ShapeError(f"mixed_conv2d: expected (N, C, H, W) or (C, H, W), "
                         f"got {tuple(x.shape)}")
    ### BEGIN SOLUTION
    batched = x.ndim == 4
    xb = x if batched else x.unsqueeze(0)
    y = MixedConv2dFunction.apply(xb, weight, bias, fmt, (stride, padding, dilation, groups))
    return y if batched else y.squeeze(0)
    ### END SOLUTION


class MixedConv2d(Module):
    """A `Conv2d` that stores its input and filter copies in half precision.

    It owns the same float32 master `weight` (O, C/groups, KH, KW) and `bias`
    (O,) as the Conv2d it comes from (`MixedConv2d.from_conv2d(layer)` shares
    them) and the same geometry. Cost: see `MixedConv2dFunction`.
    """

    def __init__(self, layer: Conv2d, dtype: Any = "float16") -> None:
        super().__init__()
        if not isinstance(layer, Conv2d):
            raise TypeError(f"MixedConv2d: expected a Conv2d, got {type(layer).__name__}")
        self.fmt = storage_format(dtype)
        self.in_channels, self.out_channels = layer.in_channels, layer.out_channels
        self.kernel_size, self.stride, self.padding = layer.kernel_size, layer.stride, layer.padding
        self.dilation, self.groups = layer.dilation, layer.groups
        self.weight: Parameter = layer.weight
        if layer.bias is None:
            self.register_parameter("bias", None)
        else:
            self.bias = layer.bias

    @classmethod
    def from_conv2d(cls, layer: Conv2d, dtype: Any = "float16") -> MixedConv2d:
        """The mixed-precision twin of `layer`, sharing its Parameters."""
        return cls(layer, dtype)

    def forward(self, x: Tensor) -> Tensor:
        """(N, in_channels, H, W) -> (N, out_channels, OH, OW) in the storage format."""
        ### BEGIN SOLUTION
        return mixed_conv2d(x, self.weight, self.bias, self.stride, self.padding,
                            self.dilation, self.groups, self.fmt)
        ### END SOLUTION

    def extra_repr(self) -> str:
        return (f"{self.in_channels}, {self.out_channels}, kernel_size={self.kernel_size}, "
                f"stride={self.stride}, padding={self.padding!r}, dtype={self.fmt.name}")
