"""Argument checks shared by the optimizers: one clear message per mistake."""

from __future__ import annotations

import math
from typing import Any


def check_number(owner: str, name: str, value: Any, low: float = 0.0) -> None:
    """`value` must be a real number >= `low` (a negative lr or decay is a bug)."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise TypeError(f"{owner}: {name} must be a number, got {type(value).__name__}")
    if math.isnan(value) or value < low:
        raise ValueError(f"{owner}: invalid {name}={value}: it must be >= {low}")


def check_betas(owner: str, betas: Any) -> None:
    """Adam's `betas` must be two numbers in [0, 1)."""
    if not isinstance(betas, (tuple, list)) or len(betas) != 2:
        raise ValueError(f"{owner}: betas must be a pair (beta1, beta2), got {betas!r}")
    for i, b in enumerate(betas):
        check_number(owner, f"betas[{i}]", b)
        if not b < 1.0:
            raise ValueError(f"{owner}: invalid betas[{i}]={b}: it must be in [0, 1)")
