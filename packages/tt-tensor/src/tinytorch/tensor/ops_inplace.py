"""In-place ops: `add_ sub_ mul_ div_ clamp_ zero_ fill_ copy_` and `+= -= *= /=`.

An in-place op writes its result into the tensor it was called on: same
object, same `.data` array, so views of it, an optimizer's state and anyone
else holding the array see the new values. That is what makes

    with no_grad():
        p -= lr * p.grad

update a parameter, and it saves one allocation per op.

The price is that old values are gone, and autograd may have needed them.
PyTorch's rules, followed here (`dispatch.apply_inplace` enforces them):

- a leaf that requires a gradient (a parameter) may be changed in place only
  with grad mode off (`no_grad`), else RuntimeError;
- a computed tensor may be changed in place while grad mode is on: the op is
  recorded and the tensor's graph node moves on to it (`y = x * 2; y += 1`
  works);
- every in-place write bumps the tensor's version (`t._version`); a backward
  rule that needs the overwritten values raises instead of returning a wrong
  gradient (`y = x.exp(); y += 1; y.sum().backward()` raises);
- the result keeps the tensor's shape and dtype: `int_tensor += 0.5` and
  `(3,) += (2, 3)` are errors.

Each name ending in `_` returns the tensor itself, for chaining. Costs: one
pass over the tensor (plus one copy of it when autograd records the op).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ._checks import DTypeError, ShapeError, broadcast_error, shape_str
from .dispatch import apply_inplace
from .ops_binary import div_forward, operands
from .ops_index import setitem_forward, setitem_write
from .ops_unary import _bound, _clamp
from .tensor import Tensor


def _check(op: str, t: Any) -> Tensor:
    if not isinstance(t, Tensor):
        raise TypeError(f"{op}: expected a Tensor, got {type(t).__name__}")
    return t


def _binary_(name: str, op: str, forward: Any, target: Any, other: Any) -> Tensor:
    """`target op= other` through `apply_inplace`, with the out-of-place dtype rules."""
    target = _check(name, target)
    a, b = operands(name, target, other)
    if a is not target:  # an integer tensor met a float: the result would be float
        raise DTypeError(
            f"{name}: result type {a.data.dtype} can't be cast to the desired output "
            f"type {target.data.dtype}"
        )
    try:
        return apply_inplace(op, forward, target, b, name=name)
    except ValueError:
        err = broadcast_error(name, target.data.shape, b.data.shape)
        if err is not None:
            raise err from None
        raise


def add_(target: Tensor, other: Any) -> Tensor:
    """`target += other`, in place (other broadcasts to target's shape)."""
    ### BEGIN SOLUTION
    return _binary_("add_", "add", np.add, target, other)
    ### END SOLUTION


def sub_(target: Tensor, other: Any) -> Tensor:
    """`target -= other`, in place."""
    ### BEGIN SOLUTION
    return _binary_("sub_", "sub", np.subtract, target, other)
    ### END SOLUTION


def mul_(target: Tensor, other: Any) -> Tensor:
    """`target *= other`, in place."""
    ### BEGIN SOLUTION
    return _binary_("mul_", "mul", np.multiply, target, other)
    ### END SOLUTION


def div_(target: Tensor, other: Any) -> Tensor:
    """`target /= other`, in place; target must be floating point (true division)."""
    ### BEGIN SOLUTION
    target = _check("div_", target)
    if target.data.dtype.kind != "f":
        raise DTypeError(
            f"div_: result type float32 can't be cast to the desired output type "
            f"{target.data.dtype} (true division of an integer tensor gives floats)"
        )
    return _binary_("div_", "div", div_forward, target, other)
    ### END SOLUTION


def clamp_(target: Tensor, min: float | None = None, max: float | None = None) -> Tensor:
    """Limit every element of `target` to `[min, max]`, in place."""
    ### BEGIN SOLUTION
    target = _check("clamp_", target)
    if min is None and max is None:
        raise ValueError("clamp_: at least one of min and max must be given")
    floating = target.data.dtype.kind == "f"
    lo, hi = _bound("min", min, floating), _bound("max", max, floating)
    return apply_inplace("clamp", _clamp, target, name="clamp_", min=lo, max=hi)
    ### END SOLUTION


def _source(op: str, target: Tensor, value: Any) -> Tensor:
    """`value` as a Tensor to copy from: numbers and arrays take target's dtype."""
    if isinstance(value, Tensor):
        return value
    try:
        return Tensor._wrap(np.asarray(value, dtype=target.data.dtype))
    except (TypeError, ValueError) as exc:
        raise TypeError(
            f"{op}: cannot write a {type(value).__name__} into a tensor ({exc})"
        ) from None


def _copy(name: str, target: Any, src: Any) -> Tensor:
    """copy_, fill_ and zero_: `src` broadcast into all of `target`, as `setitem`."""
    target = _check(name, target)
    src = _source(name, target, src)
    if broadcast_error(name, src.data.shape, target.data.shape) is not None or (
        np.broadcast_shapes(src.data.shape, target.data.shape) != target.data.shape
    ):
        raise ShapeError(
            f"{name}: source of shape {shape_str(src.data.shape)} cannot be broadcast to "
            f"the shape {shape_str(target.data.shape)} of the tensor it is copied into"
        )
    return apply_inplace(
        "setitem", setitem_forward, target, src, write=setitem_write, name=name,
        index=Ellipsis, view=None,
    )


def copy_(target: Tensor, src: Any) -> Tensor:
    """Copy `src` into `target`: broadcast to its shape, cast to its dtype.

    Recorded as `setitem` over the whole tensor (index `...`): the old values
    get no gradient, `src` gets the output gradient summed to its shape.
    """
    ### BEGIN SOLUTION
    return _copy("copy_", target, src)
    ### END SOLUTION


def fill_(target: Tensor, value: Any) -> Tensor:
    """Set every element of `target` to `value` (a number or a 0-d tensor)."""
    ### BEGIN SOLUTION
    target = _check("fill_", target)
    if isinstance(value, Tensor) and value.data.ndim != 0:
        raise ShapeError(
            f"fill_: only supports a 0-d value tensor, got shape {shape_str(value.data.shape)}"
        )
    return _copy("fill_", target, value)
    ### END SOLUTION


def zero_(target: Tensor) -> Tensor:
    """Set every element of `target` to 0, in place."""
    ### BEGIN SOLUTION
    return _copy("zero_", target, 0)
    ### END SOLUTION
