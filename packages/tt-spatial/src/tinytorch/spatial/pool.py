"""max_pool2d and avg_pool2d: pooling as primitives, with strided slices.

Pooling shrinks an image by summarising each KH x KW window with its
maximum (keeps the strongest response, a little translation invariance) or
its mean. Kernel cell (i, j) of every window lies on one strided grid of the
input (`Window.slices`), so the forward pass is a loop over the KH*KW kernel
cells, each one NumPy operation over the whole batch:

    max: out = maximum(out, x[:, :, rows_ij, cols_ij])      for each (i, j)
    avg: out = sum of x[:, :, rows_ij, cols_ij] / (KH*KW)

and the backward pass adds the output gradient back through the same
slices. No window is ever copied out, and nothing loops over pixels. Cost:
KH*KW passes over the output, O(N*C*OH*OW) extra memory at most.

Max pooling's gradient goes to ONE input per window: with ties (equal
values, e.g. after a ReLU made them 0) PyTorch picks the first maximum in
row-major scan order of the window, and so does this: backward walks the
kernel cells in that order and gives each output's gradient to the first
cell equal to the maximum. Overlapping windows (stride < kernel) may route
several gradients to one input; they add up.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from tinytorch.autograd import Function, FunctionCtx
from tinytorch.tensor import Tensor

from .geometry import Window, check_image, window


def _pad(x: np.ndarray, win: Window, value: float) -> np.ndarray:
    """x with `value` around its last two dimensions (x itself without padding)."""
    top, bottom, left, right = win.padding
    if not (top or bottom or left or right):
        return x
    return np.pad(x, ((0, 0), (0, 0), (top, bottom), (left, right)), constant_values=value)


def _unpad(dxp: np.ndarray, win: Window) -> np.ndarray:
    top, bottom, left, right = win.padding
    return dxp[:, :, top:dxp.shape[2] - bottom, left:dxp.shape[3] - right]


def _disjoint(win: Window) -> bool:
    """True when no two windows share an input cell (stride >= kernel span)."""
    (kh, kw), (sh, sw), (dh, dw) = win.kernel, win.stride, win.dilation
    return sh >= dh * (kh - 1) + 1 and sw >= dw * (kw - 1) + 1


def _covers(win: Window, padded: tuple[int, ...]) -> bool:
    """True when the windows tile the whole padded input (each cell in one window)."""
    (kh, kw), (sh, sw), (oh, ow) = win.kernel, win.stride, win.out
    return (sh, sw) == (kh, kw) and (oh * kh, ow * kw) == tuple(padded[2:])


class MaxPool2dFunction(Function):
    """max_pool2d's primitive: forward and backward on NumPy arrays (NCHW)."""

    @staticmethod
    def forward(ctx: FunctionCtx, x: np.ndarray, win: Window) -> np.ndarray:
        """(N, C, H, W) -> (N, C, OH, OW): the maximum of each window."""
        ### BEGIN SOLUTION
        xp = _pad(x, win, -np.inf)
        kh, kw = win.kernel
        out = None
        for i in range(kh):
            for j in range(kw):
                cell = xp[(..., *win.slices(i, j))]
                out = cell.copy() if out is None else np.maximum(out, cell, out=out)
        ctx.save_for_backward(xp, out)
        ctx.win = win
        return out
        ### END SOLUTION

    @staticmethod
    def backward(ctx: FunctionCtx, grad: np.ndarray) -> tuple[Any, ...]:
        """Each output's gradient to the first maximum of its window, in scan order."""
        ### BEGIN SOLUTION
        xp, out = ctx.saved_tensors
        win = ctx.win
        kh, kw = win.kernel
        last = kh * kw - 1
        disjoint = _disjoint(win)
        dxp = (np.empty if disjoint and _covers(win, xp.shape) else np.zeros)(
            xp.shape, dtype=grad.dtype)
        hit = np.ones(out.shape, dtype=bool)  # the 1x1 kernel: its only cell
        free = np.ones(out.shape, dtype=bool)  # outputs whose maximum is not yet found
        for k in range(kh * kw):
            sl = (..., *win.slices(*divmod(k, kw)))
            if k == last and k > 0:
                hit = free  # the last cell takes whatever is left
            elif k < last:
                np.equal(xp[sl], out, out=hit)
                np.logical_and(hit, free, out=hit)
                np.greater(free, hit, out=free)  # free and not hit
            if disjoint:
                np.multiply(grad, hit, out=dxp[sl])
            else:
                dxp[sl] += grad * hit
        return _unpad(dxp, win), None
        ### END SOLUTION


