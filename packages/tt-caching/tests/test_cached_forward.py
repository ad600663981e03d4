"""cached_forward: the GPT's forward for new positions against a KVCache equals the full forward.

The models are tinytorch GPTs with weights drawn here (larger than GPT-2's
initialisation, so the logits differ clearly), in float64 for tight checks
and float32 as generation runs them. PyTorch's twin is a second oracle.
"""

from __future__ import annotations

import itertools

import numpy as np
import pytest
from tinytorch.caching import CacheOverflowError, KVCache, cached_forward
from tinytorch.tensor import DTypeError, ShapeError, Tensor, manual_seed
from tinytorch.transformers import GPT, GPTConfig
from tt_testing import assert_close, load_from_tinytorch, spread_weights, torch_gpt, torch_or_skip

SMALL = dict(vocab_size=13, block_size=12, n_layer=2, n_head=2, n_embd=16)


def gpt(seed: int = 0, dtype=np.float64, **kw) -> GPT:
    """A GPT of SMALL's shape (changed by kw) with weights drawn from `seed`, in `dtype`."""
    manual_seed(seed)
    model = GPT(GPTConfig(**{**SMALL, **kw}))
    spread_weights(model, seed, dtype)
    model.eval()
    return model


def ids(seed: int, b: int, t: int, v: int = SMALL["vocab_size"]) -> np.ndarray:
    return np.random.default_rng(seed).integers(0, v, size=(b, t))


def in_pieces(model: GPT, seq: np.ndarray, cuts: list[int]) -> np.ndarray:
    """Logits of `seq` fed through one cache in the pieces that `cuts` mark."""
    cache = KVCache.for_model(model, seq.shape[0])
    bounds = [0, *cuts, seq.shape[1]]
    parts = [cached_forward(model, Tensor(seq[:, a:b]), cache).data
             for a, b in itertools.pairwise(bounds)]
    assert cache.length == seq.shape[1]
    return np.concatenate(parts, axis=1)


@pytest.mark.parametrize("cuts", [[], [5], [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11], [3, 7, 8]])
def test_pieces_equal_the_whole_forward(cuts: list[int]) -> None:
    model = gpt()
    seq = ids(1, 3, 12)  # a full context: positions 0 .. block_size - 1
    want = model(Tensor(seq)).data
    got = in_pieces(model, seq, cuts)
    assert got.shape == (3, 12, 13) and got.dtype == np.float64
    assert_close(got, want, rtol=1e-10, atol=1e-12)


@pytest.mark.parametrize("change", [dict(bias=False), dict(gelu="none"), dict(fused=False),
                                    dict(n_head=4, n_layer=3), dict(n_head=1)])
def test_other_shapes_of_gpt(change: dict) -> None:
    model = gpt(seed=2, **change)
    seq = ids(3, 2, 9)
    assert_close(in_pieces(model, seq, [4, 5, 6]), model(Tensor(seq)).data, rtol=1e-10,
                 atol=1e-12)


def test_float32_as_generation_runs_it() -> None:
    model = gpt(seed=4, dtype=np.float32)
    seq = ids(5, 2, 12)
    got = in_pieces(model, seq, list(range(4, 12)))
    assert got.dtype == np.float32
    assert_close(got, model(Tensor(seq)).data, rtol=1e-4, atol=1e-5)


