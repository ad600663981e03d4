"""KVCache: the keys and values of every layer, kept so that each step computes only its own.

In a causal GPT the key and value of position t depend only on tokens
0 .. t, so once computed they never change while the sequence grows. A
generation step that keeps them needs to run only the newest token through
the layers: one query against the cached keys, instead of the whole context
again. That turns O(T) positions per step into O(1) (the attention over the
cache is still O(T), but it is a small part of a step).

The cache is preallocated: for each of the n_layer blocks one keys and one
values array of shape (batch_size, n_head, block_size, head_size), filled
from position 0 on. Appending writes into the next free positions; nothing
is copied or reallocated while generating.

Memory, for L layers of width C (= n_head * head_size) and itemsize s bytes:

    bytes per token (one sequence, all layers)   2 L C s
    bytes per layer (the preallocated block)     2 B block_size C s
    total                                        2 L B block_size C s

The gpt_2018 model (L 4, C 128, float32) keeps 4 KiB per token: a full
context of 256 tokens is 1 MiB per sequence. The numbers the properties give
are read from the arrays themselves (`ndarray.nbytes`), not from a formula.

The policy at `block_size`: appending past it raises `CacheOverflowError`
naming both lengths. With absolute position embeddings (the GPT's `wpe`) a
cache cannot slide: when the first token leaves the window every other
token moves to a new position, so every key and value of every layer
changes. `CachedGPT` therefore rebuilds the cache from the cropped window
when the context slides, which is exact (and as slow as no cache).
"""

from __future__ import annotations

from typing import Any

import numpy as np
from tinytorch.tensor import DTypeError, ShapeError

from .checks import check_batch_size
from .errors import CacheOverflowError
from .parts import gpt_parts


def _positive(config: Any, name: str) -> int:
    value = getattr(config, name, None)
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < 1:
        raise ValueError(f"KVCache: config.{name} must be a positive int, got {value!r}")
    return int(value)


