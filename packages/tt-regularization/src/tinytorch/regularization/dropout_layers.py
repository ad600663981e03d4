"""Dropout and Dropout2d: the layers, active in training mode only."""

from __future__ import annotations

from tinytorch.layers import Module
from tinytorch.tensor import Tensor

from .dropout import check_p, dropout, dropout2d


class Dropout(Module):
    """Inverted dropout of single elements while training; the identity in `eval()` mode.

    As `torch.nn.Dropout(p=0.5)` (no `inplace`). No parameters: the layer
    only reads `self.training`, which `model.train()` and `model.eval()` set.
    """

    def __init__(self, p: float = 0.5) -> None:
        super().__init__()
        self.p = check_p(type(self).__name__, p)

    def forward(self, input: Tensor) -> Tensor:
        ### BEGIN SOLUTION
        return dropout(input, self.p, self.training)
        ### END SOLUTION

    def extra_repr(self) -> str:
        return f"p={self.p}"


class Dropout2d(Dropout):
    """Inverted dropout of whole channels of (N, C, H, W) while training.

    As `torch.nn.Dropout2d(p=0.5)`: each feature map is kept or zeroed as a
    whole; a 3-D input is read as (N, C, L).
    """

    def forward(self, input: Tensor) -> Tensor:
        ### BEGIN SOLUTION
        return dropout2d(input, self.p, self.training)
        ### END SOLUTION
