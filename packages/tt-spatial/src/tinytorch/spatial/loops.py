"""The teaching twins: convolution and pooling as plain loops.

These say what the operations ARE, one output number at a time, with the
same arguments and checks as the vectorised `conv2d`, `max_pool2d` and
`avg_pool2d`, and the tests hold them equal on small shapes. Read them
first, then see how `im2col` and the strided slices compute the same thing.

They are slow on purpose: Python runs the outer loops, N*O*OH*OW times for a
convolution (a LeNet layer on a batch of 64: about 200,000 iterations,
seconds instead of milliseconds), so use them on tiny inputs only. They
compute forward values only: the result is a new Tensor without a graph.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from tinytorch.tensor import Tensor

from .conv import check_conv
from .geometry import Window, check_image
from .pool import check_pool


def _batched(op: str, input: Tensor) -> tuple[np.ndarray, bool]:
    x = check_image(op, input)
    return (x.data if x.ndim == 4 else x.data[None]), x.ndim == 4


def _padded(x: np.ndarray, win: Window, value: float) -> np.ndarray:
    top, bottom, left, right = win.padding
    return np.pad(x, ((0, 0), (0, 0), (top, bottom), (left, right)), constant_values=value)


def _result(out: np.ndarray, batched: bool) -> Tensor:
    return Tensor(out if batched else out[0])


def conv2d_loops(input: Tensor, weight: Tensor, bias: Tensor | None = None, stride: Any = 1,
                 padding: Any = 0, dilation: Any = 1, groups: int = 1) -> Tensor:
    """`conv2d` with loops over batch, output channel and output position."""
    x, batched = _batched("conv2d_loops", input)
    win = check_conv("conv2d_loops", Tensor(x), weight, bias, stride, padding, dilation,
                     groups)
    ### BEGIN SOLUTION
    w = weight.data
    n, o = x.shape[0], w.shape[0]
    cg, (kh, kw) = w.shape[1], win.kernel
    (sh, sw), (dh, dw), (oh, ow) = win.stride, win.dilation, win.out
    xp = _padded(x, win, 0.0)
    out = np.zeros((n, o, oh, ow), dtype=x.dtype)
    for b in range(n):
        for oc in range(o):
            first = (oc // (o // groups)) * cg  # first input channel of oc's group
            for y in range(oh):
                for xx in range(ow):
                    patch = xp[b, first:first + cg,
                               y * sh:y * sh + dh * (kh - 1) + 1:dh,
                               xx * sw:xx * sw + dw * (kw - 1) + 1:dw]  # (Cg, KH, KW)
                    out[b, oc, y, xx] = np.sum(patch * w[oc])
            if bias is not None:
                out[b, oc] += bias.data[oc]
    return _result(out, batched)
    ### END SOLUTION


def max_pool2d_loops(input: Tensor, kernel_size: Any, stride: Any = None,
                     padding: Any = 0) -> Tensor:
    """`max_pool2d` with loops over output positions."""
    x, batched = _batched("max_pool2d_loops", input)
    win = check_pool("max_pool2d_loops", Tensor(x), kernel_size, stride, padding)
    ### BEGIN SOLUTION
    (kh, kw), (sh, sw), (oh, ow) = win.kernel, win.stride, win.out
    xp = _padded(x, win, -np.inf)
    out = np.empty((*x.shape[:2], oh, ow), dtype=x.dtype)
    for y in range(oh):
        for xx in range(ow):
            out[:, :, y, xx] = xp[:, :, y * sh:y * sh + kh, xx * sw:xx * sw + kw].max(axis=(2, 3))
    return _result(out, batched)
    ### END SOLUTION


def avg_pool2d_loops(input: Tensor, kernel_size: Any, stride: Any = None,
                     padding: Any = 0) -> Tensor:
    """`avg_pool2d` with loops over output positions (padding counts as zeros)."""
    x, batched = _batched("avg_pool2d_loops", input)
    win = check_pool("avg_pool2d_loops", Tensor(x), kernel_size, stride, padding)
    ### BEGIN SOLUTION
    (kh, kw), (sh, sw), (oh, ow) = win.kernel, win.stride, win.out
    xp = _padded(x, win, 0.0)
    out = np.empty((*x.shape[:2], oh, ow), dtype=x.dtype)
    for y in range(oh):
        for xx in range(ow):
            window = xp[:, :, y * sh:y * sh + kh, xx * sw:xx * sw + kw]
            out[:, :, y, xx] = window.sum(axis=(2, 3)) / (kh * kw)
    return _result(out, batched)
    ### END SOLUTION
