"""layer_norm: layer normalization as one primitive with a hand-written backward.

Layer normalization (Ba, Kiros and Hinton, 2016) normalizes each sample on
its own, over its last dimensions (`normalized_shape`), instead of each
channel over the batch:

    y = (x - mean) / sqrt(var + eps) * weight + bias    (mean, var per sample)

It needs no batch statistics, so it behaves the same in training and
evaluation and for a batch of one; that is why transformers use it (module
16), where batch norm's statistics over padded sequences would mean little.

Why a `Function`: the composite twin records about ten nodes; this is one.
With the input seen as R rows of D values (D = prod(normalized_shape)),
backward is, per row,

    dxhat = g * weight
    dx = (dxhat - mean(dxhat) - xhat * mean(dxhat * xhat)) / std
    dweight = sum over rows of g * xhat,   dbias = sum over rows of g

Cost: about 5 passes over the input forward, 7 backward (the sums are
einsum reductions, which write no temporary array); it keeps xhat
(one input-sized array) and 1/std (R values) for backward.
"""

from __future__ import annotations

import math

import numpy as np
from tinytorch.autograd import Function, FunctionCtx
from tinytorch.tensor import Tensor

from .layer_norm_checks import check_layer_norm


class _LayerNormFunction(Function):
    """(x, weight, bias) -> (x - mean) * inv_std * weight + bias over the last dims."""

    @staticmethod
    def forward(
        ctx: FunctionCtx,
        x: np.ndarray,
        weight: np.ndarray | None,
        bias: np.ndarray | None,
        *,
        normalized_shape: tuple[int, ...],
        eps: float,
    ) -> np.ndarray:
        ### BEGIN SOLUTION
        size = math.prod(normalized_shape)
        rows = x.reshape(-1, size)  # (R, D); copies only if x is not contiguous
        xhat = rows - (np.einsum("rd->r", rows) / size)[:, None]  # centred: a new array
        var = np.einsum("rd,rd->r", xhat, xhat)[:, None] / size  # (R, 1), biased
        inv_std = (1.0 / np.sqrt(var + eps)).astype(x.dtype, copy=False)
        xhat *= inv_std
        out = xhat * weight.reshape(-1) if weight is not None else xhat.copy()
        if bias is not None:
            out += bias.reshape(-1)
        ctx.save_for_backward(xhat, inv_std, weight)
        ctx.shape, ctx.normalized_shape = x.shape, normalized_shape
        return out.reshape(x.shape)
        ### END SOLUTION

    @staticmethod
    def backward(
        ctx: FunctionCtx, grad: np.ndarray
    ) -> tuple[np.ndarray | None, np.ndarray | None, np.ndarray | None]:
        ### BEGIN SOLUTION
        xhat, inv_std, weight = ctx.saved_tensors
        need_x, need_weight, need_bias = ctx.needs_input_grad
        g = grad.reshape(xhat.shape)  # (R, D)
        size = xhat.shape[1]
        shape = ctx.normalized_shape
        dweight = np.einsum("rd,rd->d", g, xhat).reshape(shape) if need_weight else None
        dbias = np.einsum("rd->d", g).reshape(shape) if need_bias else None
        dx = None
        if need_x:
            dxhat = g if weight is None else g * weight.reshape(-1)
            # dx = (dxhat - mean(dxhat) - xhat * mean(dxhat * xhat)) * inv_std, per row
            dx = xhat * (np.einsum("rd,rd->r", dxhat, xhat)[:, None] / -size)
            dx += dxhat
            dx -= (np.einsum("rd->r", dxhat) / size)[:, None]
            dx *= inv_std
            dx = dx.reshape(ctx.shape)
        return dx, dweight, dbias
        ### END SOLUTION


def layer_norm(
    input: Tensor,
    normalized_shape: int | tuple[int, ...] | list[int],
    weight: Tensor | None = None,
    bias: Tensor | None = None,
    eps: float = 1e-5,
) -> Tensor:
    """Layer normalization of `input` over its last dimensions, `normalized_shape`.

    As `torch.nn.functional.layer_norm`: every sample (every position of the
    leading dimensions) is normalized by its own mean and biased variance
    over the trailing `normalized_shape` dims, then scaled by `weight` and
    shifted by `bias` (both of shape `normalized_shape`; None means 1 and 0).
    The same in training and evaluation; no running statistics.

    Errors: a non-float input, trailing dims that are not `normalized_shape`
    (both named), weight or bias of another shape or dtype.
    Cost: about 6 passes over the input each way; one graph node.
    """
    shape = check_layer_norm("layer_norm", input, normalized_shape, weight, bias, eps)
    ### BEGIN SOLUTION
    return _LayerNormFunction.apply(input, weight, bias, normalized_shape=shape, eps=float(eps))
    ### END SOLUTION
