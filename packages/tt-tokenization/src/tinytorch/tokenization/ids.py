"""Token ids as the decoders take them: a list, a 1-D NumPy array or a 1-D Tensor of ints.

Both tokenizers' `decode` use `id_list`, so they accept the same inputs and
name a bad one the same way: an id outside 0..vocab_size-1 is an
`UnknownTokenError` that gives the id, its position and the valid range.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from tinytorch.tensor import Tensor

from .errors import TokenizerError, UnknownTokenError


def id_list(ids: Any, vocab_size: int, who: str) -> list[int]:
    """`ids` as a list of Python ints, each checked to be in 0..vocab_size-1."""
    if isinstance(ids, Tensor):
        ids = ids.data
    if isinstance(ids, (str, bytes)):
        raise TokenizerError(f"{who}: expected a sequence of token ids, got {type(ids).__name__}")
    array = np.asarray(ids)
    if array.size == 0:
        return []
    if array.ndim != 1:
        raise TokenizerError(f"{who}: expected a 1-D sequence of token ids, got shape "
                             f"{array.shape}")
    if array.dtype.kind not in "iu":
        raise TokenizerError(f"{who}: token ids must be integers, got dtype {array.dtype}")
    bad = np.flatnonzero((array < 0) | (array >= vocab_size))
    if bad.size:
        k = int(bad[0])
        raise UnknownTokenError(f"{who}: id {int(array[k])} at position {k} is not in the "
                                f"vocabulary (ids 0..{vocab_size - 1})")
    return array.tolist()
