"""generate(..., use_cache=True) gives exactly the tokens of generation without a cache.

Greedy and sampled (same seed), several prompts, lengths and batch sizes,
and generations longer than block_size (the window slides and the cache is
rebuilt). CachedGPT's counters show that the cache did the work: the
positions it ran are the new tokens only, until the window slides.
"""

from __future__ import annotations

import numpy as np
import pytest
import tinytorch.generation as plain
from tinytorch.caching import CachedGPT, CacheOverflowError, generate
from tinytorch.tensor import Tensor, manual_seed
from tinytorch.transformers import GPT, GPTConfig
from tt_testing import spread_weights

SMALL = dict(vocab_size=17, block_size=10, n_layer=2, n_head=2, n_embd=16)


def gpt(seed: int = 0, dtype=np.float32, **kw) -> GPT:
    """A GPT with weights drawn from `seed` (logits spread clearly, as a trained model's)."""
    manual_seed(seed)
    model = GPT(GPTConfig(**{**SMALL, **kw}))
    spread_weights(model, seed, dtype)
    return model


def prompt(seed: int, b: int, t: int, v: int = SMALL["vocab_size"]) -> Tensor:
    return Tensor(np.random.default_rng(seed).integers(0, v, size=(b, t)))


@pytest.mark.parametrize("b, t, n", [(1, 1, 5), (1, 4, 6), (3, 2, 8), (2, 10, 4), (4, 3, 25),
                                     (1, 7, 40)])
def test_greedy_tokens_are_exactly_the_uncached_ones(b: int, t: int, n: int) -> None:
    model = gpt(seed=b + t)
    idx = prompt(n, b, t)
    want = plain.generate(model, idx, n, do_sample=False)
    got = generate(model, idx, n, do_sample=False)
    assert got.shape == (b, t + n) and got.dtype == np.int64
    np.testing.assert_array_equal(got.data, want.data)
    np.testing.assert_array_equal(generate(model, idx, n, do_sample=False,
                                           use_cache=False).data, want.data)


@pytest.mark.parametrize("knobs", [dict(), dict(temperature=0.7), dict(top_k=5),
                                   dict(top_p=0.9, temperature=1.3), dict(top_k=8, top_p=0.8)])
def test_sampled_tokens_with_a_seed_are_exactly_the_uncached_ones(knobs: dict) -> None:
    model = gpt(seed=3)
    idx = prompt(4, 3, 3)
    for seed in (0, 1, 2):
        want = plain.generate(model, idx, 30, seed=seed, **knobs).data  # slides after 7 steps
        np.testing.assert_array_equal(generate(model, idx, 30, seed=seed, **knobs).data, want)
    manual_seed(5)  # seed=None: tinytorch's default generator, the same draws either way
    want = plain.generate(model, idx, 12, **knobs).data
    manual_seed(5)
    np.testing.assert_array_equal(generate(model, idx, 12, **knobs).data, want)


def test_float64_and_other_model_shapes() -> None:
    for change in (dict(bias=False, gelu="none"), dict(fused=False), dict(n_layer=3, n_head=4)):
        model = gpt(seed=7, dtype=np.float64, **change)
        idx = prompt(8, 2, 4)
        np.testing.assert_array_equal(generate(model, idx, 15, do_sample=False).data,
                                      plain.generate(model, idx, 15, do_sample=False).data)


def test_stop_tokens_finish_rows_the_same_way() -> None:
    model = gpt(seed=9)
    idx = prompt(10, 4, 2)
    for stop in (3, [1, 5]):
        want = plain.generate(model, idx, 20, seed=0, stop=stop).data
        np.testing.assert_array_equal(generate(model, idx, 20, seed=0, stop=stop).data, want)


def test_the_cache_runs_only_new_tokens_until_the_window_slides() -> None:
    model = gpt(seed=11)
    idx = prompt(12, 2, 4)
    cached = CachedGPT(model)
    out = plain.generate(model, idx, 6, do_sample=False, cache=cached)
    # steps see contexts of 4, 5, .., 9 tokens: one rebuild (the prompt), then one token each
    assert (cached.steps, cached.rebuilds, cached.positions) == (6, 1, 4 + 5)
    assert cached.cache.length == 9 and cached.tokens.shape == (2, 9)
    np.testing.assert_array_equal(cached.tokens, out.data[:, :9])
    slid = CachedGPT(model)
    plain.generate(model, idx, 12, do_sample=False, cache=slid)
    # contexts 4 .. 10 grow (7 steps); then 5 steps on a slid window of 10: each rebuilds
    assert (slid.steps, slid.rebuilds, slid.positions) == (12, 1 + 5, 4 + 6 + 5 * 10)
    assert slid.cache.length == 10


def test_a_new_prompt_or_batch_rebuilds_the_same_cachedgpt() -> None:
    model = gpt(seed=13)
    cached = CachedGPT(model)
    for b, seed in ((2, 0), (2, 1), (3, 2), (1, 3)):
        idx = prompt(seed, b, 3)
        np.testing.assert_array_equal(
            plain.generate(model, idx, 5, do_sample=False, cache=cached).data,
            plain.generate(model, idx, 5, do_sample=False).data)
    assert cached.rebuilds == 4 and cached.cache.batch_size == 1
    cached.reset()
    assert cached.tokens.shape == (0, 0) and cached.cache.length == 0


def test_named_errors() -> None:
    model = gpt()
    with pytest.raises(TypeError, match=r"the model must be a tinytorch GPT .* got function"):
        generate(lambda ids: ids, prompt(0, 1, 2), 3)
    table = np.zeros((1, 1, 4))
    out = generate(lambda ids: Tensor(np.repeat(table, ids.shape[1], axis=1)),
                   Tensor(np.zeros((1, 2), np.int64)), 3, use_cache=False)
    assert out.shape == (1, 5)  # without the cache any model does
    with pytest.raises(TypeError, match=r"generate: use_cache must be a bool, got 1"):
        generate(model, prompt(0, 1, 2), 3, use_cache=1)
    with pytest.raises(ValueError, match="generate: top_p must be in"):
        generate(model, prompt(0, 1, 2), 3, top_p=2.0)  # module 17's checks, unchanged
    cached = CachedGPT(model)
    with pytest.raises(CacheOverflowError, match=r"cannot add 11 positions to the 0 cached: "
                                                 r"11 would exceed the cache's block_size of 10"):
        cached.next_token_logits(prompt(0, 1, 11))  # a context longer than block_size
    with pytest.raises(IndexError, match=r"CachedGPT: token id 17 is outside"):
        cached.next_token_logits(Tensor(np.array([[17]])))
