"""`CosineAnnealingLR`: glide the learning rate down along half a cosine.

    lr(epoch) = eta_min + (base_lr - eta_min) * (1 + cos(pi * epoch / T_max)) / 2

It starts at `base_lr`, reaches `eta_min` after `T_max` epochs and, if
training goes on, climbs back up over the next `T_max` (a period of
`2 * T_max`), exactly as PyTorch's scheduler does without restarts.
"""

from __future__ import annotations

import math

from .optimizer import Optimizer
from .scheduler import LRScheduler


class CosineAnnealingLR(LRScheduler):
    """Cosine schedule from each group's base rate down to `eta_min` in `T_max` epochs."""

    def __init__(
        self, optimizer: Optimizer, T_max: int, eta_min: float = 0.0, last_epoch: int = -1
    ) -> None:
        if isinstance(T_max, bool) or not isinstance(T_max, int) or T_max < 1:
            raise ValueError(f"CosineAnnealingLR: T_max must be a positive int, got {T_max!r}")
        self.T_max = T_max
        self.eta_min = float(eta_min)
        super().__init__(optimizer, last_epoch)

    def get_lr(self) -> list[float]:
        """The cosine formula at `last_epoch` for each group."""
        ### BEGIN SOLUTION
        cosine = (1.0 + math.cos(math.pi * self.last_epoch / self.T_max)) / 2.0
        return [self.eta_min + (base - self.eta_min) * cosine for base in self.base_lrs]
        ### END SOLUTION
