"""Scratch arrays reused between calls: a tiny caching allocator.

im2col makes big temporary matrices (a LeNet layer on a batch of 64: about
4 MB each), several per training step. Freshly allocated, each one costs the
operating system a page fault per 4 kB page on first touch (the C allocator
hands big freed blocks back to the system), and that alone made a step twice
as slow as its arithmetic. PyTorch keeps freed blocks in a cache for the
same reason; this does the least version of that:

`scratch(shape, dtype)` returns an uninitialised array of that shape. It
reuses a cached one when nobody else holds it any more (its reference count
shows only the cache's references: a graph node that saved it, or a view of
it, keeps it busy), else allocates a new one and caches it. The cache holds
at most `MAX_CACHED` arrays per thread (oldest dropped), so its memory is
bounded by the largest few matrices the model uses.
"""

from __future__ import annotations

import sys
import threading

import numpy as np

MAX_CACHED = 12
_local = threading.local()  # one cache per thread: never shared between threads


def scratch(shape: tuple[int, ...], dtype: np.dtype) -> np.ndarray:
    """An uninitialised array of `shape` and `dtype`, reused when free."""
    cache: list[np.ndarray] | None = getattr(_local, "cache", None)
    if cache is None:
        cache = _local.cache = []
    for i in range(len(cache)):
        # references: the cache's list, and getrefcount's own argument
        if cache[i].shape == shape and cache[i].dtype == dtype and sys.getrefcount(cache[i]) == 2:
            array = cache.pop(i)
            cache.append(array)  # most recently used last
            return array
    array = np.empty(shape, dtype=dtype)
    cache.append(array)
    if len(cache) > MAX_CACHED:
        cache.pop(0)
    return array
