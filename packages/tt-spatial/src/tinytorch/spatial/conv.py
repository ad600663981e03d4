"""conv2d: 2-D convolution (cross-correlation, as in PyTorch) as one primitive.

    out[n, o, y, x] = bias[o] + sum_{c, i, j} weight[o, c, i, j]
                      * input_padded[n, g*Cg + c, y*sh + i*dh, x*sw + j*dw]

where g is the group of output channel o. Written from tensor primitives
this would record thousands of graph nodes; here it is one `Function` with a
hand-written backward, both running on the im2col matrix:

- forward: cols = im2col(x); out = W @ cols (one GEMM per group);
- backward: dW = dout @ cols^T, db = dout summed over (N, H, W),
  dx = col2im(W^T @ dout). The gradient of a convolution is two more
  convolutions written as matrix products.

Cost for an (N, C, H, W) input, O output channels, a KH x KW kernel and
OH x OW outputs: 2*N*OH*OW*O*C*KH*KW/groups FLOPs forward, twice that
backward; memory: the cols matrix (C*KH*KW*N*OH*OW numbers), kept for
backward.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from tinytorch.autograd import Function, FunctionCtx
from tinytorch.tensor import DTypeError, ShapeError, Tensor

from .geometry import Window, check_image, pair, window
from .im2col import col2im, im2col, pad_image
from .workspace import scratch


class Conv2dFunction(Function):
    """The conv2d primitive: forward and backward on NumPy arrays (NCHW)."""

    @staticmethod
    def forward(ctx: FunctionCtx, x: np.ndarray, weight: np.ndarray, bias: np.ndarray | None,
                win: Window, groups: int) -> np.ndarray:
        """(N, C, H, W), (O, C/groups, KH, KW), (O,) or None -> (N, O, OH, OW)."""
        ### BEGIN SOLUTION
        n = x.shape[0]
        o = weight.shape[0]
        oh, ow = win.out
        xp = pad_image(x, win)  # (C, A, Hp, Wp, B), A*B = N
        a, b = xp.shape[1], xp.shape[4]
        cols = im2col(xp, win).reshape(groups, -1, n * oh * ow)  # (G, Cg*KH*KW, A*OH*OW*B)
        w = weight.reshape(groups, o // groups, -1)  # (G, Og, Cg*KH*KW)
        out = np.matmul(w, cols, out=scratch((groups, o // groups, n * oh * ow), x.dtype))
        out = out.reshape(o, a, oh, ow, b)  # (O, A, OH, OW, B)
        if bias is not None:
            out += bias[:, None, None, None, None]
        ctx.save_for_backward(cols, weight)
        ctx.win, ctx.groups, ctx.padded = win, groups, xp.shape
        out = out.transpose(1, 4, 0, 2, 3).reshape(n, o, oh, ow)  # a view: A or B is 1
        return np.ascontiguousarray(out)  # (N, O, OH, OW)
        ### END SOLUTION

    @staticmethod
    def backward(ctx: FunctionCtx, grad: np.ndarray) -> tuple[Any, ...]:
        """Gradients for (x, weight, bias, win, groups); None for the last two."""
        ### BEGIN SOLUTION
        cols, weight = ctx.saved_tensors
        win, groups = ctx.win, ctx.groups
        o = weight.shape[0]
        n, _, oh, ow = grad.shape
        _, a, _, _, b = ctx.padded
        g = scratch((groups, o // groups, n * oh * ow), grad.dtype)  # (G, Og, A*OH*OW*B)
        np.copyto(g.reshape(o, a, oh, ow, b),
                  grad.reshape(a, b, o, oh, ow).transpose(2, 0, 3, 4, 1))
        dx = dw = db = None
        if ctx.needs_input_grad[0]:
            dx = _input_grad(grad, g, weight, win, groups, ctx.padded)
        if ctx.needs_input_grad[1]:
            dw = np.matmul(g, cols.transpose(0, 2, 1)).reshape(weight.shape)
        if ctx.needs_input_grad[2]:
            db = g.reshape(o, -1).sum(axis=1)
        return dx, dw, db, None, None
        ### END SOLUTION


def _input_grad(grad: np.ndarray, g: np.ndarray, weight: np.ndarray, win: Window,
                groups: int, padded: tuple[int, ...]) -> np.ndarray:
    """d loss / d input, (N, C, H, W), from the output gradient (grad, or g: (G, Og, A*P*B)).

    Two ways, the same numbers:
    - col2im: dcols = W^T @ g, then add each kernel cell's block back (any stride);
    - with stride 1, the input gradient is itself a convolution: the output
      gradient, padded by the dilated kernel's span, correlated with the
      flipped filters (channels in and out swapped). im2col + one GEMM with a
      long reduction, instead of a GEMM with a short one and KH*KW strided adds.
    The second wins when O*H*W <= 2*C*OH*OW (measured: col2im's strided adds
    and the small-K GEMM cost about twice as much per element as a copy).
    Both follow the layout `pad_image` picks for their own window (see
    im2col.py), so the gradient of a narrow output may be computed batch-first.
    """
    ### BEGIN SOLUTION
    o, cg, kh, kw = weight.shape
    c, a, hp, wp, b = padded
    n = a * b
    top, bottom, left, right = win.padding
    h, w = hp - top - bottom, wp - left - right
    (dh, dw), (oh, ow) = win.dilation, win.out
    spans = (dh * (kh - 1), dw * (kw - 1))
    full = (spans[0] - top, spans[0] - bottom, spans[1] - left, spans[1] - right)
    if (win.stride == (1, 1) and min(full) >= 0
            and o * h * w <= 2 * c * oh * ow):
        gwin = Window(win.kernel, (1, 1), full, win.dilation, (h, w))
        gp = pad_image(grad, gwin)  # (O, A', Hg, Wg, B'): its own layout choice
        ga, gb = gp.shape[1], gp.shape[4]
        gcols = im2col(gp, gwin)  # (O*KH*KW, A'*H*W*B')
        flipped = weight[:, :, ::-1, ::-1].reshape(groups, o // groups, cg, kh * kw)
        flipped = flipped.transpose(0, 2, 1, 3).reshape(groups, cg, -1)  # (G, Cg, Og*KH*KW)
        dx = np.matmul(flipped, gcols.reshape(groups, -1, n * h * w),
                       out=scratch((groups, cg, n * h * w), grad.dtype))  # (G, Cg, A'*H*W*B')
        dx = dx.reshape(c, ga, h, w, gb).transpose(1, 4, 0, 2, 3).reshape(n, c, h, w)
        return np.ascontiguousarray(dx)
    wt = weight.reshape(groups, o // groups, -1).transpose(0, 2, 1)  # (G, Cg*KH*KW, Og)
    dcols = np.matmul(wt, g, out=scratch((groups, wt.shape[1], g.shape[2]), g.dtype))
    dxp = col2im(dcols, padded, win)[:, :, top:top + h, left:left + w]  # (C, A, H, W, B)
    return np.ascontiguousarray(dxp.transpose(1, 4, 0, 2, 3).reshape(n, c, h, w))
    ### END SOLUTION


def check_conv(op: str, x: Tensor, weight: Any, bias: Any, stride: Any, padding: Any,
               dilation: Any, groups: Any) -> Window:
    """Check a convolution's arguments against a 4-D input; its geometry.

    Shared by `conv2d` and `conv2d_loops`, so both fail the same way.
    """
    if not isinstance(weight, Tensor) or weight.ndim != 4:
        shape = tuple(weight.shape) if isinstance(weight, Tensor) else type(weight).__name__
        raise ShapeError(f"{op}: weight must be a 4-D Tensor (out, in/groups, kH, kW), "
                         f"got {shape}")
    if isinstance(groups, bool) or not isinstance(groups, (int, np.integer)) or groups < 1:
        raise ValueError(f"{op}: groups must be a positive int, got {groups!r}")
    o, cg = weight.shape[:2]
    c = x.shape[1]
    if o % groups:
        raise ValueError(f"{op}: groups={groups} does not divide the {o} output channels "
                         f"of weight {tuple(weight.shape)}")
    if c != cg * groups:
        raise ShapeError(
            f"{op}: input of shape {tuple(x.shape)} has {c} channels, but weight of shape "
            f"{tuple(weight.shape)} with groups={groups} expects {cg * groups} channels"
        )
    if weight.dtype != x.dtype:
        raise DTypeError(f"{op}: input is {x.dtype} but weight is {weight.dtype}; "
                         "cast one of them (e.g. .to(np.float32))")
    if bias is not None:
        if not isinstance(bias, Tensor) or tuple(bias.shape) != (o,):
            shape = tuple(bias.shape) if isinstance(bias, Tensor) else type(bias).__name__
            raise ShapeError(f"{op}: bias must be a Tensor of shape ({o},), got {shape}")
        if bias.dtype != x.dtype:
            raise DTypeError(f"{op}: input is {x.dtype} but bias is {bias.dtype}")
    pair(op, "kernel_size", tuple(weight.shape[2:]), 1)  # an empty kernel: (O, C, 0, 3)
    return window(op, tuple(x.shape[2:]), tuple(weight.shape[2:]), stride, padding, dilation)


def conv2d(input: Tensor, weight: Tensor, bias: Tensor | None = None, stride: Any = 1,
           padding: Any = 0, dilation: Any = 1, groups: int = 1) -> Tensor:
    """2-D convolution of an (N, C, H, W) batch, PyTorch's `F.conv2d`.

    weight: (O, C/groups, KH, KW); bias: (O,) or None; stride, dilation: int
    or pair; padding: int, pair, 'valid' (none) or 'same' (output as large as
    the input; stride 1 only). A 3-D input (C, H, W) is one unbatched image.
    groups splits the channels into independent convolutions (groups == C:
    depthwise). Returns (N, O, OH, OW), recorded for autograd as one node.
    """
    x = check_image("conv2d", input)
    batched = x.ndim == 4
    if not batched:
        x = x.unsqueeze(0)
    win = check_conv("conv2d", x, weight, bias, stride, padding, dilation, groups)
    ### BEGIN SOLUTION
    out = Conv2dFunction.apply(x, weight, bias, win, int(groups))
    return out if batched else out.squeeze(0)
    ### END SOLUTION
