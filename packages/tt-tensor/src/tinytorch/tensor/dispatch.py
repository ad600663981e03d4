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

In-place ops and version counters
---------------------------------
`apply_inplace` runs a primitive whose result is written back into its first
input (`x.add_(y)`, `x += y`, `x[i] = v`), with PyTorch's rules: a leaf that
requires a gradient may be changed in place only when grad mode is off (the
engine says so through `GradEngine.is_grad_enabled`), and every in-place write
bumps the tensor's version (`t._version`). Views (`VIEW_PRIMITIVES` whose
NumPy result shares memory with the input) share their base's counter, so
the engine can refuse a backward pass that would read overwritten values.

The seam an engine relies on (a student's tt-tensor must keep it): every
Tensor has `_version_counter`, a one-element list `[n]` shared by a tensor and
its views, and `_version` reads `n`. An engine keeps the list and the `n` it
saw when it recorded a node, and compares them at backward.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from importlib.metadata import entry_points
from typing import TYPE_CHECKING, Any, Protocol

import numpy as np

from . import _checks, observers

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
#   tanh erf sin cos
#   clamp                   a        min: float | None, max: float | None
#   where                   a, b     cond: np.ndarray (bool, broadcastable)
#   sum mean amax amin      a        dim: tuple[int, ...] | None (normalised,
#                                    non-negative, sorted), keepdim: bool
#   matmul                  a, b     -            np.matmul: 1-D, 2-D, batched
#   reshape                 a        shape: tuple[int, ...] (no -1 left)
#   transpose               a        dim0: int, dim1: int (non-negative)
#   permute                 a        dims: tuple[int, ...] (non-negative)
#   contiguous              a        -
#   getitem                 a        index: the NumPy index (ints, slices,
#                                    None, Ellipsis, integer or bool arrays)
#   setitem                 a, value index: the NumPy index written into a copy
#                                    of `a` (recorded by `t[index] = value`,
#                                    copy_, fill_, zero_); view: a basic index
#                                    applied first (PyTorch's int-first rule),
#                                    or None
#   expand                  a        shape: tuple[int, ...] (no -1 left; a
#                                    read-only np.broadcast_to view)
#   pad                     a        pad: ((lo, hi), ...) per dim, NumPy order
#                                    (negative crops); value: the fill, a
#                                    Python number; region_in, region_out:
#                                    tuples of slices, the input part copied
#                                    and where it lands in the output
#   clone                   a        -            a copy in a's memory order
#   cat                     *tensors dim: int (non-negative); any number of
#                                    inputs, all of one dtype kind
#
# `amax amin` split the gradient among ties; `max min` (torch.max(x, dim),
# which returns values and indices) give all of it to `indices`:
#   max min                 a        dim: int (non-negative) or None (0-d a),
#                                    keepdim: bool, indices: np.ndarray
#                                    (int64, keepdim shape)
# `max()`/`min()` without a dim record `amax`/`amin` with dim None.
#
# In-place ops (`add_`, `x += y`, `x[i] = v`...) record the same op names, with
# `out` the changed tensor and input 0 a copy of its old value (apply_inplace).
PRIMITIVES: tuple[str, ...] = (
    "add", "sub", "mul", "div", "pow", "maximum",
    "neg", "exp", "log", "sqrt", "abs", "tanh", "erf", "sin", "cos",
    "clamp", "where",
    "sum", "mean", "max", "min", "amax", "amin",
    "matmul",
    "reshape", "transpose", "permute", "contiguous", "getitem", "setitem",
    "expand", "pad", "clone", "cat",
)

# Primitives whose output may be a view of input 0 (same memory, new shape or
# strides). When NumPy made it one, the output shares the input's version
# counter (and remembers its base), as PyTorch's views do.
VIEW_PRIMITIVES: frozenset[str] = frozenset(
    {"reshape", "transpose", "permute", "getitem", "expand"}
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

    def is_grad_enabled(self) -> bool:
        """Whether grad mode is on (False inside `no_grad`).

        tt-tensor asks this before an in-place op on a tensor that requires a
        gradient: PyTorch allows `p -= lr * p.grad` on a leaf parameter only
        with grad mode off. Optional: an engine without it counts as "on".
        """


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


def is_grad_enabled() -> bool:
    """Ask the installed engine whether grad mode is on.

    No engine means nothing is ever recorded; for the leaf rule of in-place
    ops that counts as "on" (a leaf that requires a gradient stays protected).
    """
    engine = get_engine()
    ask = getattr(engine, "is_grad_enabled", None)
    return True if ask is None else bool(ask())


def apply(op: str, forward: Callable[..., np.ndarray], *inputs: Tensor, **attrs: Any) -> Tensor:
    """Run primitive `op`: `forward(*arrays, **attrs)`, wrapped as a Tensor.

    `inputs` are Tensors (Python scalars must be converted by the caller, with
    the dtype of the tensor they meet); `attrs` are the op's non-tensor
    arguments (`dim`, `keepdim`, `shape`, an index...), passed to `forward`
    and recorded for the backward rule.
    """
    if observers._observers:  # a profiler is watching: time the forward, report it
        start = time.perf_counter()
        result = forward(*[t.data for t in inputs], **attrs)
        seconds = time.perf_counter() - start
        out = _tensor.Tensor._wrap(result)
        observers.report_op(op, tuple(t.data for t in inputs), out.data, attrs, seconds)
    else:
        out = _tensor.Tensor._wrap(forward(*[t.data for t in inputs], **attrs))
    if op in VIEW_PRIMITIVES and _is_view(out.data, inputs[0].data):
        base = inputs[0]
        out._version_counter = base._version_counter  # one counter per memory
        out._base = base if base._base is None else base._base
        out._view_version = base._version_counter[0]  # the base's version it shows
    for t in inputs:  # a plain loop: cheaper than any(<generator>) on this hot path
        if t.requires_grad:
            engine = get_engine()
            if engine is not None:
                for v in inputs:
                    if v._base is not None and v._version_counter[0] != v._view_version:
                        _stale_view(op, v)
                engine.record(op, out, inputs, attrs)
            break
    return out


def _is_view(out: np.ndarray, x: np.ndarray) -> bool:
    """Does `out` share memory with `x`? (NumPy's `.base` first: the cheap, usual answer.)"""
    owner = out.base
    if owner is None:
        return False
    return owner is x or owner is x.base or np.may_share_memory(out, x)


def _stale_view(op: str, view: Tensor) -> None:
    """A view whose base changed in place after it was made cannot be recorded.

    Its values are the new ones, but its graph node describes the old ones:
    its gradient would be wrong. PyTorch rebuilds such a view's graph; here
    the view has to be taken again (`y[0]` after `y.mul_(2)`).
    """
    if view.requires_grad and is_grad_enabled():
        raise RuntimeError(
            f"{op}: an input is a view whose base was changed in place after the view "
            f"was made (version {view._view_version} then, {view._version_counter[0]} "
            "now); autograd cannot use it: take the view again after the in-place op"
        )


LEAF_MESSAGE = "a leaf Variable that requires grad is being used in an in-place operation."


def _check_view(op: str, target: Tensor) -> None:
    """An in-place op that autograd would record must not change a view."""
    base = target._base
    if base is not None:
        if base._requires_grad and base._node is None:
            raise RuntimeError(
                f"{op}: a view of {LEAF_MESSAGE} (change it under no_grad, or work on "
                "a copy)"
            )
        raise RuntimeError(
            f"{op}: in-place change of a view while autograd records is not supported "
            "(the base tensor's graph would not see it); use an out-of-place op such "
            "as where(...), or change a copy"
        )


def _snapshot(t: Tensor) -> Tensor:
    """A copy of `t`'s values that stands for `t` in the graph (same node)."""
    snap = _tensor.Tensor._wrap(t.data.copy())
    snap._requires_grad, snap._node = t._requires_grad, t._node
    return snap


def apply_inplace(
    op: str,
    forward: Callable[..., np.ndarray],
    target: Tensor,
    *others: Tensor,
    write: Callable[..., None] | None = None,
    name: str | None = None,
    **attrs: Any,
) -> Tensor:
    """Run primitive `op` on (target, *others) and write the result into `target`.

    The result must keep `target`'s shape and dtype kind (PyTorch's rule), and
    is written into the same array, `target.data`, so views and anyone holding
    that array see the change; `target._version` goes up by one.

    Autograd: with grad mode off, or when nothing requires a gradient, nothing
    is recorded. Otherwise a leaf that requires a gradient is refused
    (PyTorch's RuntimeError), and so is a view (TinyTorch does not rewrite
    the base's graph); a non-leaf is *rebased*: the engine records `op` with
    `target` as output and a copy of its old value as input 0, carrying the
    old graph node. Cost of recording: one copy of `target`.

    `write(target.data, *other_arrays, **attrs)`, if given, writes the result
    straight into the array when nothing is recorded (`t[0] = 1` must not
    copy all of `t`); it must raise on a shape it cannot write. `name` is
    the op's name in error messages (`add_`), `op` by default.
    """
    name = op if name is None else name
    recording = False
    if (target._requires_grad or any(t._requires_grad for t in others)) and is_grad_enabled():
        if target._requires_grad and target._node is None:
            raise RuntimeError(f"{name}: {LEAF_MESSAGE}")
        recording = get_engine() is not None  # no engine: nothing to record
        if recording:
            _check_view(name, target)
    x = target.data
    if not x.flags.writeable:  # e.g. expand(): many elements share one memory cell
        raise RuntimeError(
            f"{name}: cannot write into this tensor in place: its memory is read-only "
            "(an expand() view repeats one element many times); .clone() it first"
        )
    if write is not None and not recording:
        write(x, *[t.data for t in others], **attrs)
        target._version_counter[0] += 1
        return target
    new = np.asarray(forward(x, *[t.data for t in others], **attrs))
    if new.shape != x.shape:
        raise _checks.ShapeError(
            f"{name}: output with shape {_checks.shape_str(x.shape)} doesn't match the "
            f"broadcast shape {_checks.shape_str(new.shape)} (an in-place op keeps the "
            "shape of the tensor it changes)"
        )
    if new.dtype != x.dtype and not np.can_cast(new.dtype, x.dtype, "same_kind"):
        raise _checks.DTypeError(
            f"{name}: result type {new.dtype} can't be cast to the desired output type "
            f"{x.dtype} (an in-place op keeps the dtype of the tensor it changes)"
        )
    old = None
    if recording:  # the old values, as the inputs of the recorded op
        old = _snapshot(target)
        # `y.mul_(y)`, `y.add_(y.T)`: an operand in target's memory is overwritten too
        others = tuple(
            (old if t is target else _snapshot(t))
            if t._version_counter is target._version_counter
            else t
            for t in others
        )
    np.copyto(x, new, casting="same_kind")
    target._version_counter[0] += 1
    if old is not None:
        engine = get_engine()
        if engine is not None:
            engine.record(op, target, (old, *others), attrs)
    return target


# `Tensor` lives in tensor.py, which imports this module; importing the module
# object here (not the class) works in either import order, and looking the
# class up at call time costs an attribute access, not an import statement.
from . import tensor as _tensor  # noqa: E402
