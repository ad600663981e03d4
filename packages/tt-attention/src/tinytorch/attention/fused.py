"""The attention primitive: scores, masked softmax, dropout and the weighted sum, one node.

    S  = scale * Q K^T (+ bias, masked)       (..., L, S)
    P  = softmax(S) along the keys            (..., L, S)
    O  = dropout(P) V                         (..., L, Ev)

Built from tensor primitives (see `composite.py`) the same computation
records about ten nodes and keeps every intermediate (the scores, the
shifted scores, the exponentials, the sums, P) alive for backward. As one
`Function` it saves only P (plus the dropout mask) and derives the
gradients by hand, for dO = dL/dO:

    dV = P^T dO
    dP = dO V^T
    dS = P * (dP - sum(dP * P, -1))           (the softmax backward)
    dQ = scale * dS K,    dK = scale * dS^T Q,    dbias = dS

(with dropout, P stands for the dropped and rescaled weights in dV, and dP is
masked and rescaled the same way before the softmax backward).

Cost, for B batch entries: forward 2*B*L*S*(E + Ev) FLOPs in two batched
matmuls and one exp per score; backward twice that in four matmuls. Memory:
P, B*L*S numbers, the quadratic part (FlashAttention avoids it by
recomputing P in blocks; not done here).
"""

from __future__ import annotations

from typing import Any

import numpy as np
from tinytorch.autograd import Function, FunctionCtx

from .masks import reduce_to
from .softmax_rows import masked_softmax_, softmax_backward_


def _swap(x: np.ndarray) -> np.ndarray:
    """The last two axes swapped (a view): K^T, V^T, P^T."""
    return np.swapaxes(x, -1, -2)


def _dropped(probs: np.ndarray, keep: np.ndarray | None, scale: float) -> np.ndarray:
    """dropout(P) with a drawn mask: P * keep / (1 - p); P itself without dropout."""
    if keep is None:
        return probs
    return probs * (keep * np.asarray(scale, dtype=probs.dtype))


class AttentionFunction(Function):
    """softmax(scale * Q K^T + bias, masked) V as one primitive with its own backward."""

    @staticmethod
    def forward(ctx: FunctionCtx, q: np.ndarray, k: np.ndarray, v: np.ndarray,
                bias: np.ndarray | None, *, blocked: np.ndarray | None, scale: float,
                keep: np.ndarray | None, keep_scale: float) -> np.ndarray:
        """q (..., L, E), k (..., S, E), v (..., S, Ev) -> (..., L, Ev)."""
        ### BEGIN SOLUTION
        scores = (q * np.asarray(scale, dtype=q.dtype)) @ _swap(k)  # (..., L, S), our own
        probs = masked_softmax_(scores, blocked, bias)
        ctx.save_for_backward(q, k, v, probs)
        ctx.scale, ctx.keep, ctx.keep_scale = scale, keep, keep_scale
        ctx.bias_shape = None if bias is None else bias.shape
        return _dropped(probs, keep, keep_scale) @ v  # (..., L, Ev)
        ### END SOLUTION

    @staticmethod
    def backward(ctx: FunctionCtx, grad: np.ndarray) -> tuple[Any, ...]:
        """Gradients for (q, k, v, bias) from dO (..., L, Ev)."""
        ### BEGIN SOLUTION
        q, k, v, probs = ctx.saved_tensors
        need_q, need_k, need_v, need_bias = ctx.needs_input_grad
        dv = None
        if need_v:
            dv = reduce_to(_swap(_dropped(probs, ctx.keep, ctx.keep_scale)) @ grad, v.shape)
        if not (need_q or need_k or need_bias):
            return None, None, dv, None
        dprobs = reduce_to(grad @ _swap(v), probs.shape)  # (..., L, S)
        if ctx.keep is not None:
            dprobs *= (ctx.keep * np.asarray(ctx.keep_scale, dtype=dprobs.dtype))
        dscores = softmax_backward_(probs, dprobs)  # overwrites dprobs only
        scale = np.asarray(ctx.scale, dtype=q.dtype)
        dq = reduce_to((dscores @ k) * scale, q.shape) if need_q else None
        dk = reduce_to((_swap(dscores) @ q) * scale, k.shape) if need_k else None
        dbias = reduce_to(dscores, ctx.bias_shape) if need_bias else None
        return dq, dk, dv, dbias
        ### END SOLUTION


class MaskedSoftmaxFunction(Function):
    """softmax(scores + bias, masked) along -1 as one primitive: the attention weights alone.

    `MultiheadAttention(need_weights=True)` returns the weights, so they must
    be a tensor of the graph; this is the softmax half of `AttentionFunction`,
    with the same rules (fully masked rows give zeros).
    """

    @staticmethod
    def forward(ctx: FunctionCtx, scores: np.ndarray, bias: np.ndarray | None, *,
                blocked: np.ndarray | None) -> np.ndarray:
        """scores (..., L, S) -> weights (..., L, S)."""
        ### BEGIN SOLUTION
        probs = masked_softmax_(scores.copy(), blocked, bias)
        ctx.save_for_backward(probs)
        ctx.bias_shape = None if bias is None else bias.shape
        return probs
        ### END SOLUTION

    @staticmethod
    def backward(ctx: FunctionCtx, grad: np.ndarray) -> tuple[Any, ...]:
        """Gradients for (scores, bias)."""
        ### BEGIN SOLUTION
        (probs,) = ctx.saved_tensors
        dscores = softmax_backward_(probs, grad.copy())
        dbias = reduce_to(dscores, ctx.bias_shape) if ctx.needs_input_grad[1] else None
        return dscores, dbias
        ### END SOLUTION
