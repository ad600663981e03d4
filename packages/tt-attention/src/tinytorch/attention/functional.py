"""scaled_dot_product_attention: PyTorch's `F.scaled_dot_product_attention`, one primitive.

Attention lets every position of a sequence gather information from every
other: query i scores each key j by a dot product, the softmax of the row
turns the scores into weights, and the output is the weighted average of the
values,

    out = softmax(Q K^T / sqrt(E) + mask) V.

Dividing by sqrt(E) keeps the scores' spread independent of the width E (a
dot product of E unit-variance terms has variance E), so the softmax does
not saturate at init. The whole thing runs as `AttentionFunction`, one node
with a hand-written backward (`fused.py`); `composite.py` holds the same
computation written with tensor primitives, the teaching twin.
"""

from __future__ import annotations

from typing import Any

from tinytorch.tensor import Tensor

from .checks import check_dropout_p, check_mask, check_qkv, check_scale
from .dropout import draw_keep
from .fused import AttentionFunction
from .masks import split_mask


def prepare(op: str, query: Any, key: Any, value: Any, attn_mask: Any, dropout_p: Any,
            is_causal: bool, scale: Any) -> tuple[tuple[int, ...], float, float]:
    """Check every argument before any work: (scores' shape, scale, dropout_p)."""
    scores = check_qkv(op, query, key, value)
    if attn_mask is not None:
        if is_causal:
            raise ValueError(f"{op}: attn_mask must be None when is_causal=True (PyTorch's "
                             "rule): pass the causal mask or is_causal, not both")
        check_mask(op, "attn_mask", attn_mask, scores, query.data.dtype)
    return scores, check_scale(op, scale, query.shape[-1]), check_dropout_p(op, dropout_p)


def scaled_dot_product_attention(
    query: Tensor,
    key: Tensor,
    value: Tensor,
    attn_mask: Tensor | None = None,
    dropout_p: float = 0.0,
    is_causal: bool = False,
    scale: float | None = None,
) -> Tensor:
    """softmax(query @ key^T * scale + mask) @ value, PyTorch's semantics, one autograd node.

    query (..., L, E), key (..., S, E), value (..., S, Ev) -> (..., L, Ev);
    batch dimensions broadcast. attn_mask broadcasts to (..., L, S): bool
    True = attend, False = leave out; float = added to the scores (a
    float mask that requires grad gets a gradient). is_causal: query i sees
    keys 0 .. i (top-left aligned); not together with attn_mask. A query
    row with every key left out gives zeros (and zero gradients), as
    PyTorch 2.5+. dropout_p > 0 drops attention weights with tinytorch's
    seeded generator: pass 0.0 when evaluating (the function has no
    train/eval mode). scale defaults to 1 / sqrt(E).
    """
    shape, sc, p = prepare("scaled_dot_product_attention", query, key, value, attn_mask,
                           dropout_p, is_causal, scale)
    ### BEGIN SOLUTION
    blocked, bias = split_mask(attn_mask, is_causal, shape[-2], shape[-1])
    keep, keep_scale = draw_keep(shape, p)
    return AttentionFunction.apply(query, key, value, bias, blocked=blocked, scale=sc,
                                   keep=keep, keep_scale=keep_scale)
    ### END SOLUTION
