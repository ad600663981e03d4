"""Differential cases of tt-caching (module 20): KVCache, cached_forward, CachedGPT, generate.

Each `case_*` gets its own `rng` (seeded by its name) and returns arrays; the
grader compares them with the reference package's. Cases import tinytorch
inside their body, so a package that does not import fails its cases only.
The GPTs run in float64 with weights drawn from `rng` (each parameter once,
in `named_parameters` order, the tied head with the token table), so the
cached logits of any correct implementation agree with the reference to
rounding; the tolerance is (1e-9, 1e-11). Which token a seeded draw gives
is module 17's business: sampled generation is checked as "the same tokens
as without the cache". Public API only: tinytorch.caching and earlier modules.
"""

import itertools

import numpy as np

SMALL = dict(vocab_size=11, block_size=8, n_layer=2, n_head=2, n_embd=8)


def _gpt(rng, dtype=np.float64, **kw):
    """A GPT of SMALL's shape (changed by `kw`) with weights drawn from `rng`, in `dtype`."""
    from tinytorch.tensor import manual_seed
    from tinytorch.transformers import GPT, GPTConfig

    manual_seed(0)
    model = GPT(GPTConfig(**{**SMALL, **kw}))
    for name, p in model.named_parameters():
        if ".ln_" in f".{name}" and name.endswith("weight"):
            value = 1.0 + 0.1 * rng.standard_normal(p.shape)
        elif len(p.shape) == 2:
            value = rng.standard_normal(p.shape) / np.sqrt(p.shape[1])
        else:
            value = 0.1 * rng.standard_normal(p.shape)
        p.data = value.astype(dtype)
    return model


def _ids(rng, b, t, v=SMALL["vocab_size"]):
    from tinytorch.tensor import Tensor

    return Tensor(rng.integers(0, v, size=(b, t)))


def _pieces(model, seq, cuts):
    """Logits of `seq` (B, T) fed through one cache in the pieces `cuts` mark, concatenated."""
    from tinytorch.caching import KVCache, cached_forward
    from tinytorch.tensor import Tensor

    cache = KVCache.for_model(model, seq.shape[0])
    bounds = [0, *cuts, seq.shape[1]]
    out = [cached_forward(model, Tensor(seq.data[:, a:b]), cache).data
           for a, b in itertools.pairwise(bounds)]
    return np.concatenate(out, axis=1), cache


def case_kv_cache_layout(rng):
    """KVCache(GPTConfig, batch_size=2): per-layer keys and values, their shapes, dtype, length."""
    from tinytorch.caching import KVCache
    from tinytorch.transformers import GPTConfig

    cache = KVCache(GPTConfig(**{**SMALL, "n_layer": 3}), batch_size=2)
    return {"keys": np.array([k.shape for k in cache.keys]),
            "values": np.array([v.shape for v in cache.values]),
            "float32": all(k.dtype == np.float32 for k in cache.keys),
            "length": cache.length, "block_size": cache.block_size}


def case_append_returns_everything_held(rng):
    """append in two steps (3 then 2 positions) in each layer: the returned keys and values."""
    from tinytorch.caching import KVCache
    from tinytorch.transformers import GPTConfig

    cache = KVCache(GPTConfig(**SMALL), batch_size=2, dtype=np.float64)
    out = {}
    for step, t in enumerate((3, 2)):
        for layer in range(2):
            k, v = rng.standard_normal((2, 2, 2, t, 4))
            keys, values = cache.append(layer, k, v)
            out[f"k{step}{layer}"], out[f"v{step}{layer}"] = keys.copy(), values.copy()
    out["length"] = cache.length
    return out


def case_length_is_held_by_every_layer(rng):
    """length counts the positions held by every layer; reset empties the cache."""
    from tinytorch.caching import KVCache
    from tinytorch.transformers import GPTConfig

    cache = KVCache(GPTConfig(**SMALL), batch_size=1, dtype=np.float64)
    lengths = [cache.length]
    k = rng.standard_normal((1, 2, 2, 4))
    cache.append(0, k, k)
    lengths.append(cache.length)  # layer 1 holds nothing yet
    cache.append(1, k, k)
    lengths.append(cache.length)
    cache.reset()
    lengths.append(cache.length)
    keys, _ = cache.append(0, k[:, :, :1], k[:, :, :1])
    return {"lengths": np.array(lengths), "after_reset": keys.copy()}


def case_memory_accounting(rng):
    """bytes_per_token, bytes_per_layer, nbytes and used_bytes for float32 and float64 caches."""
    from tinytorch.caching import KVCache
    from tinytorch.transformers import GPTConfig

    out = {}
    for dtype in (np.float32, np.float64):
        cache = KVCache(GPTConfig(**{**SMALL, "n_layer": 3}), batch_size=2, dtype=dtype)
        k = rng.standard_normal((2, 2, 5, 4)).astype(dtype)
        for layer in range(3):
            cache.append(layer, k, k)
        name = np.dtype(dtype).name
        out.update({f"{name}_per_token": cache.bytes_per_token,
                    f"{name}_per_layer": cache.bytes_per_layer,
                    f"{name}_total": cache.nbytes, f"{name}_used": cache.used_bytes})
    return out


def case_prefill_equals_the_forward(rng):
    """cached_forward of a whole (3, 8) context on an empty cache equals the GPT's logits."""
    model = _gpt(rng)
    seq = _ids(rng, 3, 8)
    got, cache = _pieces(model, seq, [])
    return {"logits": got, "forward": model(seq), "length": cache.length}


