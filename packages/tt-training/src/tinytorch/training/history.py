"""`History`: what `Trainer.fit` measured, epoch by epoch."""

from __future__ import annotations

from typing import Any


class History:
    """Per-epoch values as a dict of lists: `history["loss"][e]` is epoch e's loss.

    Keys: "loss", every metric name ("accuracy"), their validation versions
    ("val_loss", "val_accuracy") when validation data is given, and "lr"
    (the learning rate of the first parameter group during the epoch).
    `epoch` lists the epoch indices (0-based) in the same order.
    """

    def __init__(self) -> None:
        self.history: dict[str, list[float]] = {}
        self.epoch: list[int] = []

    def append(self, epoch: int, logs: dict[str, float]) -> None:
        """Record the values `logs` of one finished epoch."""
        ### BEGIN SOLUTION
        for key, value in logs.items():
            self.history.setdefault(key, [float("nan")] * len(self.epoch)).append(float(value))
        for key, values in self.history.items():
            if key not in logs:
                values.append(float("nan"))
        self.epoch.append(int(epoch))
        ### END SOLUTION

    def __getitem__(self, key: str) -> list[float]:
        if key not in self.history:
            raise KeyError(f"History: no {key!r}; recorded: {sorted(self.history)}")
        return self.history[key]

    def __contains__(self, key: object) -> bool:
        return key in self.history

    def __len__(self) -> int:
        return len(self.epoch)

    def keys(self) -> list[str]:
        """The names of the recorded values."""
        return list(self.history)

    def state_dict(self) -> dict[str, Any]:
        """A plain-data copy, for checkpoints."""
        return {"history": {k: list(v) for k, v in self.history.items()}, "epoch": list(self.epoch)}

    def load_state_dict(self, state: dict[str, Any]) -> None:
        """Restore a `state_dict()`."""
        self.history = {k: [float(x) for x in v] for k, v in state["history"].items()}
        self.epoch = [int(e) for e in state["epoch"]]

    def __repr__(self) -> str:
        return f"History(epochs={len(self)}, keys={self.keys()})"
