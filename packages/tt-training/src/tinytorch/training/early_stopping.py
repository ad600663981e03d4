"""`EarlyStopping`: stop training when a monitored value stops improving.

Validation loss usually falls, flattens, then rises as the model starts to
memorise the training set (overfitting). Waiting `patience` epochs without
an improvement larger than `min_delta` and then stopping saves the wasted
epochs; `restore_best_weights=True` also rolls the model back to the best
epoch seen (costing one copy of the weights in memory).
"""

from __future__ import annotations

import math
from typing import Any


def is_improvement(value: float, best: float | None, mode: str, min_delta: float) -> bool:
    """Whether `value` beats `best` by more than `min_delta` (in the direction of `mode`)."""
    ### BEGIN SOLUTION
    if math.isnan(value):
        return False
    if best is None:
        return True
    if mode == "min":
        return value < best - min_delta
    return value > best + min_delta
    ### END SOLUTION


class EarlyStopping:
    """Stop when `monitor` has not improved for `patience` epochs.

    Args:
        monitor: a key of the epoch logs: "val_loss" (default), "loss",
            "val_accuracy", ...
        patience: epochs without improvement tolerated before stopping (>= 0).
        min_delta: the smallest change that counts as an improvement (>= 0).
        mode: "min", "max", or "auto" ("max" for names containing "acc",
            "min" otherwise).
        restore_best_weights: at the end of `fit`, load the weights of the
            best epoch into the model.
    """

    def __init__(
        self,
        monitor: str = "val_loss",
        patience: int = 5,
        min_delta: float = 0.0,
        mode: str = "auto",
        restore_best_weights: bool = False,
    ) -> None:
        if isinstance(patience, bool) or not isinstance(patience, int) or patience < 0:
            raise ValueError(f"EarlyStopping: patience must be an int >= 0, got {patience!r}")
        if not min_delta >= 0:
            raise ValueError(f"EarlyStopping: min_delta must be >= 0, got {min_delta!r}")
        if mode not in ("auto", "min", "max"):
            raise ValueError(f"EarlyStopping: mode must be 'auto', 'min' or 'max', got {mode!r}")
        if mode == "auto":
            mode = "max" if "acc" in monitor else "min"
        self.monitor = monitor
        self.patience = patience
        self.min_delta = float(min_delta)
        self.mode = mode
        self.restore_best_weights = restore_best_weights
        self.reset()

    def reset(self) -> None:
        """Forget what was seen (a new `fit`)."""
        self.best: float | None = None
        self.best_epoch: int | None = None
        self.best_state: dict[str, Any] | None = None
        self.wait = 0
        self.stopped_epoch: int | None = None

    def update(self, epoch: int, logs: dict[str, float]) -> bool:
        """Take epoch `epoch`'s logs; return True if the monitored value improved."""
        ### BEGIN SOLUTION
        if self.monitor not in logs:
            raise KeyError(
                f"EarlyStopping: monitor {self.monitor!r} is not among the epoch logs "
                f"{sorted(logs)} (pass validation_data to monitor 'val_*' values)"
            )
        value = float(logs[self.monitor])
        if is_improvement(value, self.best, self.mode, self.min_delta):
            self.best, self.best_epoch, self.wait = value, epoch, 0
            return True
        self.wait += 1
        if self.wait >= self.patience:
            self.stopped_epoch = epoch
        return False
        ### END SOLUTION

    @property
    def should_stop(self) -> bool:
        """True once `patience` epochs in a row brought no improvement."""
        return self.stopped_epoch is not None

    def state_dict(self) -> dict[str, Any]:
        """Progress so far (and the best weights, if kept), for checkpoints."""
        return {"best": self.best, "best_epoch": self.best_epoch, "wait": self.wait,
                "stopped_epoch": self.stopped_epoch, "best_state": self.best_state}

    def load_state_dict(self, state: dict[str, Any]) -> None:
        """Restore a `state_dict()`."""
        self.best, self.best_epoch = state["best"], state["best_epoch"]
        self.wait, self.stopped_epoch = state["wait"], state["stopped_epoch"]
        self.best_state = state["best_state"]

    def __repr__(self) -> str:
        return (f"EarlyStopping(monitor={self.monitor!r}, patience={self.patience}, "
                f"min_delta={self.min_delta}, mode={self.mode!r})")
