"""KVCache: preallocated per-layer keys and values, appending, the block_size policy, memory."""

from __future__ import annotations

import numpy as np
import pytest
from tinytorch.caching import CacheOverflowError, KVCache
from tinytorch.tensor import DTypeError, ShapeError, manual_seed
from tinytorch.transformers import GPT, GPTConfig

CONFIG = dict(vocab_size=11, block_size=8, n_layer=3, n_head=2, n_embd=12)


def kv(rng: np.random.Generator, b: int, t: int, dtype=np.float32) -> tuple[np.ndarray, ...]:
    """A key and a value (b, n_head 2, t, head_size 6)."""
    return tuple(rng.standard_normal((b, 2, t, 6)).astype(dtype) for _ in range(2))


def test_preallocated_empty_and_shaped_by_the_config() -> None:
    cache = KVCache(GPTConfig(**CONFIG), batch_size=2)
    assert cache.length == 0 and cache.block_size == 8 and cache.batch_size == 2
    assert (cache.n_layer, cache.n_head, cache.head_size, cache.dtype) == (3, 2, 6, np.float32)
    assert len(cache.keys) == len(cache.values) == 3
    assert all(k.shape == (2, 2, 8, 6) and k.dtype == np.float32 for k in cache.keys)
    assert all(v.shape == (2, 2, 8, 6) for v in cache.values)
    assert len({id(a) for a in (*cache.keys, *cache.values)}) == 6  # no shared arrays


def test_append_stores_in_place_and_gives_views_of_everything_held() -> None:
    rng = np.random.default_rng(0)
    cache = KVCache(GPTConfig(**CONFIG), batch_size=2)
    arrays = [a.copy() for a in cache.keys]
    k1, v1 = kv(rng, 2, 3)
    k2, v2 = kv(rng, 2, 1)
    for layer in range(3):
        keys, values = cache.append(layer, k1, v1)
        assert keys.shape == (2, 2, 3, 6)
        np.testing.assert_array_equal(values, v1)
    assert cache.length == 3
    keys, values = cache.append(1, k2, v2)
    assert cache.length == 3  # held by every layer: layers 0 and 2 still hold 3
    np.testing.assert_array_equal(keys, np.concatenate([k1, k2], axis=2))
    np.testing.assert_array_equal(values, np.concatenate([v1, v2], axis=2))
    assert np.shares_memory(keys, cache.keys[1])  # a view, nothing copied out
    assert cache.keys[1].shape == arrays[1].shape  # never reallocated
    for layer in (0, 2):
        cache.append(layer, k2, v2)
    assert cache.length == 4
    cache.reset()
    assert cache.length == 0
    keys, _ = cache.append(0, k2, v2)
    np.testing.assert_array_equal(keys, k2)  # starts again at position 0


def test_appending_past_block_size_names_both_lengths() -> None:
    rng = np.random.default_rng(1)
    cache = KVCache(GPTConfig(**CONFIG), batch_size=1)
    k, v = kv(rng, 1, 6)
    cache.append(0, k, v)
    k3, v3 = kv(rng, 1, 3)
    with pytest.raises(CacheOverflowError, match=r"cannot add 3 positions to the 6 cached in "
                                                 r"layer 0: 9 would exceed the cache's "
                                                 r"block_size of 8"):
        cache.append(0, k3, v3)
    assert issubclass(CacheOverflowError, ShapeError) and issubclass(CacheOverflowError,
                                                                     ValueError)
    k2, v2 = kv(rng, 1, 2)
    keys, _ = cache.append(0, k2, v2)  # exactly block_size fits; nothing was written before
    assert keys.shape[2] == 8
    with pytest.raises(CacheOverflowError, match=r"9 would exceed"):
        cache.append(0, *kv(rng, 1, 1))
    with pytest.raises(CacheOverflowError, match=r"cannot add 9 positions to the 0 cached"):
        cache.check_room("x", 9)


def test_wrong_shapes_batch_and_layer_are_named() -> None:
    rng = np.random.default_rng(2)
    cache = KVCache(GPTConfig(**CONFIG), batch_size=2)
    with pytest.raises(ShapeError, match=r"key of shape \(3, 2, 1, 6\) does not fit the cache: "
                                         r"expected \(2, 2, T, 6\)"):
        cache.append(0, *kv(rng, 3, 1))  # a batch of 3 in a cache for 2
    k, v = kv(rng, 2, 1)
    with pytest.raises(ShapeError, match=r"key \(2, 2, 1, 6\) and value \(2, 2, 2, 6\)"):
        cache.append(0, k, np.concatenate([v, v], axis=2))
    with pytest.raises(ShapeError, match="value of shape"):
        cache.append(0, k, v[:, :1])
    with pytest.raises(IndexError, match=r"layer must be in 0..2, got 3"):
        cache.append(3, k, v)
    assert cache.length == 0


def test_memory_accounting_from_the_arrays() -> None:
    for dtype, itemsize in ((np.float32, 4), (np.float64, 8)):
        cache = KVCache(GPTConfig(**CONFIG), batch_size=2, dtype=dtype)
        per_token = 2 * 3 * 12 * itemsize  # keys and values, 3 layers, 12 features
        assert cache.bytes_per_token == per_token
        assert cache.bytes_per_layer == 2 * 2 * 8 * 12 * itemsize  # k and v, B 2, 8 positions
        assert cache.nbytes == sum(a.nbytes for a in (*cache.keys, *cache.values)) \
            == 3 * cache.bytes_per_layer == per_token * 2 * 8
        assert cache.used_bytes == 0
        for layer in range(3):
            cache.append(layer, *kv(np.random.default_rng(layer), 2, 5, dtype))
        assert cache.used_bytes == 5 * 2 * per_token
        memory = cache.memory()
        assert memory["total_bytes"] == cache.nbytes and memory["length"] == 5


def test_for_model_reads_the_shape_and_dtype() -> None:
    manual_seed(0)
    model = GPT(GPTConfig(**CONFIG))
    cache = KVCache.for_model(model, 3)
    assert (cache.n_layer, cache.block_size, cache.batch_size, cache.dtype) == (3, 8, 3,
                                                                               np.float32)
    for p in model.parameters():
        p.data = p.data.astype(np.float64)
    assert KVCache.for_model(model, 1).dtype == np.float64
    with pytest.raises(TypeError, match="must be a tinytorch GPT"):
        KVCache.for_model(object(), 1)
    assert "KVCache(n_layer=3" in repr(cache)


def test_bad_arguments_are_named() -> None:
    config = GPTConfig(**CONFIG)
    with pytest.raises(ValueError, match=r"KVCache: batch_size must be a positive int, got 0"):
        KVCache(config, 0)
    with pytest.raises(ValueError, match="batch_size must be a positive int"):
        KVCache(config, True)
    with pytest.raises(DTypeError, match=r"KVCache: dtype must be floating point, got int64"):
        KVCache(config, 1, dtype=np.int64)
    with pytest.raises(ValueError, match=r"KVCache: config.n_layer must be a positive int"):
        KVCache(object(), 1)
