"""Mini-batches: which samples go into which batch, reproducibly.

Each epoch visits the samples in a fresh random order (shuffling stops the
model from learning the order of the data). The order of epoch `e` is drawn
from a generator seeded with the pair `(seed, e)`, never from a generator that
advances from epoch to epoch: so epoch 3 is shuffled the same way whether the
run went straight through or was stopped after epoch 2 and resumed from a
checkpoint.
"""

from __future__ import annotations

import numpy as np


def epoch_order(n: int, seed: int, epoch: int, shuffle: bool = True) -> np.ndarray:
    """The sample indices of epoch `epoch`, in visiting order, shape (n,)."""
    ### BEGIN SOLUTION
    if not shuffle:
        return np.arange(n)
    return np.random.default_rng((seed, epoch)).permutation(n)
    ### END SOLUTION


def batch_indices(order: np.ndarray, batch_size: int) -> list[np.ndarray]:
    """Split `order` into consecutive batches of `batch_size` (the last may be smaller)."""
    ### BEGIN SOLUTION
    return [order[i : i + batch_size] for i in range(0, len(order), batch_size)]
    ### END SOLUTION
