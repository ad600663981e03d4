"""ReLU: the rectified linear unit, max(x, 0)."""

from __future__ import annotations

from tinytorch.tensor import Tensor, where

from ._checks import as_tensor
from ._layer import Activation


def relu(x: Tensor) -> Tensor:
    """Rectified linear unit: `x` where `x > 0`, else 0, elementwise.

    Why: the cheapest non-linearity there is, and one that does not saturate
    for positive inputs, so gradients flow through deep stacks of layers.
    Its gradient is 1 where `x > 0` and 0 elsewhere (0 at exactly 0, as in
    PyTorch): that is what `where` gives, since it routes the gradient to the
    branch it picked.

    Cost: one comparison and one select per element; the output is a new
    tensor the size of `x`.
    """
    ### BEGIN SOLUTION
    x = as_tensor(x, "relu")
    return where(x > 0, x, 0.0)  # 0.0 becomes a 0-d tensor of x's dtype
    ### END SOLUTION


class ReLU(Activation):
    """`relu` as a layer object, for use in `Sequential`: `ReLU()(x)`."""

    def forward(self, x: Tensor) -> Tensor:
        """Apply `relu` to `x`."""
        return relu(x)
