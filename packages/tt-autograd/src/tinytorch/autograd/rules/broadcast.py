"""`unbroadcast`: the backward of NumPy broadcasting.

When `a` of shape (3, 1) meets `b` of shape (4,) in `a + b`, NumPy stretches
both to (3, 4) without copying. Each element of `a` was used 4 times, so its
gradient is the sum of the 4 output gradients it fed. In general: sum the
output gradient over the leading axes the input did not have, then over every
axis where the input had size 1 (keeping that axis). Cost: one reduction,
O(output size).
"""

from __future__ import annotations

import numpy as np


def unbroadcast(grad: np.ndarray, shape: tuple[int, ...]) -> np.ndarray:
    """Sum `grad` down to `shape`, undoing NumPy broadcasting."""
    ### BEGIN SOLUTION
    grad = np.asarray(grad)
    if grad.shape == tuple(shape):
        return grad
    extra = grad.ndim - len(shape)
    if extra > 0:  # axes the input did not have at all
        grad = grad.sum(axis=tuple(range(extra)))
    stretched = tuple(i for i, n in enumerate(shape) if n == 1 and grad.shape[i] != 1)
    if stretched:  # axes where the input had size 1
        grad = grad.sum(axis=stretched, keepdims=True)
    return np.asarray(grad).reshape(shape)
    ### END SOLUTION
