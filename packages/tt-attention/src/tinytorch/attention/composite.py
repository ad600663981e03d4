"""The teaching twin of `scaled_dot_product_attention`: the same attention from tensor ops.

Every step is an ordinary tensor primitive (matmul, add, masked_fill, exp,
sum, div), so autograd differentiates it with no new rule: the clearest way
to read what attention computes, and the reference the fused primitive is
tested against (values and gradients equal). It records about ten graph
nodes and keeps each intermediate of shape (..., L, S) for backward, which
is what makes it slower than the one-node primitive (see
benchmarks/attention.py).
"""

from __future__ import annotations

import numpy as np
from tinytorch.tensor import Tensor

from .dropout import draw_keep
from .functional import prepare
from .masks import split_mask


def scaled_dot_product_attention_composite(
    query: Tensor,
    key: Tensor,
    value: Tensor,
    attn_mask: Tensor | None = None,
    dropout_p: float = 0.0,
    is_causal: bool = False,
    scale: float | None = None,
) -> Tensor:
    """`scaled_dot_product_attention` from tensor primitives: same arguments, values, grads.

    Under one seed the dropout draw is the same as the primitive's.
    """
    shape, sc, p = prepare("scaled_dot_product_attention_composite", query, key, value,
                           attn_mask, dropout_p, is_causal, scale)
    ### BEGIN SOLUTION
    blocked, bias = split_mask(attn_mask, is_causal, shape[-2], shape[-1])
    scores = (query * sc) @ key.transpose(-2, -1)  # (..., L, S)
    if bias is not None:
        scores = scores + bias
    if blocked is not None:
        scores = scores.masked_fill(blocked, float("-inf"))
    top = scores.data.max(axis=-1, keepdims=True)  # a constant: the shift has no gradient
    top = np.where(top == -np.inf, 0.0, top).astype(scores.data.dtype)  # empty rows: no NaN
    e = (scores - Tensor(top)).exp()  # masked entries: exp(-inf) = 0
    total = e.sum(dim=-1, keepdim=True)  # (..., L, 1)
    weights = e / total.where(total.data > 0, 1.0)  # an empty row stays 0 (not 0 / 0)
    keep, keep_scale = draw_keep(shape, p)
    if keep is not None:
        weights = weights * Tensor((keep * keep_scale).astype(weights.data.dtype))
    return weights @ value  # (..., L, Ev)
    ### END SOLUTION
