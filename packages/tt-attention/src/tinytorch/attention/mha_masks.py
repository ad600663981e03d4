"""The masks of `MultiheadAttention`: checked, then merged into one (blocked, bias) pair.

MultiheadAttention takes two masks, with PyTorch's meaning (the OPPOSITE of
`scaled_dot_product_attention`'s bool masks):

- `key_padding_mask` (N, S) (or (S,) unbatched): True = this key is padding,
  ignore it; a float mask is added instead.
- `attn_mask` (L, S), shared by the batch and heads, or (N * num_heads, L, S),
  one per batch entry and head: True = query i may NOT look at key j; a
  float mask is added.

Both become one bool `blocked` and one float `bias` that broadcast to the
scores (N, H, L, S), what the attention primitive takes. They are constants:
no gradient flows into a mask here. Cost: the merged masks, at most N*L*S.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from tinytorch.tensor import DTypeError, ShapeError, Tensor

from .checks import shape_str


def _mask_array(op: str, name: str, mask: Any, dtype: np.dtype) -> np.ndarray:
    if not isinstance(mask, Tensor):
        raise TypeError(f"{op}: {name} must be a Tensor (bool or float) or None, got "
                        f"{type(mask).__name__}")
    dt = mask.data.dtype
    if dt != np.bool_ and dt != dtype:
        raise DTypeError(f"{op}: only bool and floating masks of the query's dtype ({dtype}) "
                         f"are supported, got {name} of dtype {dt}")
    return mask.data


def _add(blocked: np.ndarray | None, bias: np.ndarray | None, mask: np.ndarray
         ) -> tuple[np.ndarray | None, np.ndarray | None]:
    """Fold one mask (bool: True = leave out; float: added) into (blocked, bias)."""
    if mask.dtype == np.bool_:
        return (mask if blocked is None else blocked | mask), bias
    return blocked, (mask if bias is None else bias + mask)


def merge_masks(op: str, key_padding_mask: Any, attn_mask: Any, batch: int, heads: int,
                length: int, source_length: int, batched: bool, dtype: np.dtype
                ) -> tuple[np.ndarray | None, np.ndarray | None]:
    """(blocked, bias), each None or broadcasting to (N, H, L, S); named errors first."""
    blocked = bias = None
    if key_padding_mask is not None:
        kpm = _mask_array(op, "key_padding_mask", key_padding_mask, dtype)
        want = (batch, source_length) if batched else (source_length,)
        if kpm.shape != want:
            raise ShapeError(f"{op}: key_padding_mask must have shape {shape_str(want)} "
                             f"((batch, source length) for batched input), got "
                             f"{shape_str(kpm.shape)}")
        blocked, bias = _add(blocked, bias, kpm.reshape(batch, 1, 1, source_length))
    if attn_mask is not None:
        am = _mask_array(op, "attn_mask", attn_mask, dtype)
        flat = (length, source_length)
        per_head = (batch * heads, length, source_length)
        if am.shape == flat:
            blocked, bias = _add(blocked, bias, am)
        elif am.shape == per_head:
            blocked, bias = _add(blocked, bias, am.reshape(batch, heads, length, source_length))
        else:
            raise ShapeError(f"{op}: attn_mask must have shape {shape_str(flat)} or "
                             f"{shape_str(per_head)} (batch * num_heads, L, S), got "
                             f"{shape_str(am.shape)}")
    return blocked, bias
