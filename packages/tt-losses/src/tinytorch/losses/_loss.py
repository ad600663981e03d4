"""What every loss object shares: the checked `reduction`, calling `forward`, a repr.

The losses come before `Module` (tt-layers), so their objects are plain
callables; this base keeps each loss class to its `forward`.
"""

from __future__ import annotations

from typing import Any

from tinytorch.tensor import Tensor

from ._common import check_reduction


class Loss:
    """Base of the loss objects: `L(reduction)(input, target)` is `L(...).forward(...)`."""

    def __init__(self, reduction: str = "mean") -> None:
        self.reduction = check_reduction(reduction, type(self).__name__)

    def forward(self, input: Tensor, target: Any) -> Tensor:
        raise NotImplementedError(f"{type(self).__name__}.forward")

    def __call__(self, input: Tensor, target: Any) -> Tensor:
        return self.forward(input, target)

    def __repr__(self) -> str:
        return f"{type(self).__name__}(reduction={self.reduction!r})"
