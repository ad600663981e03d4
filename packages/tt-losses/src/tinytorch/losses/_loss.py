"""What every loss object shares: the checked `reduction`, calling `forward`, a repr.

The losses come before `Module` (tt-layers), so their objects are plain
callables; this base keeps each loss class to its `forward`. The
classification losses add a per-class `weight` and an `ignore_index`.
"""

from __future__ import annotations

from typing import Any

from tinytorch.tensor import Tensor

from ._class_targets import DEFAULT_IGNORE_INDEX, check_ignore_index, check_weight_values
from ._common import check_reduction


class Loss:
    """Base of the loss objects: `L(reduction)(input, target)` is `L(...).forward(...)`."""

    def __init__(self, reduction: str = "mean") -> None:
        self.reduction = check_reduction(reduction, type(self).__name__)

    def forward(self, input: Tensor, target: Any) -> Tensor:
        raise NotImplementedError(f"{type(self).__name__}.forward")

    def __call__(self, input: Tensor, target: Any) -> Tensor:
        return self.forward(input, target)

    def extra_repr(self) -> str:
        """Settings besides `reduction` to show in the repr ('' for none)."""
        return ""

    def __repr__(self) -> str:
        extra = self.extra_repr()
        extra = f", {extra}" if extra else ""
        return f"{type(self).__name__}(reduction={self.reduction!r}{extra})"


class WeightedClassLoss(Loss):
    """Base of the classification losses: per-class `weight` and `ignore_index`.

    The weight is checked (1-D, numbers) when the object is made, kept as a
    Tensor (`loss.weight`, as in PyTorch), and checked against the number of
    classes when the loss is called.
    """

    def __init__(
        self, weight: Any = None, ignore_index: int = DEFAULT_IGNORE_INDEX, reduction: str = "mean"
    ) -> None:
        super().__init__(reduction)
        name = type(self).__name__
        array = check_weight_values(weight, name)
        self.weight = weight if array is None or isinstance(weight, Tensor) else Tensor(array)
        self.ignore_index = check_ignore_index(ignore_index, name)

    def extra_repr(self) -> str:
        parts = []
        if self.weight is not None:
            parts.append(f"weight=<{self.weight.shape[0]} classes>")
        if self.ignore_index != DEFAULT_IGNORE_INDEX:
            parts.append(f"ignore_index={self.ignore_index}")
        return ", ".join(parts)
