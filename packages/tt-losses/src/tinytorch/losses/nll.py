"""Negative log-likelihood of class indices, given log-probabilities: the core of cross-entropy."""

from __future__ import annotations

from typing import Any

import numpy as np
from tinytorch.tensor import Tensor, where

from ._class_targets import (
    DEFAULT_IGNORE_INDEX,
    check_ignore_index,
    class_dim,
    class_indices,
    class_weight,
)
from ._common import as_input, check_reduction, reduce
from ._loss import WeightedClassLoss


def pick_weighted(
    log_probs: Tensor, labels: np.ndarray, weight: np.ndarray | None, ignore_index: int
) -> tuple[Tensor, np.ndarray, float]:
    """`-weight[y] * log_probs[..., y, ...]` per target, 0 where `y == ignore_index`.

    Returns the per-target losses (the target's shape), the mask of counted
    targets, and the denominator of the 'mean' reduction: the total weight
    of the counted targets (their number when there is no weight).

    The log-probability of each target's class is picked with one `getitem`
    whose index arrays all have the target's shape: (sample, class, d1, ...)
    for every target at once, so the gradient flows only into the picked
    entries. Ignored targets pick class 0 (any valid index would do) and are
    then replaced by 0 with `where`, so they get no gradient at all.

    Cost: a gather of one number per target; the 'none' result and a mask of
    the target's size.
    """
    ### BEGIN SOLUTION
    valid = labels != ignore_index  # (N, d1, ...) bool, a constant
    safe = np.where(valid, labels, 0)
    if log_probs.ndim == 1:
        picked = log_probs[int(safe)]  # 0-d
    else:
        grid = np.indices(labels.shape, sparse=True)  # (N,1,..), (1,d1,1,..), ...
        picked = log_probs[(grid[0], safe, *grid[1:])]  # (N, d1, ...)
    if weight is None:
        loss = -picked
        denominator = float(np.count_nonzero(valid))
    else:
        w = np.where(valid, weight[safe], 0).astype(log_probs.dtype)  # (N, d1, ...)
        loss = -(picked * Tensor(w))
        denominator = float(w.sum())
    if not valid.all():
        loss = where(valid, loss, 0.0)
    return loss, valid, denominator
    ### END SOLUTION


def nll_loss(
    input: Tensor,
    target: Any,
    weight: Any = None,
    ignore_index: int = DEFAULT_IGNORE_INDEX,
    reduction: str = "mean",
) -> Tensor:
    """Negative log-likelihood: `-weight[y] * input[y]` for log-probabilities `input`.

    `input` holds log-probabilities (for example from `log_softmax`) of shape
    (C,), (N, C) or (N, C, d1, ...); `target` holds class indices in [0, C)
    of shape (), (N,) or (N, d1, ...). `cross_entropy(x, y)` equals
    `nll_loss(log_softmax(x, dim=1), y)`: cross-entropy is this loss after a
    log-softmax.

    - `weight` (C,): a per-class factor, for example to count a rare class
      more. With 'mean' the sum is divided by the total weight of the counted
      targets, `sum(weight[y])`, not by their number (PyTorch's rule: the
      mean stays a weighted average of per-sample losses).
    - `ignore_index`: targets equal to it add nothing and are not counted in
      the mean (padding tokens, unlabelled pixels). If every target is
      ignored, 'mean' is NaN (0 / 0), as in PyTorch.

    Cost: a gather of one number per target, O(N d1 ... dk).
    """
    check_reduction(reduction, "nll_loss")
    ### BEGIN SOLUTION
    input = as_input(input, "nll_loss")
    class_dim(input, "nll_loss")
    ignore_index = check_ignore_index(ignore_index, "nll_loss")
    labels = class_indices(target, input, ignore_index, "nll_loss")
    w = class_weight(weight, input, "nll_loss")
    loss, _, denominator = pick_weighted(input, labels, w, ignore_index)
    return reduce(loss, reduction, denominator)
    ### END SOLUTION


class NLLLoss(WeightedClassLoss):
    """`nll_loss` as an object: `NLLLoss(weight=None, ignore_index=-100, reduction='mean')`."""

    def forward(self, input: Tensor, target: Any) -> Tensor:
        """The loss of log-probabilities `input` against class indices `target`."""
        return nll_loss(input, target, self.weight, self.ignore_index, self.reduction)
