"""Sigmoid: the logistic function 1 / (1 + exp(-x)), computed without overflow."""

from __future__ import annotations

from tinytorch.tensor import Tensor, where

from ._checks import as_tensor
from ._layer import Activation


def sigmoid(x: Tensor) -> Tensor:
    """Logistic sigmoid `1 / (1 + exp(-x))`, elementwise, squashing into (0, 1).

    Why the two forms: written naively, `exp(-x)` overflows to inf for
    `x < -88` in float32. With `z = exp(-|x|)`, which always lies in (0, 1],

        sigmoid(x) = 1 / (1 + z)   for x >= 0
        sigmoid(x) = z / (1 + z)   for x <  0

    both forms are finite everywhere, and the second keeps full relative
    precision for tiny outputs (sigmoid(-20) ~ 2e-9, not 0).

    `-|x|` is written `where(x >= 0, -x, x)` rather than with `abs`, so its
    gradient at exactly 0 is the one of the branch that was used (-1), and the
    gradient of the whole sigmoid at 0 comes out right: 0.25.

    Cost: one exp, two divisions and a few selects per element.
    """
    ### BEGIN SOLUTION
    x = as_tensor(x, "sigmoid")
    positive = x >= 0
    z = where(positive, -x, x).exp()  # exp(-|x|), in (0, 1]
    return where(positive, 1 / (1 + z), z / (1 + z))
    ### END SOLUTION


class Sigmoid(Activation):
    """`sigmoid` as a layer object: `Sigmoid()(x)`."""

    def forward(self, x: Tensor) -> Tensor:
        """Apply `sigmoid` to `x`."""
        return sigmoid(x)
