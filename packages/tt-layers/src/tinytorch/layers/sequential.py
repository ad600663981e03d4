"""Sequential: a Module that chains layers, each output the next input."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

from .module import Module


class Sequential(Module):
    """Layers applied one after the other: `Sequential(Linear(2, 8), ReLU(), Linear(8, 1))`.

    The layers are registered as children named "0", "1", ..., which is
    where parameter names such as `"0.weight"` come from. Any callable can
    be a layer: a Module, or an activation object such as `ReLU()`.
    `model[i]` returns a layer, `model[a:b]` a new Sequential sharing those
    layers, `len(model)` the number of layers.

    Cost: nothing beyond the layers' own.
    """

    def __init__(self, *layers: Module | Callable[..., Any]) -> None:
        ### BEGIN SOLUTION
        super().__init__()
        for layer in layers:
            self.append(layer)
        ### END SOLUTION

    def append(self, layer: Module | Callable[..., Any]) -> Sequential:
        """Add `layer` at the end; return self."""
        if not callable(layer):
            raise TypeError(
                f"Sequential: layer {len(self)} must be a Module or a callable, "
                f"got {type(layer).__name__}"
            )
        self.add_module(str(len(self)), layer)
        return self

    def forward(self, x: Any) -> Any:
        """Feed `x` through every layer in order."""
        ### BEGIN SOLUTION
        for layer in self._modules.values():
            x = layer(x)
        return x
        ### END SOLUTION

    def __len__(self) -> int:
        return len(self._modules)

    def __iter__(self) -> Iterator[Any]:
        return iter(self._modules.values())

    def __getitem__(self, index: int | slice) -> Any:
        layers = list(self._modules.values())
        if isinstance(index, slice):
            return Sequential(*layers[index])
        if not isinstance(index, int):
            raise TypeError(f"Sequential: index must be an int or a slice, got {index!r}")
        if not -len(layers) <= index < len(layers):
            raise IndexError(
                f"Sequential: index {index} is out of range for {len(layers)} layers"
            )
        return layers[index]
