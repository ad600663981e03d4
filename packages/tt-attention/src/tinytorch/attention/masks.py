"""Masks: which keys a query may look at, in the two forms PyTorch uses.

- A BOOL mask marks what TAKES PART: True = attend, False = leave out
  (`scaled_dot_product_attention`'s convention; note that
  `MultiheadAttention`'s bool masks mean the opposite, True = leave out, as
  in PyTorch).
- A FLOAT mask is ADDED to the scores: 0 keeps a key, -inf removes it, any
  other value biases it (ALiBi, relative positions).

Both broadcast against the scores (batch..., L, S). The causal mask lets
query i see keys 0 .. i only, aligned at the top left as in PyTorch (for
L != S query i still sees keys 0 .. i, not the last ones).

The primitive takes a mask as `blocked` (bool, True = leave out) and `bias`
(float, added); `split_mask` turns the user's arguments into those.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

import numpy as np
from tinytorch.tensor import Tensor


@lru_cache(maxsize=32)
def causal_blocked(length: int, source_length: int) -> np.ndarray:
    """(L, S) bool, True above the diagonal: the keys j > i that query i must not see."""
    ### BEGIN SOLUTION
    blocked = ~np.tri(length, source_length, dtype=bool)  # tri: True where j <= i
    blocked.flags.writeable = False  # shared by every call (cached)
    return blocked
    ### END SOLUTION


def causal_mask(size: int, dtype: Any = np.float32) -> Tensor:
    """The (size, size) float causal mask: 0 on and below the diagonal, -inf above.

    PyTorch's `nn.Transformer.generate_square_subsequent_mask(size)`: being
    additive, it means the same to `scaled_dot_product_attention` and to
    `MultiheadAttention` (whose bool masks have the opposite sense).
    """
    if isinstance(size, bool) or not isinstance(size, (int, np.integer)) or size < 0:
        raise ValueError(f"causal_mask: size must be an int >= 0, got {size!r}")
    ### BEGIN SOLUTION
    mask = np.zeros((size, size), dtype=dtype)
    mask[causal_blocked(int(size), int(size))] = -np.inf
    return Tensor(mask)
    ### END SOLUTION


def split_mask(attn_mask: Tensor | None, is_causal: bool, length: int, source_length: int
               ) -> tuple[np.ndarray | None, Tensor | None]:
    """(blocked, bias) for the primitive from `scaled_dot_product_attention`'s mask arguments.

    A bool mask becomes `blocked = ~mask` (its array); a float mask stays a
    Tensor (it may need a gradient); `is_causal` gives the cached triangle.
    """
    ### BEGIN SOLUTION
    if is_causal:
        return causal_blocked(length, source_length), None
    if attn_mask is None:
        return None, None
    if attn_mask.data.dtype == np.bool_:
        return ~attn_mask.data, None
    return None, attn_mask
    ### END SOLUTION


def reduce_to(grad: np.ndarray, shape: tuple[int, ...]) -> np.ndarray:
    """Sum `grad` down to `shape` (undo broadcasting): the gradient of a broadcast input."""
    if grad.shape == tuple(shape):
        return grad
    lead = grad.ndim - len(shape)
    grad = grad.sum(axis=tuple(range(lead))) if lead else grad
    axes = tuple(i for i, n in enumerate(shape) if n == 1 and grad.shape[i] != 1)
    return grad.sum(axis=axes, keepdims=True) if axes else grad
