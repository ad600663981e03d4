"""Drawing one token per row from a categorical distribution, by inverting its CDF."""

from __future__ import annotations

import numpy as np
from tinytorch.tensor import Tensor, default_generator

from .checks import check_generator, check_probs


def sample(probs: Tensor, generator: np.random.Generator | None = None) -> Tensor:
    """One token id per row of `probs` (..., V), drawn with probability probs[i]; int64 (..., 1).

    Like `torch.multinomial(probs, 1)`: the rows are non-negative weights
    (they need not sum to exactly 1), and a token of weight 0 is never drawn.
    The draw inverts the cumulative distribution: one uniform u in [0, 1)
    per row, scaled by the row's total, picks the first token whose
    cumulative weight exceeds it. `generator` is a `numpy.random.Generator`
    (one uniform per row is taken from it), or None for tinytorch's
    `default_generator()` (seeded by `manual_seed`).

    Cost: a cumulative sum and a comparison per weight, O(V) per row.
    """
    p = check_probs("sample", probs)
    gen = check_generator("sample", generator)
    ### BEGIN SOLUTION
    gen = default_generator() if gen is None else gen
    weights = p.astype(np.float64)
    cdf = np.cumsum(weights, axis=-1)
    u = gen.random((*weights.shape[:-1], 1)) * cdf[..., -1:]
    drawn = (cdf <= u).sum(axis=-1, keepdims=True)
    # rounding can push u past the last cumulative weight: fall back on the last possible token
    last = weights.shape[-1] - 1 - np.argmax(weights[..., ::-1] > 0, axis=-1, keepdims=True)
    return Tensor(np.minimum(drawn, last).astype(np.int64))
    ### END SOLUTION
