"""Backward rules of the reductions: sum mean amax amin max min.

A reduction over `dim` (a sorted tuple of axes, or None for all) removes those
axes unless `keepdim`. Its backward first puts the removed axes back as size 1
(`_keep_dims`), so the gradient broadcasts against the input, then spreads it:
evenly to every element for sum and mean, only to the winners for amax and
amin (shared among ties), and only to the element each index picked for
max(dim) and min(dim).
Memory: sum and mean return a broadcast *view* of the small gradient (no copy
until it is accumulated); the others build one array of the input's size.
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


@register("sum", saves=())
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


@register("mean", saves=())
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


@register("amax", saves=(0, "out"))
def amax_backward(ctx: OpContext, grad: np.ndarray) -> tuple[np.ndarray]:
    """out = a.amax(dim):  d/da_i = 1/k if a_i is one of the k maxima, else 0."""
    ### BEGIN SOLUTION
    return _extremum_backward(ctx, grad)
    ### END SOLUTION


@register("amin", saves=(0, "out"))
def amin_backward(ctx: OpContext, grad: np.ndarray) -> tuple[np.ndarray]:
    """out = a.amin(dim):  d/da_i = 1/k if a_i is one of the k minima, else 0."""
    ### BEGIN SOLUTION
    return _extremum_backward(ctx, grad)
    ### END SOLUTION


def _selected_backward(ctx: OpContext, grad: np.ndarray) -> tuple[np.ndarray]:
    """Shared rule of max(dim) and min(dim): all of the gradient to the picked element.

    `indices` (attrs, keepdim shape) names one element per output position,
    so the gradient is scattered there with `put_along_axis`, whatever ties
    there are (PyTorch's convention for `torch.max(x, dim)`). It reads no
    values of `a`, only its shape and the indices.
    """
    ### BEGIN SOLUTION
    (a,) = ctx.inputs
    dim, keepdim = ctx.attrs["dim"], ctx.attrs["keepdim"]
    if dim is None:  # a 0-d input: the value itself was picked
        return (np.asarray(grad).reshape(a.shape),)
    g = grad if keepdim else np.expand_dims(grad, dim)  # (keepdim shape)
    ga = np.zeros(a.shape, dtype=grad.dtype)
    np.put_along_axis(ga, ctx.attrs["indices"], g, axis=dim)
    return (ga,)
    ### END SOLUTION


@register("max", saves=())
def max_backward(ctx: OpContext, grad: np.ndarray) -> tuple[np.ndarray]:
    """values, indices = a.max(dim):  d/da_i = 1 at the picked index, else 0."""
    ### BEGIN SOLUTION
    return _selected_backward(ctx, grad)
    ### END SOLUTION


@register("min", saves=())
def min_backward(ctx: OpContext, grad: np.ndarray) -> tuple[np.ndarray]:
    """values, indices = a.min(dim):  d/da_i = 1 at the picked index, else 0."""
    ### BEGIN SOLUTION
    return _selected_backward(ctx, grad)
    ### END SOLUTION
