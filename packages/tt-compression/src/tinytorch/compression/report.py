"""CompressionReport: what a compression method saved, and what it cost in accuracy.

Every method of this module is reported the same way: the bytes of the
saved file before and after (`saved_bytes`, measured, never computed from
parameter counts), and the accuracy before and after on data the caller
chooses (held-out data: calibrating or fine-tuning on the test set would
flatter the result).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from tinytorch.layers import Module

from .storage import saved_bytes


@dataclass
class CompressionReport:
    """Bytes and accuracy before and after one compression method.

    ratio: bytes_before / bytes_after (4.0: four times smaller).
    accuracy_drop: accuracy_before - accuracy_after (None without accuracies),
    in the units `evaluate` returned (a fraction: 0.01 is one point).
    """

    method: str
    bytes_before: int
    bytes_after: int
    accuracy_before: float | None = None
    accuracy_after: float | None = None

    @property
    def ratio(self) -> float:
        return self.bytes_before / self.bytes_after if self.bytes_after else float("inf")

    @property
    def accuracy_drop(self) -> float | None:
        if self.accuracy_before is None or self.accuracy_after is None:
            return None
        return self.accuracy_before - self.accuracy_after

    def __str__(self) -> str:
        text = (f"{self.method}: {self.bytes_before:,} -> {self.bytes_after:,} bytes "
                f"({self.ratio:.2f}x smaller)")
        if self.accuracy_drop is not None:
            before, after = self.accuracy_before, self.accuracy_after
            if 0 <= before <= 1 and 0 <= after <= 1:  # fractions: show percent and points
                text += (f", accuracy {before:.2%} -> {after:.2%} "
                         f"(drop {100 * self.accuracy_drop:.2f} points)")
            else:
                text += f", accuracy {before:.4g} -> {after:.4g} (drop {self.accuracy_drop:.4g})"
        return text


def compression_report(method: str, before: Module, after: Module,
                       evaluate: Callable[[Module], Any] | None = None) -> CompressionReport:
    """Measure both models: saved-file bytes, and `evaluate(model)` (a float) if given."""
    if not isinstance(method, str):
        raise TypeError(f"compression_report: method must be a str, got {method!r}")
    ### BEGIN SOLUTION
    acc_before = None if evaluate is None else float(evaluate(before))
    acc_after = None if evaluate is None else float(evaluate(after))
    return CompressionReport(method, saved_bytes(before), saved_bytes(after),
                             acc_before, acc_after)
    ### END SOLUTION
