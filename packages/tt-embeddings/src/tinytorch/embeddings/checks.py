"""The argument checks an embedding makes before any work: ids, table and padding row.

A token id outside the table is the most common bug of a language model's
input pipeline (a tokenizer with a larger vocabulary than the model, an
off-by-one special token). NumPy would either raise a bare `IndexError`
deep inside the lookup or, for a negative id, silently read a row from the
end of the table. So every id is checked first, and the error names the bad
id, where it is, and the size of the table. Cost: one min and one max over
the ids, nothing next to the lookup itself.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from tinytorch.tensor import DTypeError, ShapeError, Tensor


def check_count(op: str, name: str, value: Any) -> int:
    """A positive int argument (`num_embeddings`, `max_len`, ...), or a named error."""
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < 1:
        raise ValueError(f"{op}: {name} must be a positive int, got {value!r}")
    return int(value)


def check_float_dtype(op: str, dtype: Any) -> np.dtype:
    """The table's dtype: float32 by default, any floating-point type allowed."""
    dt = np.dtype(np.float32 if dtype is None else dtype)
    if dt.kind != "f":
        raise TypeError(f"{op}: dtype must be a floating-point type, got {dt}")
    return dt


def check_padding_idx(op: str, padding_idx: Any, num_embeddings: int) -> int | None:
    """`padding_idx` as a row number in [0, num_embeddings), or None.

    As in PyTorch, a negative value counts from the end (-1 is the last row).
    """
    if padding_idx is None:
        return None
    if isinstance(padding_idx, bool) or not isinstance(padding_idx, (int, np.integer)):
        raise TypeError(f"{op}: padding_idx must be an int or None, got {padding_idx!r}")
    if not -num_embeddings <= padding_idx < num_embeddings:
        raise ValueError(
            f"{op}: padding_idx={padding_idx} is out of range for {num_embeddings} "
            f"embeddings: it must be in [-{num_embeddings}, {num_embeddings})"
        )
    return int(padding_idx) % num_embeddings


def check_weight(op: str, weight: Any) -> None:
    """The table: a 2-D floating-point Tensor (num_embeddings, embedding_dim)."""
    if not isinstance(weight, Tensor) or weight.ndim != 2:
        shape = tuple(weight.shape) if isinstance(weight, Tensor) else type(weight).__name__
        raise ShapeError(f"{op}: weight must be a 2-D Tensor (num_embeddings, embedding_dim), "
                         f"got {shape}")
    if weight.data.dtype.kind != "f":
        raise DTypeError(f"{op}: weight must be floating point, got dtype {weight.data.dtype}")


def check_ids(op: str, input: Any, num_embeddings: int) -> None:
    """Ids: an integer Tensor of any shape whose values are all in [0, num_embeddings)."""
    if not isinstance(input, Tensor):
        raise TypeError(f"{op}: input must be a Tensor of integer ids, got "
                        f"{type(input).__name__} (wrap it: Tensor(np.array(ids)))")
    ids = input.data
    if ids.dtype.kind not in "iu":
        raise DTypeError(f"{op}: ids must be an integer tensor (int64 or int32), got dtype "
                         f"{ids.dtype} of shape {tuple(ids.shape)}")
    if ids.size == 0:
        return
    low, high = ids.min(), ids.max()
    if low >= 0 and high < num_embeddings:
        return
    bad_mask = (ids < 0) | (ids >= num_embeddings)
    where = tuple(int(i) for i in np.unravel_index(int(np.argmax(bad_mask)), ids.shape))
    bad = ids[where] if where else ids[()]
    raise IndexError(
        f"{op}: id {int(bad)} at position {where} of the ids (shape {tuple(ids.shape)}) is "
        f"out of range for a table of {num_embeddings} embeddings: ids must be in "
        f"[0, {num_embeddings})"
    )
