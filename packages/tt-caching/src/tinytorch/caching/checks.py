"""The argument checks of the cache: a batch size, and token ids (B, T) in the vocabulary.

(The model's own check, a GPT with every part the cache reads, is in
`parts.py`, which gathers those parts.) Cost: one min/max over the ids.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from tinytorch.tensor import DTypeError, ShapeError, Tensor


def check_batch_size(op: str, batch_size: Any) -> int:
    """A positive int number of sequences."""
    if isinstance(batch_size, bool) or not isinstance(batch_size, (int, np.integer)) \
            or batch_size < 1:
        raise ValueError(f"{op}: batch_size must be a positive int, got {batch_size!r}")
    return int(batch_size)


def check_ids(op: str, idx: Any, vocab_size: int) -> np.ndarray:
    """Token ids: an integer Tensor (or array) (B, T), T >= 1, in [0, vocab_size); as int64."""
    ids = idx.data if isinstance(idx, Tensor) else np.asarray(idx)
    if ids.dtype.kind not in "iu":
        raise DTypeError(f"{op}: token ids must be integers, got dtype {ids.dtype}")
    if ids.ndim != 2 or 0 in ids.shape:
        raise ShapeError(f"{op}: token ids must have shape (B, T) with B, T >= 1, got "
                         f"{tuple(ids.shape)}")
    if ids.min() < 0 or ids.max() >= vocab_size:
        bad = int(ids.min()) if ids.min() < 0 else int(ids.max())
        raise IndexError(f"{op}: token id {bad} is outside the vocabulary 0..{vocab_size - 1}")
    return ids.astype(np.int64, copy=False)

