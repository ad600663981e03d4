"""Binary cross-entropy on probabilities, with the log clamped at -100 like PyTorch."""

from __future__ import annotations

from typing import Any

import numpy as np
from tinytorch.tensor import Tensor, where

from ._common import as_input, as_target, check_reduction, constant, reduce
from ._loss import Loss

LOG_FLOOR = -100.0


def _clamped_log(p: Tensor) -> Tensor:
    """`max(log(p), -100)` for p in [0, 1], with a finite value and gradient everywhere.

    The exact slope of log is 1/p, which overflows the dtype once p is
    below its smallest normal number (1.2e-38 in float32), and log(0) = -inf
    would make the loss infinite and its gradient NaN (0 * inf in the
    backward pass). So:

    - where p is a normal number, the log is taken (of `safe`, in which the
      other entries are replaced by 1, so no -inf is ever computed);
    - where p is 0 or subnormal, the value max(log(p), -100) is used as a
      constant: exact, but flat (gradient 0), as the clamp is flat anyway.

    Then the clamp at -100 applies PyTorch's floor (only float64 gets below
    it through the first branch).
    """
    ### BEGIN SOLUTION
    normal = p.data >= np.finfo(p.dtype).tiny  # (...) bool mask, a constant
    safe = where(normal, p, 1.0)
    with np.errstate(divide="ignore"):
        floor = np.maximum(np.log(np.where(normal, 1.0, p.data)), LOG_FLOOR)
    return where(normal, safe.log(), constant(floor, p)).clamp(min=LOG_FLOOR)
    ### END SOLUTION


def binary_cross_entropy(input: Tensor, target: Any, reduction: str = "mean") -> Tensor:
    """BCE of probabilities `input` in [0, 1] against targets `target` in [0, 1].

    Per element: `-(y log(p) + (1 - y) log(1 - p))`, the negative
    log-likelihood of a Bernoulli variable. Each log is clamped at -100, as
    in PyTorch, so a confidently wrong prediction (p = 0, y = 1) costs 100
    instead of inf. `input` and `target` have the same shape. Prefer
    `binary_cross_entropy_with_logits` on raw scores: it never needs the
    clamp.

    Cost: two logs and a few FLOPs per element.
    """
    check_reduction(reduction, "binary_cross_entropy")
    ### BEGIN SOLUTION
    input = as_input(input, "binary_cross_entropy")
    target = as_target(target, input, "binary_cross_entropy")
    p = input.data
    if p.size and not (np.all(p >= 0) and np.all(p <= 1)):
        raise ValueError(
            f"binary_cross_entropy: input values must be probabilities in [0, 1], got "
            f"min {np.nanmin(p):.6g} and max {np.nanmax(p):.6g} "
            f"(for raw scores use binary_cross_entropy_with_logits)"
        )
    loss = -(target * _clamped_log(input) + (1 - target) * _clamped_log(1 - input))
    return reduce(loss, reduction)
    ### END SOLUTION


class BCELoss(Loss):
    """`binary_cross_entropy` as an object: `BCELoss()(probabilities, targets)`."""

    def forward(self, input: Tensor, target: Any) -> Tensor:
        """The loss of probabilities `input` against `target`."""
        return binary_cross_entropy(input, target, reduction=self.reduction)
