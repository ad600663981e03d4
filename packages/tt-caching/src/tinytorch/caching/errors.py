"""CacheOverflowError: what appending past `block_size` raises."""

from __future__ import annotations

from tinytorch.tensor import ShapeError


class CacheOverflowError(ShapeError):
    """More positions than the cache (and the model's position table) holds.

    A GPT has position embeddings for 0 .. block_size - 1 only, and a
    `KVCache` is preallocated for exactly that many positions, so appending
    past it is an error that names both lengths, never a silent wrap-around.
    A `ShapeError` (so a `ValueError` and a `RuntimeError`), like the GPT's
    own error for a sequence longer than `block_size`.
    """
