"""Backward rules of indexing, `a[index]`, and of writing into it, `a[index] = value`.

Each output element is one element of `a`, so the gradient of `a` is zero
everywhere except at the positions that were read, which receive the output
gradient. When an integer array reads the same position twice (`a[[0, 0]]`),
that element fed two outputs and must get the *sum* of both gradients: plain
`ga[index] += grad` would keep only one of them (NumPy buffers the writes), so
advanced indices use the unbuffered `np.add.at`. Basic indices (ints, slices,
None, Ellipsis) never repeat a position and use the faster assignment.
Memory: one zero array of a's size.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ..node import OpContext
from .broadcast import unbroadcast
from .registry import register


def _is_basic(index: Any) -> bool:
    """True when `index` uses only ints, slices, None and Ellipsis (no arrays, lists, bools)."""
    parts = index if isinstance(index, tuple) else (index,)
    return all(
        p is None or p is Ellipsis or isinstance(p, slice)
        or (isinstance(p, (int, np.integer)) and not isinstance(p, (bool, np.bool_)))
        for p in parts
    )


@register("getitem", saves=())
def getitem_backward(ctx: OpContext, grad: np.ndarray) -> tuple[np.ndarray]:
    """out = a[index]:  d/da scatters grad back to the indexed positions, adding repeats."""
    ### BEGIN SOLUTION
    (a,) = ctx.inputs
    index = ctx.attrs["index"]
    ga = np.zeros(a.shape, dtype=grad.dtype)  # (a.shape)
    if _is_basic(index):
        ga[index] = grad
    else:
        np.add.at(ga, index, grad)
    return (ga,)
    ### END SOLUTION


@register("setitem", saves=())
def setitem_backward(
    ctx: OpContext, grad: np.ndarray
) -> tuple[np.ndarray | None, np.ndarray | None]:
    """out = a with out[view][index] = value:  d/da = grad, 0 where overwritten;
    d/dvalue = grad at the written positions, summed back to value's shape.

    `view` (a basic index or None) is applied first, as the forward did
    (PyTorch's int-first indexing). Values of a repeated advanced index
    each get the gradient of that position (PyTorch leaves the result of
    such writes undefined).
    """
    ### BEGIN SOLUTION
    _a, value = ctx.inputs
    index, view = ctx.attrs["index"], ctx.attrs["view"]
    need_a, need_v = ctx.needs_input_grad
    region = grad if view is None else grad[view]
    gv = None
    if need_v:
        g = np.asarray(region[index])
        if g.ndim < value.ndim:  # NumPy drops a value's leading size-1 dims on writing
            g = g.reshape((1,) * (value.ndim - g.ndim) + g.shape)
        gv = unbroadcast(g, value.shape)
    ga = None
    if need_a:
        ga = np.array(grad, copy=True)
        (ga if view is None else ga[view])[index] = 0
    return ga, gv
    ### END SOLUTION
