"""The one-line-per-epoch progress report of `Trainer.fit`."""

from __future__ import annotations

import sys
from typing import Any, TextIO


def format_epoch(epoch: int, epochs: int, logs: dict[str, float], seconds: float) -> str:
    """`epoch 3/10 - loss 0.4132 - accuracy 0.8750 - val_loss 0.5012 - lr 0.01 - 0.4s`."""
    parts = [f"epoch {epoch + 1}/{epochs}"]
    for key, value in logs.items():
        parts.append(f"{key} {value:.3g}" if key == "lr" else f"{key} {value:.4f}")
    parts.append(f"{seconds:.1f}s")
    return " - ".join(parts)


class Progress:
    """Writes report lines to a stream: `True` means stdout, `False`/None means silence.

    stdout is looked up when a line is written, not when the Trainer is
    built, so redirections (and pytest's capsys) see the output.
    """

    def __init__(self, progress: bool | TextIO | None) -> None:
        if progress is not None and not isinstance(progress, bool) and not hasattr(
            progress, "write"
        ):
            raise TypeError(
                f"Trainer: progress must be True, False or a stream with .write, "
                f"got {type(progress).__name__}"
            )
        self.target: Any = progress

    def __call__(self, line: str) -> None:
        """Write `line` and a newline, unless silenced."""
        if self.target is None or self.target is False:
            return
        stream = sys.stdout if self.target is True else self.target
        stream.write(line + "\n")
        stream.flush()
