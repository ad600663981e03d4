"""Top-k filtering: sample only among the k most likely tokens.

Even a well-trained language model gives every token of its vocabulary a
little probability, and a long tail of small probabilities adds up: sampled
from the full softmax, one token in a few dozen comes from the tail and
derails the text. Top-k (Fan et al., 2018) cuts the tail at a fixed rank.
"""

from __future__ import annotations

import numpy as np
from tinytorch.tensor import Tensor

from .checks import check_count, check_logits


def top_k_filter(logits: Tensor, k: int) -> Tensor:
    """Keep the k largest logits of each row (last axis); set the others to -inf.

    `logits` (..., V) -> a new Tensor of the same shape and dtype; softmax of
    the result puts all the mass on the kept tokens, in their old
    proportions. Ties at the k-th largest value are all kept (as in Hugging
    Face's `TopKLogitsWarper`), so a row with ties may keep more than k
    tokens; k >= V keeps every token. Not differentiable (sampling is not).

    Cost: one `np.partition` per row, O(V), not a full O(V log V) sort.
    """
    x = check_logits("top_k_filter", logits)
    k = check_count("top_k_filter", "k", k)
    ### BEGIN SOLUTION
    v = x.shape[-1]
    if k >= v:
        return Tensor(x.copy())
    kth = np.partition(x, v - k, axis=-1)[..., v - k : v - k + 1]  # the k-th largest per row
    return Tensor(np.where(x < kth, -np.inf, x).astype(x.dtype))
    ### END SOLUTION