def test_the_cache_holds_the_models_keys_and_values() -> None:
    # layer 0's keys are c_attn(ln_1(wte + wpe)) split into heads: computed here by hand
    model = gpt(seed=6)
    seq = ids(7, 1, 5)
    cache = KVCache.for_model(model, 1)
    cached_forward(model, Tensor(seq), cache)
    x = model.wte.weight.data[seq] + model.wpe.weight.data[:5]  # (1, 5, C)
    ln = model.h[0].ln_1
    xhat = (x - x.mean(-1, keepdims=True)) / np.sqrt(x.var(-1, keepdims=True) + ln.eps)
    h = xhat * ln.weight.data + ln.bias.data
    attn = model.h[0].attn.c_attn
    qkv = h @ attn.weight.data.T + attn.bias.data  # (1, 5, 3C)
    k = qkv[..., 16:32].reshape(1, 5, 2, 8).transpose(0, 2, 1, 3)
    v = qkv[..., 32:].reshape(1, 5, 2, 8).transpose(0, 2, 1, 3)
    assert_close(cache.keys[0][:, :, :5], k, rtol=1e-12, atol=1e-12)
    assert_close(cache.values[0][:, :, :5], v, rtol=1e-12, atol=1e-12)
    assert not cache.keys[0][:, :, 5:].any()  # nothing written past the held positions


def test_pytorch_twin_agrees() -> None:
    torch = torch_or_skip()
    model = gpt(seed=8)
    twin = load_from_tinytorch(torch_gpt(model.config).double(), model.state_dict()).eval()
    seq = ids(9, 2, 10)
    with torch.no_grad():
        want = twin(torch.from_numpy(seq)).numpy()
    assert_close(in_pieces(model, seq, [6, 7, 8, 9]), want, rtol=1e-10, atol=1e-12)


def test_not_a_gpt_or_missing_parts_are_named() -> None:
    model = gpt()
    cache = KVCache.for_model(model, 1)
    x = Tensor(ids(0, 1, 2))
    with pytest.raises(TypeError, match=r"cached_forward: the model must be a tinytorch GPT "
                                        r"\(tinytorch.transformers.GPT\), got function"):
        cached_forward(lambda t: t, x, cache)
    del model.h[1].attn.c_attn
    with pytest.raises(TypeError, match=r"the GPT lacks what the cache needs: it has no "
                                        r"h.1.attn.c_attn"):
        cached_forward(model, x, cache)
    other = gpt()
    del other.wpe
    with pytest.raises(TypeError, match=r"it has no wpe.weight"):
        cached_forward(other, x, cache)
    assert cache.length == 0


def test_bad_ids_batch_cache_and_overflow_are_named_before_any_work() -> None:
    model = gpt()
    cache = KVCache.for_model(model, 2)
    cached_forward(model, Tensor(ids(0, 2, 10)), cache)
    with pytest.raises(CacheOverflowError, match=r"cached_forward: cannot add 3 positions to "
                                                 r"the 10 cached: 13 would exceed the cache's "
                                                 r"block_size of 12"):
        cached_forward(model, Tensor(ids(1, 2, 3)), cache)
    with pytest.raises(ShapeError, match=r"a batch of 3 sequences does not fit a cache made "
                                         r"for batch_size=2"):
        cached_forward(model, Tensor(ids(1, 3, 1)), cache)
    with pytest.raises(IndexError, match=r"token id 13 is outside the vocabulary 0..12"):
        cached_forward(model, Tensor(np.array([[1], [13]])), cache)
    with pytest.raises(DTypeError, match="token ids must be integers"):
        cached_forward(model, Tensor(np.zeros((2, 1))), cache)
    with pytest.raises(ShapeError, match=r"token ids must have shape \(B, T\)"):
        cached_forward(model, Tensor(np.zeros(2, np.int64)), cache)
    with pytest.raises(ValueError, match=r"the cache was made for \(n_layer, n_head, head_size, "
                                         r"block_size\) = \(2, 2, 8, 12\), the model has "
                                         r"\(3, 2, 8, 12\)"):
        cached_forward(gpt(n_layer=3), Tensor(ids(0, 2, 1)), cache)
    with pytest.raises(DTypeError, match=r"the cache holds float64, the model computes in "
                                         r"float32"):
        cached_forward(gpt(dtype=np.float32), Tensor(ids(0, 2, 1)), cache)
    with pytest.raises(TypeError, match="cache must be a KVCache, got dict"):
        cached_forward(model, Tensor(ids(0, 2, 1)), {})
    assert cache.length == 10  # nothing was appended by a failed call
