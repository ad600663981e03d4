"""A graph node: one recorded operation, waiting for its output's gradient.

When a primitive runs on a tensor that requires a gradient, the engine stores
a `Node` in the output's `_node` slot (read back as `out.grad_fn`). The node
keeps exactly what the backward pass needs:

- `inputs`: the input tensors, so the engine can walk to their own nodes or,
  for leaves, add into their `.grad`;
- `ctx`: the context the backward rule reads (input arrays, output array,
  attrs, which inputs need a gradient), or a `Function`'s own context;
- `backward_fn(ctx, grad)`: the rule, giving one gradient per input;
- `edges`: for each input that requires a gradient, the input and the node
  it had *when this op ran*. An in-place op later moves a tensor on to a new
  node (`y += 1`), but this op used the old value, so its gradient must flow
  to the old node;
- `versions`: the version counters of the tensors whose values the rule
  reads, with the version each had. An in-place write in between bumps the
  counter, and `check_versions` then refuses to compute a wrong gradient.

Memory: a node holds references, not copies, but those references keep every
saved array alive until the backward pass frees the node. That is why a
training step's graph costs about as much memory as its activations, and why
`no_grad` (no nodes at all) is cheaper for evaluation.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

FREED_MESSAGE = (
    "Trying to backward through the graph a second time (or to read saved values "
    "after they were freed). The first backward pass freed the saved arrays of "
    "{name}; call backward(..., retain_graph=True) the first time if you need to "
    "backward through the same graph again."
)


class OpContext:
    """What a primitive's backward rule reads.

    inputs: the input arrays (the tensors' `.data` when the op ran);
    out: the output array; attrs: the op's non-tensor arguments;
    needs_input_grad: one bool per input, so a rule can skip work for inputs
    that need no gradient (a constant, a Python scalar).
    """

    __slots__ = ("attrs", "inputs", "needs_input_grad", "out")

    def __init__(
        self,
        inputs: tuple[np.ndarray, ...],
        out: np.ndarray,
        attrs: dict[str, Any],
        needs_input_grad: tuple[bool, ...],
    ) -> None:
        self.inputs = inputs
        self.out = out
        self.attrs = attrs
        self.needs_input_grad = needs_input_grad


BackwardFn = Callable[[Any, np.ndarray], tuple["np.ndarray | None", ...]]

MODIFIED_MESSAGE = (
    "one of the variables needed for gradient computation has been modified by an "
    "inplace operation: [{name}] {what} is at version {now}; expected version "
    "{expected} instead."
)

# One saved value: (position: input index, or -1 for the output; its tensor's
# version counter, a one-element list shared with views; the version it had).
SavedVersion = tuple[int, list[int], int]


class Node:
    """One operation of the graph (what `tensor.grad_fn` returns).

    `name` is for people (`MulBackward`); `inputs` are the input tensors;
    `backward_fn(ctx, grad)` returns one gradient array (or None) per input.
    After a backward pass without `retain_graph` the node is *released*: it
    drops its inputs and its context, and a second backward through it raises.
    """

    __slots__ = (
        "__weakref__", "backward_fn", "ctx", "edges", "inputs", "name", "next_nodes", "versions"
    )

    def __init__(
        self,
        name: str,
        backward_fn: BackwardFn,
        inputs: tuple[Any, ...],
        ctx: Any,
        versions: tuple[SavedVersion, ...] = (),
    ):
        self.name = name
        self.backward_fn = backward_fn
        self.inputs: tuple[Any, ...] | None = inputs
        self.ctx = ctx
        self.versions = versions
        # The graph as it is now, before any in-place op moves an input on.
        self.next_nodes: tuple[Any, ...] = tuple([t._node for t in inputs])
        self.edges: tuple[tuple[int, Any, Any], ...] = tuple(
            [(i, t, t._node) for i, t in enumerate(inputs) if t.requires_grad]
        )

    @property
    def freed(self) -> bool:
        """True once a backward pass released this node's inputs and saved arrays."""
        return self.inputs is None

    def check_versions(self) -> None:
        """Raise if a value the rule reads was changed in place since the op ran."""
        for where, counter, expected in self.versions:
            if counter[0] != expected:
                what = "output 0" if where < 0 else f"input {where}"
                raise RuntimeError(
                    MODIFIED_MESSAGE.format(
                        name=self.name, what=what, now=counter[0], expected=expected
                    )
                )

    def check_alive(self) -> tuple[Any, ...]:
        """The input tensors, or a clear RuntimeError if the node was released."""
        if self.inputs is None:
            raise RuntimeError(FREED_MESSAGE.format(name=self.name))
        return self.inputs

    def release(self) -> None:
        """Drop the references to inputs and saved arrays, so their memory can go."""
        ### BEGIN SOLUTION
        release_ctx = getattr(self.ctx, "_release", None)  # a Function's ctx
        if release_ctx is not None:
            release_ctx()
        self.inputs = None
        self.ctx = None
        self.edges = ()
        self.next_nodes = ()
        self.versions = ()
        ### END SOLUTION

    @property
    def next_functions(self) -> tuple[Any, ...]:
        """The nodes of the inputs (None for leaves and constants), to explore a graph."""
        self.check_alive()
        return self.next_nodes

    def __repr__(self) -> str:
        state = ", freed" if self.freed else ""
        return f"<{self.name}{state}>"
