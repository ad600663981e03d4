"""Mean squared error: the regression loss."""

from __future__ import annotations

from typing import Any

from tinytorch.tensor import Tensor

from ._common import as_input, as_target, check_reduction, reduce
from ._loss import Loss


def mse_loss(input: Tensor, target: Any, reduction: str = "mean") -> Tensor:
    """Squared error `(input - target)^2`, averaged (`'mean'`), summed or per element (`'none'`).

    Why: the maximum-likelihood loss when the target is the prediction plus
    Gaussian noise; large errors cost quadratically more than small ones.
    `input` and `target` must have the same shape (no silent broadcasting:
    a (N,) prediction against an (N, 1) target would otherwise give an
    (N, N) loss). The target may be a Tensor or an array.

    Cost: three FLOPs per element.
    """
    check_reduction(reduction, "mse_loss")
    ### BEGIN SOLUTION
    input = as_input(input, "mse_loss")
    target = as_target(target, input, "mse_loss")
    diff = input - target
    return reduce(diff * diff, reduction)
    ### END SOLUTION


class MSELoss(Loss):
    """`mse_loss` as an object: `MSELoss(reduction='mean')(input, target)`."""

    def forward(self, input: Tensor, target: Any) -> Tensor:
        """The loss of `input` against `target` with this object's reduction."""
        return mse_loss(input, target, reduction=self.reduction)
