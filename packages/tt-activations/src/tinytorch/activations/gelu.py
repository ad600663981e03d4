"""GELU: the Gaussian error linear unit, x * Phi(x), exact or tanh-approximated."""

from __future__ import annotations

import math

from tinytorch.tensor import Tensor

from ._checks import as_tensor
from ._layer import Activation
from .sigmoid import sigmoid

_APPROXIMATIONS = ("none", "tanh")


def _check_approximate(approximate: str, op: str) -> None:
    if approximate not in _APPROXIMATIONS:
        raise ValueError(
            f"{op}: approximate must be 'none' or 'tanh', got {approximate!r}"
        )


def gelu(x: Tensor, approximate: str = "none") -> Tensor:
    """GELU, elementwise: `x * Phi(x)`, Phi the standard normal CDF.

    Why: a smooth ReLU (used by BERT and GPT) that weights each input by how
    likely a standard normal variable is to be below it, instead of gating
    it hard at 0.

    - `approximate='none'`: the exact form `0.5 x (1 + erf(x / sqrt(2)))`.
    - `approximate='tanh'`: the approximation of the GPT-2 code,
      `0.5 x (1 + tanh(u))` with `u = sqrt(2 / pi) (x + 0.044715 x^3)`.
      It is evaluated as `x * sigmoid(2u)`, the same number (since
      `1 + tanh(u) = 2 sigmoid(2u)`), because for negative x the sum
      `1 + tanh(u)` adds two nearly opposite numbers and keeps only a few
      correct digits in float32 (a relative error of 1e-5 at x = -3, 100%
      by x = -6), while the stable sigmoid keeps full precision.

    Both are finite for float32 inputs up to ~1e12 in magnitude (erf and
    the sigmoid saturate). The exact form has the same cancellation in
    `1 + erf(.)` for negative x, but no erfc primitive exists to avoid it:
    its error stays below float32 rounding of the output's scale (~1e-7
    absolute), as in PyTorch's float32 kernel.

    Cost: about ten FLOPs and one erf (or one exp) per element.
    """
    _check_approximate(approximate, "gelu")
    ### BEGIN SOLUTION
    x = as_tensor(x, "gelu")
    if approximate == "tanh":
        u = math.sqrt(2.0 / math.pi) * (x + 0.044715 * (x * x * x))
        return x * sigmoid(2 * u)  # = 0.5 x (1 + tanh(u)), without cancellation
    return 0.5 * x * (1 + (x * (1.0 / math.sqrt(2.0))).erf())
    ### END SOLUTION


class GELU(Activation):
    """`gelu` as a layer object: `GELU()(x)` or `GELU(approximate='tanh')(x)`."""

    def __init__(self, approximate: str = "none") -> None:
        _check_approximate(approximate, "GELU")
        self.approximate = approximate

    def forward(self, x: Tensor) -> Tensor:
        """Apply `gelu` to `x` with this layer's approximation."""
        return gelu(x, approximate=self.approximate)

    def extra_repr(self) -> str:
        return "" if self.approximate == "none" else f"approximate={self.approximate!r}"
