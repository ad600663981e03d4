"""The table of backward rules, keyed by primitive name.

A rule is a small function `rule(ctx, grad) -> tuple`, with `ctx` an
`OpContext` (input arrays `ctx.inputs`, output array `ctx.out`, attrs
`ctx.attrs`, `ctx.needs_input_grad`) and `grad` the gradient of the loss with
respect to the op's output (same shape as `ctx.out`). It returns one gradient
per input, each with that input's shape, or None where the input needs none.

Rules work on NumPy arrays, never on Tensors: the backward pass itself is not
recorded, so this engine computes first derivatives only (no double backward).
"""

from __future__ import annotations

from collections.abc import Callable
from types import MappingProxyType
from typing import Any

import numpy as np

Rule = Callable[[Any, np.ndarray], tuple["np.ndarray | None", ...]]

_RULES: dict[str, Rule] = {}

#: Read-only view of every registered rule: {primitive name: rule}.
RULES = MappingProxyType(_RULES)


def register(op: str) -> Callable[[Rule], Rule]:
    """Decorator: make the function the backward rule of primitive `op`."""

    def decorate(fn: Rule) -> Rule:
        if op in _RULES:
            raise ValueError(f"autograd: a backward rule for {op!r} is already registered")
        _RULES[op] = fn
        return fn

    return decorate
