"""`LRScheduler`: change the learning rate of an optimizer as training goes on.

A large learning rate makes fast early progress; a small one settles into a
minimum. A scheduler writes a new `lr` into every parameter group each time
its `step()` is called (usually once per epoch, after the optimizer's steps).

Subclasses give `get_lr()` as a closed form of the epoch count
`last_epoch` and the starting rates `base_lrs`, so the schedule needs no
history: saving `state_dict()` (a few numbers) and loading it resumes exactly.
Creating a scheduler performs its first step (epoch 0), which sets the
initial rates, as in PyTorch.
"""

from __future__ import annotations

from typing import Any

from .optimizer import Optimizer


class LRScheduler:
    """Base class: tracks `last_epoch` and writes `get_lr()` into the groups."""

    def __init__(self, optimizer: Optimizer, last_epoch: int = -1) -> None:
        ### BEGIN SOLUTION
        name = type(self).__name__
        if not isinstance(optimizer, Optimizer):
            raise TypeError(f"{name}: expected an Optimizer, got {type(optimizer).__name__}")
        self.optimizer = optimizer
        if last_epoch == -1:
            for group in optimizer.param_groups:
                group.setdefault("initial_lr", group["lr"])
        else:
            for i, group in enumerate(optimizer.param_groups):
                if "initial_lr" not in group:
                    raise KeyError(
                        f"{name}: last_epoch={last_epoch} resumes a schedule, but parameter "
                        f"group {i} has no 'initial_lr'"
                    )
        self.base_lrs: list[float] = [group["initial_lr"] for group in optimizer.param_groups]
        self.last_epoch = last_epoch
        self._last_lr: list[float] = []
        self.step()
        ### END SOLUTION

    def get_lr(self) -> list[float]:
        """The learning rate of each group at epoch `self.last_epoch` (subclasses)."""
        raise NotImplementedError(f"{type(self).__name__} does not implement get_lr")

    def step(self) -> None:
        """Advance one epoch and write the new rates into the optimizer."""
        ### BEGIN SOLUTION
        self.last_epoch += 1
        lrs = [float(lr) for lr in self.get_lr()]
        for group, lr in zip(self.optimizer.param_groups, lrs, strict=True):
            group["lr"] = lr
        self._last_lr = lrs
        ### END SOLUTION

    def get_last_lr(self) -> list[float]:
        """The rates the last `step()` set, one per parameter group."""
        return list(self._last_lr)

    def state_dict(self) -> dict[str, Any]:
        """Every attribute except the optimizer (numbers and lists only)."""
        return {k: v for k, v in self.__dict__.items() if k != "optimizer"}

    def load_state_dict(self, state_dict: dict[str, Any]) -> None:
        """Restore a `state_dict()`; the optimizer's own rates come from its state."""
        name = type(self).__name__
        if not isinstance(state_dict, dict) or "last_epoch" not in state_dict:
            raise ValueError(f"{name}.load_state_dict: expected a dict with 'last_epoch'")
        if len(state_dict.get("base_lrs", self.base_lrs)) != len(self.base_lrs):
            raise ValueError(
                f"{name}.load_state_dict: the saved schedule has "
                f"{len(state_dict['base_lrs'])} group(s), the optimizer has {len(self.base_lrs)}"
            )
        self.__dict__.update({k: v for k, v in state_dict.items() if k != "optimizer"})
