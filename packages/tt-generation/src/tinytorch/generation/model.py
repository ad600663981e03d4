"""What generation reads from a model: its context length, its vocabulary, its mode.

A model, for `generate`, is any callable that maps token ids (B, T) int64
to logits (B, T, V): a `tinytorch.layers.Module` such as module 16's GPT, or
a plain function. Two optional attributes tell generation more:

- `block_size` (or `config.block_size`, as the GPT has): the longest context
  the model accepts. The prompt plus what was generated so far is cropped to
  its last `block_size` tokens before each step. A model without it (a
  bigram table, a function) gets the whole sequence every step.
- `vocab_size` (or `config.vocab_size`): checked against the prompt and the
  stop ids before any work. Without it, they are checked against the width V
  of the first logits the model returns.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from tinytorch.layers import Module

from .checks import check_count


def model_attribute(op: str, model: Any, name: str) -> int | None:
    """`model.<name>` or `model.config.<name>` as a positive int; None if it has neither."""
    for owner in (model, getattr(model, "config", None)):
        value = getattr(owner, name, None) if owner is not None else None
        if value is not None:
            return check_count(op, f"the model's {name}", value)
    return None


@contextmanager
def evaluating(model: Any) -> Iterator[None]:
    """Run the block with `model` in eval mode, then give every submodule its old mode back.

    Generation must not drop out activations, and it must not leave a model
    that was training in eval mode either. The flags are restored module by
    module, so a model with a frozen, evaluating part comes back exactly as it
    was, even when the block raises. Plain callables are left alone.
    """
    if not isinstance(model, Module):
        yield
        return
    modes = [(m, m.training) for m in model.modules() if isinstance(m, Module)]
    model.eval()
    try:
        yield
    finally:
        for m, training in modes:
            m.training = training
