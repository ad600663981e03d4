"""Finding and replacing the layers that compression works on (shared by pruning, sparse,
structured and low-rank code): one walk of the module tree, written once."""

from __future__ import annotations

import copy
from collections.abc import Callable, Iterator
from typing import Any

from tinytorch.layers import Linear, Module
from tinytorch.spatial import Conv2d

PRUNABLE = (Linear, Conv2d)


def prunable_layers(model: Module) -> Iterator[tuple[str, Module]]:
    """Every Linear and Conv2d of `model` (however deep) as (dotted name, layer), in order."""
    if not isinstance(model, Module):
        raise TypeError(f"expected a tinytorch Module, got {type(model).__name__}")
    for name, module in model.named_modules():
        if isinstance(module, PRUNABLE):
            yield name, module


def replace_layers(model: Module, convert: Callable[[str, Any], Any | None]) -> Module:
    """A deep COPY of `model` in which every child `c` named `n` with `convert(n, c)` not None
    is replaced by that result. The original model is untouched (its Parameters are not shared).

    `convert` sees dotted names ("0", "encoder.fc"); a replaced child is not descended into.
    """
    if not isinstance(model, Module):
        raise TypeError(f"expected a tinytorch Module, got {type(model).__name__}")
    copied = copy.deepcopy(model)

    def walk(module: Module, prefix: str) -> None:
        for name, child in list(module.named_children()):
            full = f"{prefix}.{name}" if prefix else name
            new = convert(full, child)
            if new is not None:
                module.add_module(name, new)
            elif isinstance(child, Module):
                walk(child, full)

    root = convert("", copied)
    if root is not None:
        return root
    walk(copied, "")
    return copied
