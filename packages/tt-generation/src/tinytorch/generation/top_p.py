"""Top-p (nucleus) filtering: sample only from the smallest set of tokens holding mass p.

A fixed k is wrong both ways: after "The capital of France is" one token
holds almost all the mass and k = 40 lets in 39 bad ones, while after "I
like" hundreds of tokens are reasonable. Holtzman et al. (2020) keep instead
the most likely tokens until their probabilities add up to p: a nucleus that
shrinks when the model is sure and grows when it is not.
"""

from __future__ import annotations

import numpy as np
from tinytorch.tensor import Tensor

from .checks import check_logits, check_top_p
from .softmax import softmax_last

# A cumulative mass within this many epsilons (of the logits' dtype) of p
# counts as reaching p, so log([0.5, 0.3, 0.2]) with p = 0.8 keeps exactly two
# tokens instead of whatever the rounding of the cumulative sum decides.
ROUNDING_EPS = 16


def top_p_filter(logits: Tensor, p: float) -> Tensor:
    """Keep the smallest set of most likely tokens whose probability reaches p; -inf the rest.

    Per row of `logits` (..., V): sort the tokens by probability (softmax of
    the row), most likely first, and keep each token while the mass of the
    tokens before it is still below p. So the kept set is the shortest prefix
    whose mass is >= p, and the most likely token is always kept (for any p
    > 0). Ties are broken by token id, the lower id first, so exactly the
    smallest set is kept. p = 1 keeps every token. Masses are float64; one
    within 16 epsilons of the logits' dtype of p counts as reaching p.
    Returns a new Tensor of the same shape and dtype; not differentiable.

    Cost: a sort per row, O(V log V), plus a softmax and a cumulative sum.
    """
    x = check_logits("top_p_filter", logits)
    p = check_top_p("top_p_filter", "p", p)
    ### BEGIN SOLUTION
    if p >= 1.0:
        return Tensor(x.copy())
    order = np.argsort(-x, axis=-1, kind="stable")  # most likely first, ties by lower id
    sorted_probs = np.take_along_axis(softmax_last(x), order, axis=-1)
    mass_before = np.cumsum(sorted_probs, axis=-1) - sorted_probs
    mass_before[..., 0] = 0.0
    tolerance = ROUNDING_EPS * float(np.finfo(x.dtype).eps)
    keep_sorted = mass_before < p - tolerance
    keep_sorted[..., 0] = True  # the most likely token, whatever p is
    keep = np.empty_like(keep_sorted)
    np.put_along_axis(keep, order, keep_sorted, axis=-1)
    return Tensor(np.where(keep, x, -np.inf).astype(x.dtype))
    ### END SOLUTION
