"""use_fused / use_composite: switch an existing model's kernels without editing its code.

A model built from the course's layers already says, layer by layer, what
it computes; whether a step runs as one fused primitive or as its
composite of tensor primitives is a choice of kernel, not of model. The
switch walks the model once and changes, in place:

- `use_fused`: a `Linear` (with a bias) directly followed by a `ReLU` in a
  `Sequential` becomes `LinearReLU` (sharing the Linear's Parameters) and
  `FusedAway` (the identity, keeping the slot); module 3's `GELU` objects
  become `FusedGELU`.
- `use_composite`: module 11's `LayerNorm` (which runs the fused
  primitive) becomes `CompositeLayerNorm`, sharing its Parameters.
- Both: a module's own bool attribute `fused` (the GPT's blocks, `MLP`,
  `CausalSelfAttention`; `LinearReLU`, `FusedGELU`) is set to True or
  False, and a module's dataclass `config` with a bool `fused` (the
  `GPT`'s frozen `GPTConfig`) is replaced by a copy with True or False.

Every new layer SHARES the Parameters of the one it replaces (the same
objects), keeps its attribute name and index, so `state_dict` keys,
`parameters()` and an optimizer built before the switch stay valid. The
returned `KernelSwap` remembers every change; `restore()` (or leaving its
`with` block) puts each original object back in reverse order, which
leaves the model exactly as it was. Not switched: layers this table does
not name (module 15's `MultiheadAttention` has no composite switch;
`Conv2d` has no fused neighbour here).
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from types import TracebackType
from typing import Any

from tinytorch.activations import GELU, ReLU
from tinytorch.layers import Linear, Module, Sequential
from tinytorch.normalization import LayerNorm

from .linear_relu import LinearReLU
from .modules import CompositeLayerNorm, FusedAway, FusedGELU


@dataclass(frozen=True)
class Change:
    """One attribute the switch set: `owner.<attribute>` went from `old` to `new`."""

    path: str  # dotted name in the model, for messages: "0", "h.1.mlp.fused", "config"
    owner: Any
    attribute: str
    old: Any
    new: Any


@dataclass
class KernelSwap:
    """What `use_fused` / `use_composite` changed in `model`; `restore()` undoes it exactly.

    Also a context manager: `with use_fused(model): ...` restores on exit.
    """

    model: Module
    mode: str
    changes: list[Change] = field(default_factory=list)
    restored: bool = False

    @property
    def paths(self) -> list[str]:
        """The dotted names of everything changed, in the order they were changed."""
        return [c.path for c in self.changes]

    def restore(self) -> None:
        """Put every original object back, last change first; a second call does nothing.

        Refuses (RuntimeError, naming the attribute) if something changed an
        attribute after this switch, such as a later switch not yet restored.
        """
        if self.restored:
            return
        ### BEGIN SOLUTION
        for c in reversed(self.changes):
            if getattr(c.owner, c.attribute) is not c.new:
                raise RuntimeError(
                    f"KernelSwap.restore: {c.path} was changed after this {self.mode} switch "
                    "(restore the later switches first)"
                )
        for c in reversed(self.changes):
            setattr(c.owner, c.attribute, c.old)
        self.restored = True
        ### END SOLUTION

    def __enter__(self) -> Module:
        return self.model

    def __exit__(self, kind: type[BaseException] | None, value: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.restore()


def _join(path: str, name: str) -> str:
    return f"{path}.{name}" if path else name


def _flag_changes(path: str, module: Module, want: bool) -> list[Change]:
    """The module's own bool `fused` and its dataclass `config`'s, set to `want`."""
    found = []
    own = vars(module).get("fused")
    if isinstance(own, bool) and own is not want:
        found.append(Change(_join(path, "fused"), module, "fused", own, want))
    config = vars(module).get("config")
    if dataclasses.is_dataclass(config) and not isinstance(config, type) \
            and isinstance(getattr(config, "fused", None), bool) and config.fused is not want:
        found.append(Change(_join(path, "config"), module, "config", config,
                            dataclasses.replace(config, fused=want)))
    return found


def _linear_relu_changes(path: str, seq: Sequential) -> list[Change]:
    """Every `Linear` with bias directly followed by a `ReLU`: -> LinearReLU, FusedAway."""
    found = []
    layers = list(seq)  # named "0", "1", ... (Sequential's naming)
    i = 0
    while i < len(layers) - 1:
        first, second = layers[i], layers[i + 1]
        if type(first) is Linear and type(second) is ReLU and first.bias is not None:
            name = str(i)
            found.append(Change(_join(path, name), seq, name, first, LinearReLU(first)))
            found.append(Change(_join(path, str(i + 1)), seq, str(i + 1), second,
                                FusedAway(name, second)))
            i += 2
        else:
            i += 1
    return found


def _plan(model: Module, mode: str) -> list[Change]:
    """Every change the switch makes, found before any is made."""
    want = mode == "fused"
    changes: list[Change] = []
    for path, module in list(model.named_modules()):
        if not isinstance(module, Module):
            continue
        changes += _flag_changes(path, module, want)
        if want and isinstance(module, Sequential):
            changes += _linear_relu_changes(path, module)
        taken = {c.attribute for c in changes if c.owner is module}
        for name, child in list(module.named_children()):
            if name in taken:
                continue
            if want and type(child) is GELU:
                changes.append(Change(_join(path, name), module, name, child,
                                      FusedGELU(child.approximate)))
            elif not want and type(child) is LayerNorm:
                changes.append(Change(_join(path, name), module, name, child,
                                      CompositeLayerNorm(child)))
    return changes


def _switch(model: Any, mode: str) -> KernelSwap:
    op = f"use_{mode}"
    if not isinstance(model, Module):
        raise TypeError(f"{op}: expected a Module (a model), got {type(model).__name__}")
    ### BEGIN SOLUTION
    swap = KernelSwap(model, mode, _plan(model, mode))
    for c in swap.changes:
        setattr(c.owner, c.attribute, c.new)
    return swap
    ### END SOLUTION


def use_fused(model: Module) -> KernelSwap:
    """Switch `model` to the fused kernels, in place; returns the `KernelSwap` that undoes it.

        swap = use_fused(model)        # or: with use_fused(model): ...
        ...                            # same outputs and gradients, fewer passes
        swap.restore()                 # the model exactly as before

    See the module docstring for what is switched. Parameters are shared,
    never copied: `state_dict` keys and an existing optimizer stay valid.
    """
    return _switch(model, "fused")


def use_composite(model: Module) -> KernelSwap:
    """Switch `model` to the composite teaching twins, in place; returns the undoing swap.

    The same numbers as the fused kernels, more graph nodes and more time:
    what `benchmarks/kernels.py` measures the fusion against.
    """
    return _switch(model, "composite")
