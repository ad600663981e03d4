"""`StepLR`: multiply the learning rate by `gamma` every `step_size` epochs.

    lr(epoch) = base_lr * gamma ** (epoch // step_size)

The classic staircase schedule (e.g. divide by 10 every 30 epochs).
"""

from __future__ import annotations

from .optimizer import Optimizer
from .scheduler import LRScheduler


class StepLR(LRScheduler):
    """Decay each group's rate by `gamma` once every `step_size` epochs."""

    def __init__(
        self, optimizer: Optimizer, step_size: int, gamma: float = 0.1, last_epoch: int = -1
    ) -> None:
        if isinstance(step_size, bool) or not isinstance(step_size, int) or step_size < 1:
            raise ValueError(f"StepLR: step_size must be a positive int, got {step_size!r}")
        self.step_size = step_size
        self.gamma = float(gamma)
        super().__init__(optimizer, last_epoch)

    def get_lr(self) -> list[float]:
        """`base_lr * gamma ** (last_epoch // step_size)` for each group."""
        ### BEGIN SOLUTION
        k = self.last_epoch // self.step_size
        return [base * self.gamma**k for base in self.base_lrs]
        ### END SOLUTION
