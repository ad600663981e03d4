"""Loss functions named by string: `Trainer(model, opt, "cross_entropy")`.

A convenience for short scripts and for course configuration files, where a
name is easier to write (and to store in a checkpoint) than an object. The
names map onto tt-losses' classes with their default (mean) reduction.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from tinytorch.losses import BCELoss, BCEWithLogitsLoss, CrossEntropyLoss, MSELoss

LOSSES: dict[str, Callable[[], Any]] = {
    "cross_entropy": CrossEntropyLoss,
    "mse": MSELoss,
    "bce": BCELoss,
    "bce_with_logits": BCEWithLogitsLoss,
}


def resolve_loss(loss_fn: Any) -> Callable[..., Any]:
    """A callable loss: `loss_fn` itself, or the tt-losses class its name stands for."""
    if isinstance(loss_fn, str):
        if loss_fn not in LOSSES:
            raise ValueError(
                f"Trainer: unknown loss {loss_fn!r}; known names: {', '.join(sorted(LOSSES))}"
            )
        return LOSSES[loss_fn]()
    if not callable(loss_fn):
        raise TypeError(
            f"Trainer: loss_fn must be callable or a loss name, got {type(loss_fn).__name__}"
        )
    return loss_fn
