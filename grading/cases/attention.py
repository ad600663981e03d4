"""Differential cases of tt-attention (module 15): scaled_dot_product_attention, its twin,
causal_mask and MultiheadAttention.

Each `case_*` gets its own `rng` (seeded by its name) and returns arrays; the
grader compares them with the reference package's. Cases import tinytorch
inside their body, so a package that does not import fails its cases only.
Inputs are float64 with a tolerance of (1e-9, 1e-11): matmuls in another
order differ by about 1e-15. Module weights are loaded from `rng`; dropout
is checked by its properties (same seed, same draw; the twin's equal draw).
Public API only: tinytorch.attention and the earlier modules.
"""

import numpy as np
from _shared import backward


def _qkv(rng, batch=(2, 3), length=4, source=5, e=6, ev=3):
    from tinytorch.tensor import Tensor

    def t(*shape):
        return Tensor(rng.standard_normal(shape), requires_grad=True)

    return t(*batch, length, e), t(*batch, source, e), t(*batch, source, ev)


def _mha(rng, e=8, h=2, bias=True, **kw):
    from tinytorch.attention import MultiheadAttention

    m = MultiheadAttention(e, h, bias=bias, dtype=np.float64, **kw)
    state = {"in_proj_weight": rng.standard_normal((3 * e, e)) / np.sqrt(e),
             "out_proj.weight": rng.standard_normal((e, e)) / np.sqrt(e)}
    if bias:
        state.update({"in_proj_bias": 0.1 * rng.standard_normal(3 * e),
                      "out_proj.bias": 0.1 * rng.standard_normal(e)})
    m.load_state_dict(state)
    return m


def case_sdpa_hand_value(rng):
    """One query, scores [0, ln 3] at scale 1: weights [1/4, 3/4] of values 4 and 8 give 7."""
    from tinytorch.attention import scaled_dot_product_attention
    from tinytorch.tensor import Tensor

    return scaled_dot_product_attention(Tensor(np.array([[1.0]])),
                                        Tensor(np.array([[0.0], [np.log(3.0)]])),
                                        Tensor(np.array([[4.0], [8.0]])), scale=1.0)


def case_sdpa_plain_gradients(rng):
    """Unmasked attention of (2, 3, 4, 6) queries on 5 keys: output and q, k, v gradients."""
    from tinytorch.attention import scaled_dot_product_attention

    q, k, v = _qkv(rng)
    return backward(rng, scaled_dot_product_attention(q, k, v), q, k, v)


def case_sdpa_causal_rectangular(rng):
    """is_causal with L=4 queries and S=6 keys (top-left aligned): output and gradients."""
    from tinytorch.attention import scaled_dot_product_attention

    q, k, v = _qkv(rng, source=6)
    return backward(rng, scaled_dot_product_attention(q, k, v, is_causal=True), q, k, v)


def case_sdpa_bool_mask_broadcast(rng):
    """A bool (3, 1, 5) mask (True = attend) broadcast over (2, 3, 4, 5) scores, with grads."""
    from tinytorch.attention import scaled_dot_product_attention
    from tinytorch.tensor import Tensor

    q, k, v = _qkv(rng)
    mask = rng.random((3, 1, 5)) > 0.4
    mask[..., 0] = True
    return backward(rng, scaled_dot_product_attention(q, k, v, attn_mask=Tensor(mask)), q, k, v)


def case_sdpa_float_mask_gradient(rng):
    """A float (4, 5) mask that requires grad is added; gradients of q, k, v and the mask."""
    from tinytorch.attention import scaled_dot_product_attention
    from tinytorch.tensor import Tensor

    q, k, v = _qkv(rng)
    bias = Tensor(rng.standard_normal((4, 5)), requires_grad=True)
    return backward(rng, scaled_dot_product_attention(q, k, v, attn_mask=bias), q, k, v, bias)


def case_sdpa_fully_masked_row(rng):
    """A query row with every key masked gives zeros and zero gradients, as PyTorch 2.5+."""
    from tinytorch.attention import scaled_dot_product_attention
    from tinytorch.tensor import Tensor

    q, k, v = _qkv(rng, batch=(2,))
    mask = np.ones((4, 5), dtype=bool)
    mask[2] = False
    return backward(rng, scaled_dot_product_attention(q, k, v, attn_mask=Tensor(mask)), q, k, v)


def case_sdpa_scale_and_broadcast_batch(rng):
    """scale=0.3, and key/value (1, 5, E) shared by a batch of 2 queries: grads sum over it."""
    from tinytorch.attention import scaled_dot_product_attention
    from tinytorch.tensor import Tensor

    q = Tensor(rng.standard_normal((2, 4, 6)), requires_grad=True)
    k = Tensor(rng.standard_normal((1, 5, 6)), requires_grad=True)
    v = Tensor(rng.standard_normal((1, 5, 3)), requires_grad=True)
    return backward(rng, scaled_dot_product_attention(q, k, v, scale=0.3), q, k, v)


