"""cached_forward: the GPT's forward pass for new positions only, against a KVCache.

The same computation as `GPT.forward`, written from the GPT's public parts
(`wte wpe h[i].ln_1 .attn.c_attn .attn.c_proj .ln_2 .mlp.c_fc .mlp.c_proj
ln_f lm_head`) for T new tokens at positions n .. n + T - 1, n = cache.length:

    x = wte[ids] + wpe[n .. n+T-1]                          (B, T, C)
    per block i:
        q, k, v = split(c_attn(ln_1(x)))                    (B, nh, T, hs) each
        K, V = cache.append(i, k, v)                        (B, nh, n+T, hs)
        x = x + c_proj(attention(q, K, V, mask))            new query j sees keys 0 .. n+j
        x = x + c_proj(gelu(c_fc(ln_2(x))))
    logits = lm_head(ln_f(x))                               (B, T, V)

For several new tokens (the prompt, a rebuild) the attention is
tt-attention's public `scaled_dot_product_attention` with an explicit bool
mask (T, n+T), True where query j (at position n + j) may look: keys
0 .. n + j. For one new token (every decoding step) nothing is masked, and
the attention is two matrix-vector products and a softmax, done here on the
arrays (`_one_query`): the primitive's argument checks cost more than
that arithmetic (measured with benchmarks/kv_cache.py: the gain at context
256 went from 8.1-8.8x to 10.6-12.9x). GELU is the model's fused
primitive `gelu_fused`; the Linears (`x @ W^T + b`) and LayerNorms
(`(x - mean) / sqrt(var + eps) * w + b`) are computed on their parameters'
arrays.

Why the arrays and not the modules: a decoding step is a few (B, C) rows,
where a framework's per-call cost (checks, dispatch, graph bookkeeping:
tens of microseconds a call) is larger than the arithmetic. Calling the
Linears and LayerNorms on their arrays, and only the prompt's attention
and GELU through the framework, keeps a step close to NumPy's own cost;
benchmarks/kv_cache.py measures it. The numbers equal the modules' to
float rounding (the tests compare them with the GPT's forward). Inference
only: no gradients, dropout off (eval mode).

Cost per step, L layers of width C, n cached positions, B sequences:
24 B C^2 L + 4 B n C L FLOPs, against 24 B T C^2 L + 4 B T^2 C L for the
whole context (T = n + 1) without the cache.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from tinytorch.attention import scaled_dot_product_attention
from tinytorch.autograd import no_grad
from tinytorch.tensor import Tensor
from tinytorch.transformers import gelu_fused

from .checks import check_ids
from .kv_cache import KVCache
from .parts import Affine, BlockParts, GPTParts, Norm, gpt_parts


def _linear(layer: Affine, x: np.ndarray) -> np.ndarray:
    """A Linear on its arrays: x @ W^T (+ b)."""
    ### BEGIN SOLUTION
    y = x @ layer.weight.data.T
    if layer.bias is not None:
        y += layer.bias.data
    return y
    ### END SOLUTION


def _norm(ln: Norm, x: np.ndarray) -> np.ndarray:
    """A LayerNorm over the last dim on its arrays: (x - mean) / sqrt(var + eps) * w + b."""
    ### BEGIN SOLUTION
    width = x.shape[-1]
    centred = x - x.sum(axis=-1, keepdims=True) / width
    std = np.sqrt(np.square(centred).sum(axis=-1, keepdims=True) / width + ln.eps)  # biased var
    y = centred / std
    if ln.weight is not None:
        y *= ln.weight.data
    if ln.bias is not None:
        y += ln.bias.data
    return y
    ### END SOLUTION


def new_query_mask(new: int, held: int) -> Tensor | None:
    """(new, held + new) bool, True where new query j may look: keys 0 .. held + j.

    None for one new query: it sees every key, nothing is hidden.
    """
    ### BEGIN SOLUTION
    if new == 1:
        return None
    return Tensor(np.tri(new, held + new, k=held, dtype=bool))
    ### END SOLUTION


def _one_query(q: np.ndarray, keys: np.ndarray, values: np.ndarray) -> np.ndarray:
    """Attention of ONE new query per head against every held key: (B, nh, 1, hs).

    softmax(q K^T / sqrt(hs)) V with nothing to mask (the newest position
    sees all). Two matrix-vector products and a softmax over n scores: less
    work than the attention primitive's argument checks, which is why a
    decoding step does it here (the prompt and rebuilds use the primitive).
    """
    ### BEGIN SOLUTION
    scale = np.asarray(1.0 / np.sqrt(q.shape[-1]), dtype=q.dtype)
    scores = (q * scale) @ keys.swapaxes(-1, -2)  # (B, nh, 1, n)
    scores -= scores.max(axis=-1, keepdims=True)
    np.exp(scores, out=scores)
    scores /= scores.sum(axis=-1, keepdims=True)
    return scores @ values
    ### END SOLUTION


def _attention(block: BlockParts, layer: int, h: np.ndarray, cache: KVCache, n_head: int,
               mask: Tensor | None) -> np.ndarray:
    """The attention branch of one block for the new positions: (B, T, C) -> (B, T, C)."""
    ### BEGIN SOLUTION
    B, T, C = h.shape
    qkv = _linear(block.c_attn, h)  # (B, T, 3C)
    q, k, v = qkv.reshape(B, T, 3, n_head, C // n_head).transpose(2, 0, 3, 1, 4)
    keys, values = cache.append(layer, k, v)  # (B, nh, n+T, hs): held and new
    if T == 1:
        y = _one_query(q, keys, values)  # (B, nh, 1, hs)
    else:
        y = scaled_dot_product_attention(Tensor(q), Tensor(keys), Tensor(values),
                                         attn_mask=mask).data  # (B, nh, T, hs)
    return _linear(block.c_proj, y.transpose(0, 2, 1, 3).reshape(B, T, C))
    ### END SOLUTION


def _mlp(block: BlockParts, h: np.ndarray, approximate: str) -> np.ndarray:
    """The MLP branch of one block: (B, T, C) -> (B, T, C)."""
    ### BEGIN SOLUTION
    hidden = gelu_fused(Tensor(_linear(block.c_fc, h)), approximate).data  # (B, T, 4C)
    return _linear(block.mlp_proj, hidden)
    ### END SOLUTION


def run_cached(parts: GPTParts, ids: np.ndarray, cache: KVCache) -> np.ndarray:
    """The cached forward on checked input: ids (B, T) -> logits (B, T, V), cache extended."""
    cache.check_room("cached_forward", ids.shape[1])
    ### BEGIN SOLUTION
    held, new = cache.length, ids.shape[1]
    mask = new_query_mask(new, held)
    with no_grad():
        x = parts.wte.data[ids] + parts.wpe.data[held:held + new]  # (B, T, C)
        for i, block in enumerate(parts.blocks):
            x = x + _attention(block, i, _norm(block.ln_1, x), cache, parts.n_head, mask)
            x = x + _mlp(block, _norm(block.ln_2, x), parts.gelu)
        return _norm(parts.ln_f, x) @ parts.head.data.T  # (B, T, V)
    ### END SOLUTION


def cached_forward(model: Any, idx: Any, cache: KVCache) -> Tensor:
    """Logits (B, T, V) of T new tokens `idx` (B, T) after the `cache.length` held positions.

    Equal to the last T positions of `model(all tokens so far)`, up to float
    rounding; the new keys and values are appended to `cache`. Feeding a
    sequence in pieces (a prompt, then one token at a time) gives the
    logits of feeding it at once. Errors, before any work: a model that is
    not a tinytorch GPT or lacks a part (TypeError), ids that are not (B, T)
    integers in the vocabulary, a cache of another shape or dtype, or made
    for another batch size (ShapeError), and more positions than block_size
    (CacheOverflowError).
    """
    op = "cached_forward"
    parts = gpt_parts(op, model)
    ids = check_ids(op, idx, parts.vocab_size)
    if not isinstance(cache, KVCache):
        raise TypeError(f"{op}: cache must be a KVCache, got {type(cache).__name__}")
    cache.check_fits(op, model, ids.shape[0])
    return Tensor(run_cached(parts, ids, cache))
