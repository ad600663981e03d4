"""The table of backward rules, keyed by primitive name.

A rule is a small function `rule(ctx, grad) -> tuple`, with `ctx` an
`OpContext` (input arrays `ctx.inputs`, output array `ctx.out`, attrs
`ctx.attrs`, `ctx.needs_input_grad`) and `grad` the gradient of the loss with
respect to the op's output (same shape as `ctx.out`). It returns one gradient
per input, each with that input's shape, or None where the input needs none.

Rules work on NumPy arrays, never on Tensors: the backward pass itself is not
recorded, so this engine computes first derivatives only (no double backward).

What a rule reads: `register(op, saves=...)` lists the *values* the rule
reads (shapes do not count), so the engine can check them against in-place
changes (version counters): `add` reads none, `mul` reads b to give a its
gradient and a to give b its, `exp` reads its output. Each item is

    i              input i, always
    "out"          the output, always
    (what, j)      `what` (an int or "out") only when input j needs a gradient

A rule registered without `saves` is taken to read every input and the
output: never wrong, but an in-place change that PyTorch allows may then
raise at backward.
"""

from __future__ import annotations

from collections.abc import Callable
from types import MappingProxyType
from typing import Any

import numpy as np

Rule = Callable[[Any, np.ndarray], tuple["np.ndarray | None", ...]]
Saves = tuple[Any, ...]

#: `saves` of a rule registered without one: every input and the output.
READS_ALL = "all"

_RULES: dict[str, Rule] = {}

#: Read-only view of every registered rule: {primitive name: rule}.
RULES = MappingProxyType(_RULES)


def register(op: str, saves: Saves | str = READS_ALL) -> Callable[[Rule], Rule]:
    """Decorator: make the function the backward rule of primitive `op`.

    `saves` says which values the rule reads (see the module docstring); it
    is kept on the function as `fn.saves`.
    """

    def decorate(fn: Rule) -> Rule:
        if op in _RULES:
            raise ValueError(f"autograd: a backward rule for {op!r} is already registered")
        fn.saves = saves  # type: ignore[attr-defined]
        _RULES[op] = fn
        return fn

    return decorate