def case_pieces_equal_the_forward(rng):
    """Prompt of 4, then 1, 1 and 2 tokens through one cache: the logits of the whole (2, 8)."""
    model = _gpt(rng)
    seq = _ids(rng, 2, 8)
    got, _ = _pieces(model, seq, [4, 5, 6])
    return {"logits": got, "forward": model(seq)}


def case_cached_keys_and_values(rng):
    """The keys and values each layer holds after a (2, 6) prompt, float64."""
    model = _gpt(rng)
    _, cache = _pieces(model, _ids(rng, 2, 6), [2])
    return {f"{kind}{i}": arrays[i][:, :, :6].copy() for kind, arrays in
            (("k", cache.keys), ("v", cache.values)) for i in range(2)}


def case_other_gpt_shapes(rng):
    """Cached pieces of GPTs without biases and with the exact GELU, and with 4 heads, 3 layers."""
    a = _gpt(rng, bias=False, gelu="none")
    b = _gpt(rng, n_head=4, n_layer=3)
    seq = _ids(rng, 2, 7)
    return {"no_bias": _pieces(a, seq, [3, 4])[0], "wide": _pieces(b, seq, [1, 5])[0]}


def case_greedy_tokens(rng):
    """generate(use_cache=True) greedy, (2, 3) prompts, 4 tokens: the tokens, and the same as
    use_cache=False."""
    from tinytorch.caching import generate

    model = _gpt(rng, dtype=np.float32)
    idx = _ids(rng, 2, 3)
    cached = generate(model, idx, 4, do_sample=False)
    return {"tokens": cached,
            "same": np.array_equal(cached.data,
                                   generate(model, idx, 4, do_sample=False, use_cache=False).data)}


def case_greedy_past_block_size(rng):
    """Greedy generation of 20 tokens after 3 at block_size 8 (the window slides): the tokens,
    and the same as without the cache."""
    import tinytorch.generation as plain
    from tinytorch.caching import generate

    model = _gpt(rng)
    idx = _ids(rng, 3, 3)
    cached = generate(model, idx, 20, do_sample=False)
    return {"tokens": cached,
            "same": np.array_equal(cached.data, plain.generate(model, idx, 20,
                                                               do_sample=False).data)}


def case_sampled_tokens_are_the_uncached_ones(rng):
    """Seeded sampling (temperature 0.8, top_k 5, top_p 0.9), 15 tokens past block_size: the
    cached tokens equal the uncached ones for 3 seeds."""
    import tinytorch.generation as plain
    from tinytorch.caching import generate

    model = _gpt(rng, dtype=np.float32)
    idx = _ids(rng, 2, 2)
    knobs = dict(temperature=0.8, top_k=5, top_p=0.9)
    same = [np.array_equal(generate(model, idx, 15, seed=s, **knobs).data,
                           plain.generate(model, idx, 15, seed=s, **knobs).data)
            for s in range(3)]
    return {"same": np.array(same)}


def case_batch_sizes_and_stop(rng):
    """Greedy with batch sizes 1 and 4, and with a stop token: the same tokens as uncached."""
    import tinytorch.generation as plain
    from tinytorch.caching import generate

    model = _gpt(rng, dtype=np.float32)
    out = {}
    for b in (1, 4):
        idx = _ids(rng, b, 2)
        out[f"b{b}"] = np.array_equal(generate(model, idx, 9, do_sample=False).data,
                                      plain.generate(model, idx, 9, do_sample=False).data)
    idx = _ids(rng, 3, 2)
    out["stop"] = np.array_equal(generate(model, idx, 9, seed=1, stop=[2, 5]).data,
                                 plain.generate(model, idx, 9, seed=1, stop=[2, 5]).data)
    return out


def case_cachedgpt_runs_only_new_tokens(rng):
    """CachedGPT through module 17's cache hook, 10 tokens after 4 at block_size 8:
    steps, rebuilds, positions run, and the cache's length."""
    import tinytorch.generation as plain
    from tinytorch.caching import CachedGPT

    model = _gpt(rng)
    cached = CachedGPT(model)
    plain.generate(model, _ids(rng, 2, 4), 10, do_sample=False, cache=cached)
    return np.array([cached.steps, cached.rebuilds, cached.positions, cached.cache.length])


def case_cache_overflow(rng):
    """cached_forward of 3 tokens after 6 at block_size 8 raises CacheOverflowError."""
    from tinytorch.caching import KVCache, cached_forward

    model = _gpt(rng)
    cache = KVCache.for_model(model, 1)
    cached_forward(model, _ids(rng, 1, 6), cache)
    cached_forward(model, _ids(rng, 1, 3), cache)


case_cache_overflow.raises = "CacheOverflowError"


def case_batch_mismatch(rng):
    """cached_forward of a batch of 3 with a cache made for 2 raises ShapeError."""
    from tinytorch.caching import KVCache, cached_forward

    model = _gpt(rng)
    cache = KVCache.for_model(model, 2)
    cached_forward(model, _ids(rng, 2, 2), cache)
    cached_forward(model, _ids(rng, 3, 1), cache)


case_batch_mismatch.raises = "ShapeError"


def case_not_a_gpt(rng):
    """generate(use_cache=True) with a model that is a plain function raises TypeError."""
    from tinytorch.caching import generate
    from tinytorch.tensor import Tensor

    generate(lambda ids: Tensor(np.zeros((*ids.shape, 5))), _ids(rng, 1, 2, 5), 3)


case_not_a_gpt.raises = "TypeError"


case_prefill_equals_the_forward.tolerance = (1e-9, 1e-11)
case_pieces_equal_the_forward.tolerance = (1e-9, 1e-11)
case_cached_keys_and_values.tolerance = (1e-9, 1e-11)
case_other_gpt_shapes.tolerance = (1e-9, 1e-11)
