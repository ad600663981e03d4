"""Tanh: the hyperbolic tangent, a zero-centred squashing function."""

from __future__ import annotations

from tinytorch.tensor import Tensor

from ._checks import as_tensor
from ._layer import Activation


def tanh(x: Tensor) -> Tensor:
    """Hyperbolic tangent, elementwise, into (-1, 1).

    Why: like sigmoid but centred on 0 (tanh(x) = 2 sigmoid(2x) - 1), which
    keeps the next layer's inputs centred. It is a tensor primitive, so this
    function only forwards to it: NumPy's tanh is already stable (it saturates
    to +-1 instead of overflowing).

    Cost: one transcendental per element.
    """
    ### BEGIN SOLUTION
    return as_tensor(x, "tanh").tanh()
    ### END SOLUTION


class Tanh(Activation):
    """`tanh` as a layer object: `Tanh()(x)`."""

    def forward(self, x: Tensor) -> Tensor:
        """Apply `tanh` to `x`."""
        return tanh(x)
