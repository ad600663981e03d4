"""What every activation object shares: calling it runs `forward`; a readable repr.

The activations come before `Module` (tt-layers, module 04), so their layer
objects are plain callables. This small base keeps each one to its `forward`
(and its settings, if any), the way `Module` will later.
"""

from __future__ import annotations

from tinytorch.tensor import Tensor


class Activation:
    """Base of the activation objects: `Act()(x)` is `Act().forward(x)`."""

    def forward(self, x: Tensor) -> Tensor:
        raise NotImplementedError(f"{type(self).__name__}.forward")

    def __call__(self, x: Tensor) -> Tensor:
        return self.forward(x)

    def extra_repr(self) -> str:
        """The settings shown inside the repr's parentheses (none by default)."""
        return ""

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.extra_repr()})"