class AvgPool2dFunction(Function):
    """avg_pool2d's primitive (padding counts as zeros, PyTorch's default)."""

    @staticmethod
    def forward(ctx: FunctionCtx, x: np.ndarray, win: Window) -> np.ndarray:
        """(N, C, H, W) -> (N, C, OH, OW): the mean of each window."""
        ### BEGIN SOLUTION
        xp = _pad(x, win, 0.0)
        kh, kw = win.kernel
        out = None
        for i in range(kh):
            for j in range(kw):
                cell = xp[(..., *win.slices(i, j))]
                out = cell.copy() if out is None else np.add(out, cell, out=out)
        out *= 1.0 / (kh * kw)
        ctx.win, ctx.padded = win, xp.shape
        return out
        ### END SOLUTION

    @staticmethod
    def backward(ctx: FunctionCtx, grad: np.ndarray) -> tuple[Any, ...]:
        """Every cell of a window gets 1/(KH*KW) of the window's gradient."""
        ### BEGIN SOLUTION
        win = ctx.win
        kh, kw = win.kernel
        share = grad * (1.0 / (kh * kw))
        disjoint = _disjoint(win)
        dxp = (np.empty if disjoint and _covers(win, ctx.padded) else np.zeros)(
            ctx.padded, dtype=grad.dtype)
        for i in range(kh):
            for j in range(kw):
                sl = (..., *win.slices(i, j))
                if disjoint:
                    dxp[sl] = share
                else:
                    dxp[sl] += share
        return _unpad(dxp, win), None
        ### END SOLUTION


def check_pool(op: str, x: Tensor, kernel_size: Any, stride: Any, padding: Any) -> Window:
    """Check pooling arguments against a 4-D input; its geometry.

    As in PyTorch, padding may be at most half the kernel (so that every
    window holds at least one real input), and stride defaults to the kernel.
    """
    if isinstance(stride, (tuple, list)) and len(stride) == 0:
        stride = None  # PyTorch's `stride=[]` also means "the kernel size"
    win = window(op, tuple(x.shape[2:]), kernel_size, stride, padding)
    (kh, kw), (top, _, left, _) = win.kernel, win.padding
    if top > kh // 2 or left > kw // 2:
        raise ValueError(f"{op}: padding {(top, left)} must be at most half the kernel size "
                         f"{win.kernel}")
    return win


def _pool(op: str, fn: type[Function], input: Tensor, kernel_size: Any, stride: Any,
          padding: Any) -> Tensor:
    x = check_image(op, input)
    batched = x.ndim == 4
    if not batched:
        x = x.unsqueeze(0)
    win = check_pool(op, x, kernel_size, stride, padding)
    out = fn.apply(x, win)
    return out if batched else out.squeeze(0)


def max_pool2d(input: Tensor, kernel_size: Any, stride: Any = None, padding: Any = 0) -> Tensor:
    """Maximum over KH x KW windows of an (N, C, H, W) or (C, H, W) input.

    stride defaults to kernel_size (non-overlapping windows); padding (at
    most half the kernel) pads with -inf, so it never wins. PyTorch's
    `F.max_pool2d`, including which input gets the gradient on ties.
    """
    ### BEGIN SOLUTION
    return _pool("max_pool2d", MaxPool2dFunction, input, kernel_size, stride, padding)
    ### END SOLUTION


def avg_pool2d(input: Tensor, kernel_size: Any, stride: Any = None, padding: Any = 0) -> Tensor:
    """Mean over KH x KW windows of an (N, C, H, W) or (C, H, W) input.

    stride defaults to kernel_size; padding adds zeros that count in the
    mean (PyTorch's default `count_include_pad=True`).
    """
    ### BEGIN SOLUTION
    return _pool("avg_pool2d", AvgPool2dFunction, input, kernel_size, stride, padding)
    ### END SOLUTION