def case_sdpa_composite_twin(rng):
    """The composite twin with a bool mask: output and gradients (equal to the primitive)."""
    from tinytorch.attention import scaled_dot_product_attention_composite
    from tinytorch.tensor import Tensor

    q, k, v = _qkv(rng)
    mask = rng.random((4, 5)) > 0.3
    mask[1] = False
    out = scaled_dot_product_attention_composite(q, k, v, attn_mask=Tensor(mask))
    return backward(rng, out, q, k, v)


def case_sdpa_dropout_properties(rng):
    """dropout_p=0.5 under one seed: the same draw twice, the twin's equal, mean near 1."""
    from tinytorch.attention import (
        scaled_dot_product_attention,
        scaled_dot_product_attention_composite,
    )
    from tinytorch.tensor import Tensor, manual_seed

    q, k, v = _qkv(rng)
    outs = []
    for fn in (scaled_dot_product_attention, scaled_dot_product_attention,
               scaled_dot_product_attention_composite):
        manual_seed(5)
        outs.append(fn(q, k, v, dropout_p=0.5).data)
    ones = Tensor(np.ones((100, 8, 1)))
    manual_seed(0)
    mean = scaled_dot_product_attention(Tensor(np.zeros((100, 8, 2))), Tensor(np.zeros(
        (100, 8, 2))), ones, dropout_p=0.25).data.mean()
    return {"same_seed_same_draw": bool(np.array_equal(outs[0], outs[1])),
            "twin_equal": bool(np.allclose(outs[0], outs[2], rtol=1e-10, atol=1e-12)),
            "mean_near_one": bool(abs(mean - 1.0) < 0.03)}


def case_causal_mask(rng):
    """causal_mask(4): zeros on and below the diagonal, -inf above, float32."""
    from tinytorch.attention import causal_mask

    m = causal_mask(4)
    return {"is_neg_inf": np.isneginf(m.data), "finite_part": np.where(np.isfinite(m.data),
                                                                        m.data, 7.0),
            "float32": m.data.dtype == np.float32}


def case_mha_self_attention_gradients(rng):
    """MultiheadAttention(8, 2, batch_first=True) on (2, 5, 8), loaded weights: output,
    averaged weights, the input's and every parameter's gradient."""
    from tinytorch.tensor import Tensor

    m = _mha(rng, batch_first=True)
    x = Tensor(rng.standard_normal((2, 5, 8)), requires_grad=True)
    out, w = m(x, x, x)
    loss = (out * Tensor(rng.standard_normal(out.shape))).sum() + \
        (w * Tensor(rng.standard_normal(w.shape))).sum()
    loss.backward()
    result = {"out": out.detach(), "weights": w.detach(), "dx": x.grad}
    result.update({n.replace(".", "_"): p.grad for n, p in m.named_parameters()})
    return result


def case_mha_sequence_first_masks(rng):
    """Sequence-first (L, N, E) cross-attention with a key_padding_mask and a bool attn_mask
    (True = leave out), weights per head: output, weights, gradients."""
    from tinytorch.tensor import Tensor

    m = _mha(rng)
    q = Tensor(rng.standard_normal((4, 2, 8)), requires_grad=True)
    kv = Tensor(rng.standard_normal((6, 2, 8)), requires_grad=True)
    kpm = np.zeros((2, 6), dtype=bool)
    kpm[1, -2:] = True
    am = np.triu(np.ones((4, 6), dtype=bool), k=3)
    out, w = m(q, kv, kv, key_padding_mask=Tensor(kpm), attn_mask=Tensor(am),
               average_attn_weights=False)
    (out * Tensor(rng.standard_normal(out.shape))).sum().backward()
    return {"out": out.detach(), "weights": w.detach(), "dq": q.grad, "dkv": kv.grad,
            "din_proj": m.in_proj_weight.grad}


def case_mha_fast_path_causal(rng):
    """need_weights=False with a float causal mask, no bias, unbatched (5, 8): output and
    gradients; weights are None."""
    from tinytorch.attention import causal_mask
    from tinytorch.tensor import Tensor

    m = _mha(rng, bias=False)
    x = Tensor(rng.standard_normal((5, 8)), requires_grad=True)
    out, w = m(x, x, x, attn_mask=causal_mask(5, np.float64), need_weights=False,
               is_causal=True)
    result = backward(rng, out, x, m.in_proj_weight, m.out_proj.weight)
    result["weights_none"] = w is None
    return result


