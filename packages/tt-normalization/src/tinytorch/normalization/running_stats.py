"""The running statistics batch norm keeps for evaluation."""

from __future__ import annotations

import numpy as np
from tinytorch.autograd import no_grad
from tinytorch.tensor import Tensor


def update_running_stats(
    running_mean: Tensor | None,
    running_var: Tensor | None,
    mean: np.ndarray,
    var: np.ndarray,
    count: int,
    momentum: float,
) -> None:
    """Blend one batch's statistics into the running ones, in place.

    `running = (1 - momentum) * running + momentum * batch`: an exponential
    moving average, so the estimate follows the weights as they train
    (momentum=1/k, with k the number of batches so far, gives the plain
    average of all batches). `mean` and `var` are the batch's per-channel
    mean and *biased* variance (divided by `count`, what normalization
    uses); the running variance takes the unbiased estimate,
    `var * count / (count - 1)`, as PyTorch does. Either buffer may be None.

    The buffers are updated with in-place tensor ops (their version counters
    move) under `no_grad`: statistics are not part of the computed graph.
    Cost: two passes over C values.
    """
    ### BEGIN SOLUTION
    unbiased = var * (count / (count - 1))
    with no_grad():
        if running_mean is not None:
            running_mean.copy_(Tensor((1.0 - momentum) * running_mean.data + momentum * mean))
        if running_var is not None:
            running_var.copy_(Tensor((1.0 - momentum) * running_var.data + momentum * unbiased))
    ### END SOLUTION
