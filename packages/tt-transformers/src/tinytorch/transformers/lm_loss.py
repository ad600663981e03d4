"""lm_loss: the language model's cross entropy as one fused primitive.

A language model is trained to predict token t+1 from tokens 0..t: for
each position the loss is -log softmax(logits)[target], averaged over the
positions whose target is not `ignore_index` (padding, or a prompt the
model should not be graded on). `tinytorch.losses.cross_entropy` computes
the same from tensor primitives (the teaching twin, tested equal); fused,
it is one node that keeps only the softmax, and the backward is the famous
one-liner

    dlogits = (softmax(logits) - onehot(target)) * keep / n_kept

Cost for N positions and V classes: about 5 passes over the (N, V) logits
forward and 2 backward; memory: the (N, V) probabilities. (The composite
keeps the shifted logits, their exponentials and the log-probabilities.)
"""

from __future__ import annotations

from typing import Any

import numpy as np
from tinytorch.autograd import Function, FunctionCtx
from tinytorch.losses import cross_entropy
from tinytorch.tensor import DTypeError, ShapeError, Tensor

IGNORE_INDEX = -100  # PyTorch's default


class _LMLossFunction(Function):
    """(logits (N, V); targets (N,)) -> the mean cross entropy over kept targets."""

    @staticmethod
    def forward(ctx: FunctionCtx, logits: np.ndarray, *, targets: np.ndarray,
                keep: np.ndarray) -> np.ndarray:
        ### BEGIN SOLUTION
        rows = np.arange(len(targets))
        picked = np.where(keep, targets, 0)  # any valid class where ignored
        probs = logits - logits.max(axis=1, keepdims=True)  # (N, V), max 0 per row
        target_logit = probs[rows, picked]  # (N,)
        np.exp(probs, out=probs)
        total = probs.sum(axis=1)  # (N,)
        probs /= total[:, None]  # softmax
        losses = np.log(total) - target_logit  # -log softmax[target], (N,)
        kept = int(keep.sum())
        with np.errstate(invalid="ignore", divide="ignore"):  # nothing kept: NaN, as PyTorch
            loss = np.asarray(losses[keep].sum() / np.asarray(kept, dtype=logits.dtype))
        ctx.save_for_backward(probs)
        ctx.rows, ctx.picked, ctx.keep, ctx.kept = rows, picked, keep, kept
        return loss.astype(logits.dtype)
        ### END SOLUTION

    @staticmethod
    def backward(ctx: FunctionCtx, grad: np.ndarray) -> np.ndarray:
        ### BEGIN SOLUTION
        (probs,) = ctx.saved_tensors
        d = probs.copy()
        d[ctx.rows, ctx.picked] -= 1.0  # softmax - onehot
        if not ctx.keep.all():
            d[~ctx.keep] = 0.0
        d *= grad / max(ctx.kept, 1)
        return d
        ### END SOLUTION


def lm_loss(logits: Tensor, targets: Any, ignore_index: int = IGNORE_INDEX) -> Tensor:
    """Mean next-token cross entropy of `logits` (..., V) against integer `targets` (...).

    The same number as `cross_entropy(logits.reshape(-1, V), targets.reshape(-1),
    ignore_index=ignore_index)` in PyTorch and in `tinytorch.losses`, with
    (B, T, V) logits and (B, T) targets taken as they come. Positions whose
    target is `ignore_index` count for nothing; if every position is
    ignored the loss is NaN (as PyTorch). Gradient: for `logits` only.

    Errors, before any work: logits that are not floating point, targets
    that are not integers or whose shape is not logits' without its last
    dim, a target outside 0..V-1 that is not `ignore_index` (the first one
    is named).
    """
    logits_2d, flat, keep = _check("lm_loss", logits, targets, ignore_index)
    ### BEGIN SOLUTION
    return _LMLossFunction.apply(logits_2d, targets=flat, keep=keep)
    ### END SOLUTION


def _check(op: str, logits: Any, targets: Any,
           ignore_index: Any) -> tuple[Tensor, np.ndarray, np.ndarray]:
    """(logits as (N, V), targets as (N,) int64, the kept-position mask), or a named error."""
    if not isinstance(logits, Tensor):
        raise TypeError(f"{op}: logits must be a Tensor, got {type(logits).__name__}")
    if logits.data.dtype.kind != "f":
        raise DTypeError(f"{op}: logits must be floating point, got dtype {logits.data.dtype}")
    if isinstance(ignore_index, bool) or not isinstance(ignore_index, (int, np.integer)):
        raise TypeError(f"{op}: ignore_index must be an int, got {ignore_index!r}")
    t = targets.data if isinstance(targets, Tensor) else np.asarray(targets)
    if t.dtype.kind not in "iu":
        raise DTypeError(f"{op}: targets must be integer class indices, got dtype {t.dtype}")
    if logits.ndim < 1 or tuple(t.shape) != tuple(logits.shape[:-1]):
        raise ShapeError(
            f"{op}: targets of shape {tuple(t.shape)} do not match logits of shape "
            f"{tuple(logits.shape)}: expected targets of shape {tuple(logits.shape[:-1])}"
        )
    vocab = logits.shape[-1]
    flat = t.reshape(-1).astype(np.int64, copy=False)
    keep = flat != ignore_index
    bad = keep & ((flat < 0) | (flat >= vocab))
    if bad.any():
        i = int(np.argmax(bad))
        raise IndexError(
            f"{op}: target {int(flat[i])} at flat position {i} is outside the vocabulary "
            f"0..{vocab - 1} (and is not ignore_index={ignore_index})"
        )
    return logits.reshape(-1, vocab), flat, keep


def lm_loss_composite(logits: Tensor, targets: Any, ignore_index: int = IGNORE_INDEX) -> Tensor:
    """`lm_loss` from module 5's `cross_entropy` (tensor primitives): the teaching twin.

    Same checks, same value and gradient; about ten graph nodes instead of one.
    """
    logits_2d, flat, _ = _check("lm_loss_composite", logits, targets, ignore_index)
    ### BEGIN SOLUTION
    return cross_entropy(logits_2d, flat, ignore_index=ignore_index)
    ### END SOLUTION