class KVCache:
    """Per-layer keys and values of a GPT, (B, n_head, block_size, head_size) each, preallocated.

    `KVCache(config, batch_size, dtype=np.float32)` takes a `GPTConfig` (or
    anything with its n_layer, n_head, n_embd and block_size);
    `KVCache.for_model(gpt, batch_size)` reads them, and the dtype, from a
    GPT. `length` positions are held (the same in every layer after a whole
    forward step); `append(layer, key, value)` stores new ones and gives back
    the views of all held ones; `reset()` empties it (the arrays stay).
    """

    def __init__(self, config: Any, batch_size: int, dtype: Any = np.float32) -> None:
        self.n_layer = _positive(config, "n_layer")
        self.n_head = _positive(config, "n_head")
        n_embd = _positive(config, "n_embd")
        self.block_size = _positive(config, "block_size")
        if n_embd % self.n_head:
            raise ValueError(f"KVCache: n_embd={n_embd} is not divisible by n_head={self.n_head}")
        self.head_size = n_embd // self.n_head
        self.batch_size = check_batch_size("KVCache", batch_size)
        self.dtype = np.dtype(dtype)
        if self.dtype.kind != "f":
            raise DTypeError(f"KVCache: dtype must be floating point, got {self.dtype}")
        ### BEGIN SOLUTION
        shape = (self.batch_size, self.n_head, self.block_size, self.head_size)
        self.keys = [np.zeros(shape, self.dtype) for _ in range(self.n_layer)]
        self.values = [np.zeros(shape, self.dtype) for _ in range(self.n_layer)]
        self.lengths = [0] * self.n_layer  # positions held, per layer
        ### END SOLUTION

    @classmethod
    def for_model(cls, model: Any, batch_size: int) -> KVCache:
        """A cache for `model`'s shape (its `config`) and dtype (its token table's)."""
        gpt_parts("KVCache.for_model", model)
        return cls(model.config, batch_size, dtype=model.wte.weight.data.dtype)

    @property
    def length(self) -> int:
        """The positions held by every layer (0 .. length - 1 are cached)."""
        ### BEGIN SOLUTION
        return min(self.lengths)
        ### END SOLUTION

    def check_room(self, op: str, new: int) -> None:
        """Raise CacheOverflowError if `new` more positions do not fit in block_size."""
        if self.length + new > self.block_size:
            raise CacheOverflowError(
                f"{op}: cannot add {new} positions to the {self.length} cached: "
                f"{self.length + new} would exceed the cache's block_size of "
                f"{self.block_size} (the model has positions 0..{self.block_size - 1} only; "
                "crop the context and rebuild the cache, as CachedGPT does)")

    def append(self, layer: int, key: np.ndarray, value: np.ndarray
               ) -> tuple[np.ndarray, np.ndarray]:
        """Store `key`, `value` (B, n_head, T, head_size) after layer `layer`'s held positions.

        Returns the views (B, n_head, length + T, head_size) of every key and
        value that layer now holds (no copy).
        """
        if isinstance(layer, bool) or not isinstance(layer, (int, np.integer)) \
                or not 0 <= layer < self.n_layer:
            raise IndexError(f"KVCache.append: layer must be in 0..{self.n_layer - 1}, "
                             f"got {layer!r}")
        want = (self.batch_size, self.n_head, self.head_size)
        for name, x in (("key", key), ("value", value)):
            x = np.asarray(x)
            if x.ndim != 4 or (x.shape[0], x.shape[1], x.shape[3]) != want:
                raise ShapeError(
                    f"KVCache.append: {name} of shape {tuple(x.shape)} does not fit the cache: "
                    f"expected ({self.batch_size}, {self.n_head}, T, {self.head_size}) "
                    f"(batch_size, n_head, new positions, head_size)")
        if key.shape != value.shape:
            raise ShapeError(f"KVCache.append: key {tuple(key.shape)} and value "
                             f"{tuple(value.shape)} must have the same shape")
        new = key.shape[2]
        if self.lengths[layer] + new > self.block_size:
            raise CacheOverflowError(
                f"KVCache.append: cannot add {new} positions to the {self.lengths[layer]} "
                f"cached in layer {layer}: {self.lengths[layer] + new} would exceed the "
                f"cache's block_size of {self.block_size}")
        ### BEGIN SOLUTION
        start, end = self.lengths[layer], self.lengths[layer] + new
        self.keys[layer][:, :, start:end] = key  # written in place: nothing is reallocated
        self.values[layer][:, :, start:end] = value
        self.lengths[layer] = end
        return self.keys[layer][:, :, :end], self.values[layer][:, :, :end]
        ### END SOLUTION

    def reset(self) -> None:
        """Forget every held position (the preallocated arrays are kept and reused)."""
        ### BEGIN SOLUTION
        self.lengths = [0] * self.n_layer
        ### END SOLUTION

    @property
    def nbytes(self) -> int:
        """Bytes of every keys and values array: the whole preallocated cache."""
        ### BEGIN SOLUTION
        return sum(k.nbytes + v.nbytes for k, v in zip(self.keys, self.values, strict=True))
        ### END SOLUTION

    @property
    def bytes_per_layer(self) -> int:
        """Bytes of one layer's keys and values arrays (all sequences, all positions)."""
        ### BEGIN SOLUTION
        return self.keys[0].nbytes + self.values[0].nbytes
        ### END SOLUTION

    @property
    def bytes_per_token(self) -> int:
        """Bytes one position of one sequence takes in every layer: 2 n_layer n_embd itemsize."""
        ### BEGIN SOLUTION
        return self.nbytes // (self.batch_size * self.block_size)
        ### END SOLUTION

    @property
    def used_bytes(self) -> int:
        """Bytes holding cached positions now: length * batch_size * bytes_per_token."""
        return self.length * self.batch_size * self.bytes_per_token

    def memory(self) -> dict[str, int]:
        """The accounting in one record (bytes), for a table."""
        return {"bytes_per_token": self.bytes_per_token, "bytes_per_layer": self.bytes_per_layer,
                "total_bytes": self.nbytes, "used_bytes": self.used_bytes,
                "length": self.length, "block_size": self.block_size,
                "batch_size": self.batch_size, "n_layer": self.n_layer}

    def check_fits(self, op: str, model: Any, batch: int) -> None:
        """This cache was made for `model`'s shape and dtype, and for `batch` sequences."""
        cfg = model.config
        want = (cfg.n_layer, cfg.n_head, cfg.n_embd // cfg.n_head, cfg.block_size)
        have = (self.n_layer, self.n_head, self.head_size, self.block_size)
        if want != have:
            raise ValueError(f"{op}: the cache was made for (n_layer, n_head, head_size, "
                             f"block_size) = {have}, the model has {want}")
        dtype = model.wte.weight.data.dtype
        if self.dtype != dtype:
            raise DTypeError(f"{op}: the cache holds {self.dtype}, the model computes in {dtype}")
        if batch != self.batch_size:
            raise ShapeError(f"{op}: a batch of {batch} sequences does not fit a cache made "
                             f"for batch_size={self.batch_size}: make a KVCache for {batch}")

    def __repr__(self) -> str:
        return (f"KVCache(n_layer={self.n_layer}, batch_size={self.batch_size}, "
                f"n_head={self.n_head}, head_size={self.head_size}, "
                f"block_size={self.block_size}, dtype={self.dtype}, length={self.length})")
