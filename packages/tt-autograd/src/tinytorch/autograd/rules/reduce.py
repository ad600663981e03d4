"""Backward rules of the reductions: sum mean max min.

A reduction over `dim` (a sorted tuple of axes, or None for all) removes those
axes unless `keepdim`. Its backward first puts the removed axes back as size 1
(`_keep_dims`), so the gradient broadcasts against the input, then spreads it:
evenly to every element for sum and mean, only to the winners for max and min.
Memory: sum and mean return a broadcast *view* of the small gradient (no copy
until it is accumulated); max and min build one mask of the input's size.
"""

from __future__ import annotations

import numpy as np

from ..node import OpContext
from .registry import register


def _axes(ndim: int, dim: tuple[int, ...] | None) -> tuple[int, ...]:
    """The reduced axes as a tuple: all of them when `dim` is None."""
    return tuple(range(ndim)) if dim is None else tuple(dim)


def _keep_dims(g: np.ndarray, ndim: int, dim: tuple[int, ...] | None, keepdim: bool) -> np.ndarray:
    """Reinsert the reduced axes of `g` as size 1 (a no-op when keepdim was True)."""
    ### BEGIN SOLUTION
    g = np.asarray(g)
    if keepdim:
        return g
    return np.expand_dims(g, _axes(ndim, dim))
    ### END SOLUTION


@register("sum")
def sum_backward(ctx: OpContext, grad: np.ndarray) -> tuple[np.ndarray]:
    """out = a.sum(dim):  d out / d a_i = 1 for every element summed into it.

    So every input element gets the gradient of the output it went into:
    the gradient is broadcast back along the reduced axes.
    """
    ### BEGIN SOLUTION
    (a,) = ctx.inputs
    g = _keep_dims(grad, a.ndim, ctx.attrs.get("dim"), ctx.attrs.get("keepdim", False))
    return (np.broadcast_to(g, a.shape),)
    ### END SOLUTION


@register("mean")
def mean_backward(ctx: OpContext, grad: np.ndarray) -> tuple[np.ndarray]:
    """out = a.mean(dim) = a.sum(dim) / n:  d/da_i = 1 / n, n = elements per mean."""
    ### BEGIN SOLUTION
    (a,) = ctx.inputs
    dim = ctx.attrs.get("dim")
    n = int(np.prod([a.shape[d] for d in _axes(a.ndim, dim)]))
    g = _keep_dims(grad, a.ndim, dim, ctx.attrs.get("keepdim", False)) / n
    return (np.broadcast_to(g, a.shape),)
    ### END SOLUTION


def _extremum_backward(ctx: OpContext, grad: np.ndarray) -> tuple[np.ndarray]:
    """Shared rule of max and min: the gradient goes to the elements equal to the result.

    If k elements tie for the extremum, each gets 1/k of the gradient, so the
    total is preserved (PyTorch's `amax`/`amin` convention; a subgradient).
    """
    ### BEGIN SOLUTION
    (a,) = ctx.inputs
    dim, keepdim = ctx.attrs.get("dim"), ctx.attrs.get("keepdim", False)
    out = _keep_dims(ctx.out, a.ndim, dim, keepdim)  # reduced axes back as size 1
    g = _keep_dims(grad, a.ndim, dim, keepdim)
    winners = a == out  # (a.shape) True where the element is the extremum
    ties = winners.sum(axis=_axes(a.ndim, dim), keepdims=True).astype(g.dtype)
    return (winners * (g / ties),)
    ### END SOLUTION


@register("max")
def max_backward(ctx: OpContext, grad: np.ndarray) -> tuple[np.ndarray]:
    """out = a.max(dim):  d/da_i = 1/k if a_i is one of the k maxima, else 0."""
    ### BEGIN SOLUTION
    return _extremum_backward(ctx, grad)
    ### END SOLUTION


@register("min")
def min_backward(ctx: OpContext, grad: np.ndarray) -> tuple[np.ndarray]:
    """out = a.min(dim):  d/da_i = 1/k if a_i is one of the k minima, else 0."""
    ### BEGIN SOLUTION
    return _extremum_backward(ctx, grad)
    ### END SOLUTION
