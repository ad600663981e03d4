"""Backward rule of indexing, `a[index]`.

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
from .registry import register


def _is_basic(index: Any) -> bool:
    """True when `index` uses only ints, slices, None and Ellipsis (no arrays, lists, bools)."""
    parts = index if isinstance(index, tuple) else (index,)
    return all(
        p is None or p is Ellipsis or isinstance(p, slice)
        or (isinstance(p, (int, np.integer)) and not isinstance(p, (bool, np.bool_)))
        for p in parts
    )


@register("getitem")
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
