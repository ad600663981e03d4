"""Cross-entropy between logits and integer class labels, via a stable log-softmax."""

from __future__ import annotations

from typing import Any

import numpy as np
from tinytorch.tensor import Tensor

from ._common import as_input, check_reduction, reduce
from ._loss import Loss


def _class_indices(target: Any, input: Tensor, op: str) -> np.ndarray:
    """The target as an int64 array of valid class indices, shape (N,) or ()."""
    array = target.data if isinstance(target, Tensor) else np.asarray(target)
    if array.dtype.kind not in "iu":
        raise TypeError(
            f"{op}: target must hold integer class indices, got dtype {array.dtype} "
            f"(convert labels with .astype(np.int64))"
        )
    expected = input.shape[:1] if input.ndim == 2 else ()
    if array.shape != expected:
        raise ValueError(
            f"{op}: input of shape {tuple(input.shape)} needs a target of shape {expected}, "
            f"got target shape {array.shape}"
        )
    n_classes = input.shape[-1]
    bad = (array < 0) | (array >= n_classes)
    if np.any(bad):
        index = int(array[bad].flat[0])
        raise IndexError(
            f"{op}: target class index {index} is out of range for {n_classes} classes "
            f"(valid indices are 0 to {n_classes - 1})"
        )
    return array.astype(np.int64)


def cross_entropy(input: Tensor, target: Any, reduction: str = "mean") -> Tensor:
    """Cross-entropy of logits `input` (N, C) against class indices `target` (N,).

    The loss of one sample is `-log softmax(logits)[target]`: minus the log
    of the probability the model gives to the correct class. One sample may
    also be passed alone, as logits (C,) and a 0-d target. `target` is a
    Tensor or NumPy array of integers in [0, C).

    Stable: it is computed as `-(z - log(sum(exp(z))))[target]` with
    `z = logits - max(logits)` (the max a constant), never as the log of a
    softmax that could underflow to 0, so logits of 1e4 give exact, finite
    losses. The log-probability of each sample's class is picked with one
    fancy-indexing `getitem` on (arange(N), target), so the gradient flows
    only into the picked entries (and, through the log-sum-exp, into all).

    Cost: one exp per logit, a max and a sum per row; memory for an (N, C)
    intermediate.
    """
    check_reduction(reduction, "cross_entropy")
    ### BEGIN SOLUTION
    input = as_input(input, "cross_entropy")
    if input.ndim not in (1, 2):
        raise ValueError(
            f"cross_entropy: input must be logits of shape (N, C) or (C,), "
            f"got shape {tuple(input.shape)}"
        )
    labels = _class_indices(target, input, "cross_entropy")
    shift = input.detach().max(dim=-1, keepdim=True)  # (N, 1), outside the graph
    z = input - shift  # (N, C), every entry <= 0
    log_probs = z - z.exp().sum(dim=-1, keepdim=True).log()  # (N, C)
    if input.ndim == 1:
        picked = log_probs[int(labels)]  # 0-d
    else:
        picked = log_probs[np.arange(input.shape[0]), labels]  # (N,)
    return reduce(-picked, reduction)
    ### END SOLUTION


class CrossEntropyLoss(Loss):
    """`cross_entropy` as an object: `CrossEntropyLoss()(logits, labels)`."""

    def forward(self, input: Tensor, target: Any) -> Tensor:
        """The loss of logits `input` against class indices `target`."""
        return cross_entropy(input, target, reduction=self.reduction)
