"""Op observers: a read-only window on every primitive that runs, for profilers.

A profiler (module 18) wants to see each operation as it happens: its name,
its inputs and output (for FLOPs and bytes) and how long its NumPy forward
took. `apply` (and `apply_inplace`) report each primitive to the observers
registered here; packages that add primitives of their own (tt-autograd's
`Function.apply`) report them with `report_op`.

    events = []
    with observe_ops(events.append):
        model(x)
    # events: [OpEvent(op='matmul', inputs=(...), output=..., attrs={}, seconds=...), ...]

Observers see NumPy arrays and must not change them. Cost: with no observer,
one truth test per primitive; with observers, two clock reads and one call
each per primitive.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import numpy as np


@dataclass(frozen=True)
class OpEvent:
    """One primitive that ran: its name, arrays, non-tensor arguments and forward time."""

    op: str
    inputs: tuple[np.ndarray, ...]
    output: np.ndarray
    attrs: dict[str, Any]
    seconds: float


OpObserver = Callable[[OpEvent], None]
_observers: list[OpObserver] = []


def observing() -> bool:
    """Is any observer registered? (Then a primitive should time its forward.)"""
    return bool(_observers)


def report_op(op: str, inputs: tuple[np.ndarray, ...], output: np.ndarray,
              attrs: dict[str, Any], seconds: float) -> None:
    """Tell every observer that primitive `op` ran (for packages with their own primitives)."""
    if _observers:
        event = OpEvent(op, tuple(inputs), output, dict(attrs), float(seconds))
        for observer in tuple(_observers):
            observer(event)


@contextmanager
def observe_ops(observer: OpObserver) -> Iterator[None]:
    """Call `observer(event)` for every primitive that runs inside the block.

    Blocks nest (each observer sees everything inside its own block), and
    the observer is removed when the block ends, even by an exception.
    """
    if not callable(observer):
        raise TypeError(f"observe_ops: observer must be callable, got {type(observer).__name__}")
    _observers.append(observer)
    try:
        yield
    finally:
        _observers.remove(observer)