def case_sdpa_float32_causal(rng):
    """float32 causal attention of (3, 6, 4): output and gradients stay float32."""
    from tinytorch.attention import scaled_dot_product_attention
    from tinytorch.tensor import Tensor

    q, k, v = (Tensor(rng.standard_normal((3, 6, 4)).astype(np.float32), requires_grad=True)
               for _ in range(3))
    out = scaled_dot_product_attention(q, k, v, is_causal=True)
    (out * Tensor(rng.standard_normal(out.shape).astype(np.float32))).sum().backward()
    return {"out": out.detach(), "dq": q.grad, "dk": k.grad, "dv": v.grad,
            "float32": q.grad.dtype == np.float32}


def case_mha_kdim_vdim(rng):
    """MultiheadAttention(8, 2, kdim=3, vdim=5) with q/k/v_proj_weight loaded: output and
    weights of (2, 4, 8) queries on (2, 6, 3) keys and (2, 6, 5) values."""
    from tinytorch.attention import MultiheadAttention
    from tinytorch.tensor import Tensor

    m = MultiheadAttention(8, 2, kdim=3, vdim=5, batch_first=True, dtype=np.float64)
    m.load_state_dict({"q_proj_weight": rng.standard_normal((8, 8)) / 3,
                       "k_proj_weight": rng.standard_normal((8, 3)) / 2,
                       "v_proj_weight": rng.standard_normal((8, 5)) / 2,
                       "in_proj_bias": 0.1 * rng.standard_normal(24),
                       "out_proj.weight": rng.standard_normal((8, 8)) / 3,
                       "out_proj.bias": 0.1 * rng.standard_normal(8)})
    out, w = m(Tensor(rng.standard_normal((2, 4, 8))), Tensor(rng.standard_normal((2, 6, 3))),
               Tensor(rng.standard_normal((2, 6, 5))))
    return {"out": out, "weights": w}


def case_mha_embed_dim_not_divisible(rng):
    """MultiheadAttention(10, 3) raises ValueError."""
    from tinytorch.attention import MultiheadAttention

    MultiheadAttention(10, 3)


def case_mha_mask_wrong_shape(rng):
    """A (3, 4) attn_mask for 5 queries and keys raises ShapeError."""
    from tinytorch.tensor import Tensor

    m = _mha(rng, batch_first=True)
    x = Tensor(rng.standard_normal((2, 5, 8)))
    m(x, x, x, attn_mask=Tensor(np.zeros((3, 4), dtype=bool)))


def case_mha_mask_wrong_dtype(rng):
    """An int64 key_padding_mask raises DTypeError."""
    from tinytorch.tensor import Tensor

    m = _mha(rng, batch_first=True)
    x = Tensor(rng.standard_normal((2, 5, 8)))
    m(x, x, x, key_padding_mask=Tensor(np.zeros((2, 5), dtype=np.int64)))


def case_sdpa_mask_wrong_shape(rng):
    """scaled_dot_product_attention with a (4, 3) mask for (4, 5) scores raises ShapeError."""
    from tinytorch.attention import scaled_dot_product_attention
    from tinytorch.tensor import Tensor

    q, k, v = _qkv(rng)
    scaled_dot_product_attention(q, k, v, attn_mask=Tensor(np.ones((4, 3), dtype=bool)))


def case_sdpa_causal_with_mask(rng):
    """is_causal=True together with attn_mask raises ValueError, as in PyTorch."""
    from tinytorch.attention import scaled_dot_product_attention
    from tinytorch.tensor import Tensor

    q, k, v = _qkv(rng)
    scaled_dot_product_attention(q, k, v, attn_mask=Tensor(np.ones((4, 5), dtype=bool)),
                                 is_causal=True)


case_mha_embed_dim_not_divisible.raises = "ValueError"
case_mha_mask_wrong_shape.raises = "ShapeError"
case_mha_mask_wrong_dtype.raises = "DTypeError"
case_sdpa_mask_wrong_shape.raises = "ShapeError"
case_sdpa_causal_with_mask.raises = "ValueError"
case_sdpa_plain_gradients.tolerance = (1e-9, 1e-11)
case_sdpa_causal_rectangular.tolerance = (1e-9, 1e-11)
case_sdpa_bool_mask_broadcast.tolerance = (1e-9, 1e-11)
case_sdpa_float_mask_gradient.tolerance = (1e-9, 1e-11)
case_sdpa_fully_masked_row.tolerance = (1e-9, 1e-11)
case_sdpa_scale_and_broadcast_batch.tolerance = (1e-9, 1e-11)
case_sdpa_composite_twin.tolerance = (1e-9, 1e-11)
case_mha_self_attention_gradients.tolerance = (1e-9, 1e-11)
case_mha_sequence_first_masks.tolerance = (1e-9, 1e-11)
case_mha_fast_path_causal.tolerance = (1e-9, 1e-11)
case_sdpa_float32_causal.tolerance = (1e-5, 1e-6)
case_mha_kdim_vdim.tolerance = (1e-9, 1e-11)
