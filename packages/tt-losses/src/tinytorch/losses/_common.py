"""Helpers shared by the losses (private): input checks and the reduction step."""

from __future__ import annotations

from typing import Any

import numpy as np
from tinytorch.tensor import Tensor

REDUCTIONS = ("mean", "sum", "none")


def check_reduction(reduction: Any, op: str) -> str:
    """`reduction` if it is 'mean', 'sum' or 'none', else a ValueError naming it."""
    if reduction not in REDUCTIONS:
        raise ValueError(
            f"{op}: reduction must be 'mean', 'sum' or 'none', got {reduction!r}"
        )
    return reduction


def reduce(loss: Tensor, reduction: str, denominator: float | None = None) -> Tensor:
    """Apply `reduction` to the per-element losses: mean (0-d), sum (0-d) or none.

    'mean' divides the sum by `denominator` when one is given (the
    classification losses divide by the total weight of the counted
    targets, not by their number); a denominator of 0 (every target ignored,
    an empty batch) gives NaN, as in PyTorch, without NumPy's 0/0 warning.
    """
    if reduction == "mean":
        if denominator is None:
            return loss.mean()
        total = loss.sum()
        if denominator == 0:
            return total * constant(np.nan, total)  # 0/0, as PyTorch; nan * x never warns
        return total / constant(denominator, total)
    if reduction == "sum":
        return loss.sum()
    return loss


def as_input(x: Any, op: str) -> Tensor:
    """The model output must be a floating-point Tensor (it carries the gradient)."""
    if not isinstance(x, Tensor):
        raise TypeError(f"{op}: input must be a Tensor, got {type(x).__name__}")
    if x.dtype.kind != "f":
        raise TypeError(f"{op}: input must hold floating-point numbers, got dtype {x.dtype}")
    return x


def as_target(y: Any, like: Tensor, op: str) -> Tensor:
    """A float target (Tensor, array, list) with the shape of `like`, in `like`'s dtype."""
    array = y.data if isinstance(y, Tensor) else np.asarray(y)
    if array.dtype.kind not in "biuf":
        raise TypeError(f"{op}: target must hold numbers, got dtype {array.dtype}")
    if array.shape != like.shape:
        raise ValueError(
            f"{op}: input shape {tuple(like.shape)} and target shape {array.shape} differ "
            f"(they must be equal)"
        )
    if isinstance(y, Tensor) and y.dtype == like.dtype:
        return y  # keep it: a target that requires a gradient gets one
    return Tensor(array.astype(like.dtype))


def constant(value: Any, like: Tensor) -> Tensor:
    """A Tensor holding `value` in `like`'s dtype, outside any gradient computation."""
    return Tensor(np.asarray(value, dtype=like.dtype))
