"""The masked softmax along the last axis, forward and backward, on NumPy arrays.

Attention turns scores (..., L, S) into weights: row i says how much query i
takes from each key. Masked keys must get exactly zero weight, so they are
set to -inf before the softmax (exp(-inf) = 0):

    p[i, j] = exp(s[i, j] - m_i) / sum_j' exp(s[i, j'] - m_i),   m_i = max_j s[i, j]

Subtracting the row maximum changes nothing mathematically and keeps every
exponent <= 0 (no overflow). A row whose keys are ALL masked has m_i = -inf
and would give 0 / 0 = NaN; as PyTorch's `scaled_dot_product_attention`
(2.5 and later, its "safe softmax") such a row gets weight 0 everywhere, so
its output is 0 and no gradient flows through it.

Backward, for dp = dL/dp: the Jacobian of a softmax row is diag(p) - p p^T,
so ds = p * (dp - sum_j(dp * p)). Masked entries have p = 0 and get 0.

Cost: forward one exp per score, a max and a sum per row; backward two
multiplies and a sum per score. Both work in place on their first argument.
"""

from __future__ import annotations

import numpy as np


def masked_softmax_(scores: np.ndarray, blocked: np.ndarray | None = None,
                    bias: np.ndarray | None = None) -> np.ndarray:
    """softmax(scores + bias, masked where `blocked`) along -1, IN PLACE; returns `scores`.

    blocked: bool, broadcasts to scores, True = leave out (weight 0).
    bias: float, broadcasts to scores, added first (-inf also leaves out).
    """
    ### BEGIN SOLUTION
    if bias is not None:
        scores += bias
    if blocked is not None:
        np.copyto(scores, -np.inf, where=blocked)
    top = scores.max(axis=-1, keepdims=True)  # (..., L, 1)
    empty = top == -np.inf  # rows with no key to attend to
    any_empty = bool(empty.any())
    if any_empty:
        top[empty] = 0.0  # exp(-inf - 0) = 0: the row becomes zeros, not NaN
    scores -= top
    np.exp(scores, out=scores)
    total = scores.sum(axis=-1, keepdims=True)  # (..., L, 1), >= 1 unless the row is empty
    if any_empty:
        total[empty] = 1.0
    scores *= np.reciprocal(total)
    return scores
    ### END SOLUTION


def softmax_backward_(probs: np.ndarray, dprobs: np.ndarray) -> np.ndarray:
    """ds = p * (dp - sum(dp * p, -1)), computed IN PLACE in `dprobs`; returns it."""
    ### BEGIN SOLUTION
    inner = np.einsum("...j,...j->...", dprobs, probs)[..., None]  # (..., L, 1)
    dprobs -= inner
    dprobs *= probs
    return dprobs
    ### END SOLUTION
