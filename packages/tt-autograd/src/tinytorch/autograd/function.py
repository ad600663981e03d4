"""`Function`: how later modules add their own differentiable primitives.

Convolution, pooling or a fused loss could be written from tensor primitives,
but that records thousands of tiny nodes and is slow. A `Function` is one node
with a hand-written forward and backward, both in NumPy:

    class Square(Function):
        @staticmethod
        def forward(ctx, x):              # x: np.ndarray
            ctx.save_for_backward(x)
            return x * x                  # np.ndarray
        @staticmethod
        def backward(ctx, grad):          # grad: np.ndarray, shape of the output
            (x,) = ctx.saved_tensors
            return 2 * x * grad           # one gradient per forward input

    y = Square.apply(t)                   # t: Tensor -> y: Tensor, recorded

The convention (chosen so a student can write convolution in plain NumPy):

- `forward(ctx, *args, **kwargs)` sees NumPy arrays: every Tensor positional
  argument is replaced by its `.data`; other arguments (ints, tuples, arrays)
  and keyword arguments pass through unchanged. It returns one array (the
  output; a scalar is turned into a 0-d array).
- `backward(ctx, grad)` gets the output gradient as an array and returns one
  gradient per *positional* forward argument (a tuple, or a single array when
  there is one argument): an array of that input's shape, or None for
  non-Tensor arguments and inputs that need no gradient. A Tensor keyword
  argument is a constant: it never receives a gradient (pass it positionally
  if it needs one).
- `ctx.save_for_backward(*arrays)` stores what backward needs, read back as
  `ctx.saved_tensors`; other values may be set as attributes (`ctx.stride = 2`).
  `ctx.needs_input_grad[i]` tells backward whether input i needs a gradient.
- A saved value that is an input's array (or the output array) is checked at
  backward, like a primitive's: if an in-place op changed that tensor since,
  backward raises instead of using the new values.
"""

from __future__ import annotations

import time
from typing import Any

import numpy as np
from tinytorch.tensor import Tensor, observing, report_op

from .engine import attach
from .grad_mode import is_grad_enabled
from .node import FREED_MESSAGE, Node


class FunctionCtx:
    """The `ctx` a Function's forward fills and its backward reads."""

    def __init__(self, name: str, needs_input_grad: tuple[bool, ...]) -> None:
        self._name = name
        self._saved: tuple[Any, ...] | None = ()
        self.needs_input_grad = needs_input_grad

    def save_for_backward(self, *values: Any) -> None:
        """Keep `values` (arrays) for backward; they live until the graph is freed."""
        ### BEGIN SOLUTION
        self._saved = tuple(v.data if isinstance(v, Tensor) else v for v in values)
        ### END SOLUTION

    @property
    def saved_tensors(self) -> tuple[Any, ...]:
        """What forward passed to `save_for_backward`, in the same order."""
        ### BEGIN SOLUTION
        if self._saved is None:
            raise RuntimeError(FREED_MESSAGE.format(name=self._name))
        return self._saved
        ### END SOLUTION

    def _release(self) -> None:
        """Drop the saved values (called when the graph is freed)."""
        self._saved = None


class Function:
    """Base class of a differentiable operation with a hand-written backward.

    Subclass it with two static methods, `forward(ctx, *args, **kwargs)` and
    `backward(ctx, grad)`, and call `MyFunction.apply(*args, **kwargs)`; see
    the module docstring for what each sees and returns.
    """

    @staticmethod
    def forward(ctx: FunctionCtx, *args: Any, **kwargs: Any) -> np.ndarray:
        """Compute the output from NumPy arrays; save what backward needs in `ctx`."""
        raise NotImplementedError("Function subclasses must define forward(ctx, *args)")

    @staticmethod
    def backward(ctx: FunctionCtx, grad: np.ndarray) -> Any:
        """Return one gradient per positional forward argument (None where there is none)."""
        raise NotImplementedError("Function subclasses must define backward(ctx, grad)")

    @classmethod
    def apply(cls, *args: Any, **kwargs: Any) -> Tensor:
        """Run forward on the unwrapped arguments; record a node if a gradient is needed."""
        ### BEGIN SOLUTION
        record = is_grad_enabled()
        needs = tuple(
            record and isinstance(a, Tensor) and bool(a.requires_grad) for a in args
        )
        ctx = FunctionCtx(cls.__name__ + "Backward", needs)
        arrays = tuple(a.data if isinstance(a, Tensor) else a for a in args)
        kw = {k: v.data if isinstance(v, Tensor) else v for k, v in kwargs.items()}
        start = time.perf_counter() if observing() else None
        result = cls.forward(ctx, *arrays, **kw)
        if isinstance(result, Tensor):
            result = result.data
        out = Tensor._wrap(np.asarray(result))
        if start is not None:  # a profiler watches: report this primitive like tt-tensor's
            tensors = tuple(a.data for a in args if isinstance(a, Tensor))
            report_op(cls.__name__, tensors, out.data, kw, time.perf_counter() - start)
        if any(needs):
            positions = tuple(i for i, a in enumerate(args) if isinstance(a, Tensor))
            inputs = tuple(args[i] for i in positions)
            backward_fn = _make_backward(cls, len(args), positions, args)
            versions = _saved_versions(ctx, args, positions, out)
            attach(out, Node(ctx._name, backward_fn, inputs, ctx, versions))
        return out
        ### END SOLUTION


def _saved_versions(
    ctx: FunctionCtx, args: tuple[Any, ...], positions: tuple[int, ...], out: Tensor
) -> tuple[tuple[int, list[int], int], ...]:
    """(position, version counter, version) of each saved input or output array."""
    found = []
    for value in ctx._saved or ():
        if value is out.data:
            found.append((-1, out._version_counter, out._version_counter[0]))
            continue
        for i in positions:
            if value is args[i].data:
                counter = args[i]._version_counter
                found.append((i, counter, counter[0]))
                break
    return tuple(found)


def _make_backward(
    cls: type[Function], n_args: int, positions: tuple[int, ...], args: tuple[Any, ...]
) -> Any:
    """The node's rule: call `cls.backward`, check its answer, keep the Tensor inputs' grads."""
    shapes = {i: tuple(args[i].data.shape) for i in positions}

    def backward_fn(ctx: FunctionCtx, grad: np.ndarray) -> tuple[np.ndarray | None, ...]:
        ### BEGIN SOLUTION
        grads = cls.backward(ctx, grad)
        grads = tuple(grads) if isinstance(grads, (tuple, list)) else (grads,)
        if len(grads) != n_args:
            raise RuntimeError(
                f"{cls.__name__}.backward returned {len(grads)} gradients, but forward "
                f"took {n_args} positional inputs (return None for those without one)"
            )
        out: list[np.ndarray | None] = []
        for i, g in enumerate(grads):
            if i not in shapes:
                if g is not None:
                    raise RuntimeError(
                        f"{cls.__name__}.backward returned a gradient for input {i}, which "
                        "is not a Tensor; return None there"
                    )
                continue
            if g is None:
                out.append(None)
                continue
            g = np.asarray(g.data if isinstance(g, Tensor) else g)
            if g.shape != shapes[i]:
                raise RuntimeError(
                    f"{cls.__name__}.backward returned a gradient of shape {g.shape} for "
                    f"input {i}, which has shape {shapes[i]}"
                )
            out.append(g)
        return tuple(out)
        ### END SOLUTION

    return backward_fn
