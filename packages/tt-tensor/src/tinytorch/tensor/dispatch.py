"""The autograd extension point: every tensor primitive runs through `apply`.

Why this file exists
--------------------
Module 02 (tt-tensor) comes before module 07 (tt-autograd) in the course, yet
once a student installs autograd, every operation written in between
(activations, layers, losses) must become differentiable without being touched.
That works because all of them are built from the primitives of this package,
and every primitive is computed by one function, `apply`:

    out = apply("mul", np.multiply, a, b)

`apply` runs the NumPy forward, wraps the result in a `Tensor`, and, when an
input requires a gradient and a gradient engine is installed, hands the engine
the op name, the output, the inputs and the op's non-tensor attributes, so the
engine can record a graph node. tt-tensor knows nothing about gradients; the
engine (tt-autograd, or a student's replacement) owns the backward rules, keyed
by the op names in `PRIMITIVES`.

How an engine is installed
--------------------------
- explicitly: `set_engine(engine)` (tt-autograd does this when imported);
- or found automatically, the first time it is needed (an op on a tensor that
  requires a gradient, or `Tensor.backward`), through the entry-point group
  `tinytorch.engine`. So `loss.backward()` works in a script that never
  imports `tinytorch.autograd`, as long as the package is installed.

Cost: one loop over the inputs per primitive when no input requires a
gradient; nothing is stored, so inference uses no graph memory.
"""

from __future__ import annotations

from collections.abc import Callable
from importlib.metadata import entry_points
from typing import TYPE_CHECKING, Any, Protocol

import numpy as np

if TYPE_CHECKING:
    from .tensor import Tensor

ENTRY_POINT_GROUP = "tinytorch.engine"

# The primitives of tt-tensor: the op names `apply` is called with, their
# tensor inputs and their attrs. An engine must have a backward rule for each;
# gradient-free ops (comparisons, argmax) never call `apply`.
#
#   op                      inputs   attrs
#   add sub mul div pow     a, b     -            NumPy broadcasting; a Python
#   maximum                                        scalar operand arrives as a
#                                                  0-d tensor of the other's dtype
#   neg exp log sqrt abs    a        -
#   tanh erf
#   clamp                   a        min: float | None, max: float | None
#   where                   a, b     cond: np.ndarray (bool, broadcastable)
#   sum mean max min        a        dim: tuple[int, ...] | None (normalised,
#                                    non-negative, sorted), keepdim: bool
#   matmul                  a, b     -            np.matmul: 1-D, 2-D, batched
#   reshape                 a        shape: tuple[int, ...] (no -1 left)
#   transpose               a        dim0: int, dim1: int (non-negative)
#   permute                 a        dims: tuple[int, ...] (non-negative)
#   contiguous              a        -
#   getitem                 a        index: the NumPy index (ints, slices,
#                                    None, Ellipsis, integer or bool arrays)
PRIMITIVES: tuple[str, ...] = (
    "add", "sub", "mul", "div", "pow", "maximum",
    "neg", "exp", "log", "sqrt", "abs", "tanh", "erf",
    "clamp", "where",
    "sum", "mean", "max", "min",
    "matmul",
    "reshape", "transpose", "permute", "contiguous", "getitem",
)


class GradEngine(Protocol):
    """What a gradient engine provides to tt-tensor."""

    def record(
        self, op: str, out: Tensor, inputs: tuple[Tensor, ...], attrs: dict[str, Any]
    ) -> None:
        """Called after `op` ran, when at least one input requires a gradient.

        The engine decides (for example under `no_grad`) whether to attach a
        graph node to `out` and set `out.requires_grad`.
        """

    def backward(
        self, tensor: Tensor, gradient: Tensor | None, retain_graph: bool = False
    ) -> None:
        """Run reverse-mode differentiation from `tensor`, as `Tensor.backward`;
        free the graph afterwards unless `retain_graph`."""


_engine: GradEngine | None = None
_searched = False


def set_engine(engine: GradEngine | None) -> None:
    """Install `engine` (or remove it with None). Returns nothing."""
    global _engine, _searched
    _engine = engine
    _searched = True


def get_engine() -> GradEngine | None:
    """The installed engine, looked up once through entry points if unset."""
    global _searched
    if _engine is None and not _searched:
        _searched = True
        for ep in entry_points(group=ENTRY_POINT_GROUP):
            try:
                ep.load()  # importing the package installs its engine
            except Exception as exc:  # a broken student package must say so
                raise ImportError(
                    f"tt-tensor: the gradient engine {ep.value!r} (entry point "
                    f"{ep.name!r} of group {ENTRY_POINT_GROUP!r}) failed to load: "
                    f"{type(exc).__name__}: {exc}"
                ) from exc
            if _engine is not None:
                break
    return _engine


def apply(op: str, forward: Callable[..., np.ndarray], *inputs: Tensor, **attrs: Any) -> Tensor:
    """Run primitive `op`: `forward(*arrays, **attrs)`, wrapped as a Tensor.

    `inputs` are Tensors (Python scalars must be converted by the caller, with
    the dtype of the tensor they meet); `attrs` are the op's non-tensor
    arguments (`dim`, `keepdim`, `shape`, an index...), passed to `forward`
    and recorded for the backward rule.
    """
    out = _tensor.Tensor._wrap(forward(*[t.data for t in inputs], **attrs))
    for t in inputs:  # a plain loop: cheaper than any(<generator>) on this hot path
        if t.requires_grad:
            engine = get_engine()
            if engine is not None:
                engine.record(op, out, inputs, attrs)
            break
    return out


# `Tensor` lives in tensor.py, which imports this module; importing the module
# object here (not the class) works in either import order, and looking the
# class up at call time costs an attribute access, not an import statement.
from . import tensor as _tensor  # noqa: E402
