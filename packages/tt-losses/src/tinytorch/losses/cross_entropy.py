"""Cross-entropy of logits against class indices or class probabilities, as PyTorch's."""

from __future__ import annotations

from typing import Any

from tinytorch.tensor import Tensor, where

from ._class_targets import (
    DEFAULT_IGNORE_INDEX,
    check_ignore_index,
    check_label_smoothing,
    class_dim,
    class_indices,
    class_probabilities,
    class_weight,
    is_probability_target,
    weight_for_broadcast,
)
from ._common import as_input, check_reduction, reduce
from ._loss import WeightedClassLoss
from .nll import pick_weighted


def _log_softmax(x: Tensor, dim: int) -> Tensor:
    """Log-softmax along `dim`, shifted by the maximum so that exp cannot overflow.

    `x - max(x)` leaves the log-softmax unchanged and makes every exponent
    <= 0, so the sum of exps is in [1, C] and its log is finite: logits of
    1e4 give exact losses. The shift is read from the NumPy array, a constant
    outside the graph (its gradient would cancel anyway).
    """
    ### BEGIN SOLUTION
    shift = Tensor(x.data.max(axis=dim, keepdims=True))  # (N, 1, d1, ...), a constant
    z = x - shift  # every entry <= 0
    return z - z.exp().sum(dim=dim, keepdim=True).log()  # (N, C, d1, ...)
    ### END SOLUTION


def cross_entropy(
    input: Tensor,
    target: Any,
    weight: Any = None,
    ignore_index: int = DEFAULT_IGNORE_INDEX,
    reduction: str = "mean",
    label_smoothing: float = 0.0,
) -> Tensor:
    """Cross-entropy of logits `input` against `target`, with PyTorch's arguments and rules.

    `input` holds raw scores (logits) of shape (C,), (N, C) or
    (N, C, d1, ...), classes along dim 1 (dim 0 for one sample). `target` is
    either
    - class indices (integers) of shape (), (N,) or (N, d1, ...): the loss of
      one target is `-log softmax(logits)[y]`, minus the log of the
      probability the model gives the right class; or
    - class probabilities (floats) of the input's shape: the loss is
      `-sum_c p_c log softmax(logits)_c`, for soft labels or distillation.

    `weight` (C,) scales each class's term; with class indices, 'mean'
    divides by the total weight of the counted targets (see `nll_loss`),
    with probabilities by the number of samples. Targets equal to
    `ignore_index` count for nothing (class indices only; PyTorch refuses it
    with probabilities). `label_smoothing` = e mixes the target with the
    uniform distribution: (1 - e) of the usual loss plus e/C times the loss
    against every class, so the model is not pushed towards infinite logits.

    Stable: the log-softmax is computed from logits shifted by their
    maximum, never as the log of a softmax that could underflow to 0.

    Cost: one exp per logit, a max and a sum per target, one gather per
    target; several (N, C, ...) intermediates are kept for the backward pass.
    """
    check_reduction(reduction, "cross_entropy")
    ### BEGIN SOLUTION
    op = "cross_entropy"
    input = as_input(input, op)
    dim = class_dim(input, op)
    ignore_index = check_ignore_index(ignore_index, op)
    smoothing = check_label_smoothing(label_smoothing, op)
    w = class_weight(weight, input, op)  # (C,) array or None
    n_classes = input.shape[dim]
    if is_probability_target(target, input):
        probs = class_probabilities(target, input, ignore_index, op)  # (N, C, d1, ...)
        if smoothing > 0:
            probs = probs * (1 - smoothing) + smoothing / n_classes
        terms = _log_softmax(input, dim) * probs
        if w is not None:
            terms = terms * weight_for_broadcast(w, input)
        loss = -terms.sum(dim=dim)  # (N, d1, ...)
        return reduce(loss, reduction, float(loss.data.size))
    labels = class_indices(target, input, ignore_index, op, probabilities=True)
    log_probs = _log_softmax(input, dim)
    loss, valid, denominator = pick_weighted(log_probs, labels, w, ignore_index)
    if smoothing > 0:
        weighted = log_probs if w is None else log_probs * weight_for_broadcast(w, input)
        uniform = -weighted.sum(dim=dim)  # (N, d1, ...): the loss against every class
        if not valid.all():
            uniform = where(valid, uniform, 0.0)
        loss = loss * (1 - smoothing) + uniform * (smoothing / n_classes)
    return reduce(loss, reduction, denominator)
    ### END SOLUTION


class CrossEntropyLoss(WeightedClassLoss):
    """`cross_entropy` as an object, with PyTorch's arguments.

    `CrossEntropyLoss(weight=None, ignore_index=-100, reduction='mean',
    label_smoothing=0.0)(logits, target)`.
    """

    def __init__(
        self,
        weight: Any = None,
        ignore_index: int = DEFAULT_IGNORE_INDEX,
        reduction: str = "mean",
        label_smoothing: float = 0.0,
    ) -> None:
        super().__init__(weight, ignore_index, reduction)
        self.label_smoothing = check_label_smoothing(label_smoothing, "CrossEntropyLoss")

    def forward(self, input: Tensor, target: Any) -> Tensor:
        """The loss of logits `input` against class indices or probabilities `target`."""
        return cross_entropy(
            input, target, self.weight, self.ignore_index, self.reduction, self.label_smoothing
        )

    def extra_repr(self) -> str:
        extra = super().extra_repr()
        if self.label_smoothing:
            extra += (", " if extra else "") + f"label_smoothing={self.label_smoothing}"
        return extra
