"""graph_memory: how many bytes the autograd graph of an output keeps alive.

Training memory is mostly activations: every op of the forward pass keeps
some arrays until backward has used them (its inputs, its output, or what a
`Function` saved). This walks the graph from an output (`grad_fn`, then
`next_functions`), collects every array a node holds, counts each memory
buffer once (views of one array share it) and leaves out the arrays of the
tensors in `exclude` (pass the model's parameters: they are weights, not
activations). The figure is therefore exact and specific: the bytes of
distinct NumPy buffers held by the graph's nodes at the moment of the call
(after the forward pass, before backward), not the process's peak memory,
which also has temporaries and allocator caches.

It reads the node fields the reference engine documents (tt-autograd's
node.py): `inputs` (the input tensors), `ctx` (an op context with `inputs`
and `out`, or a Function's context with `saved_tensors`) and
`next_functions`. Cost: one visit per node and per held array.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from tinytorch.tensor import Tensor


def _root(a: np.ndarray) -> np.ndarray:
    """The array that owns `a`'s memory (a view's base, followed to the end)."""
    while isinstance(a.base, np.ndarray):
        a = a.base
    return a


def _held(node: Any) -> list[np.ndarray]:
    """Every array a node keeps: its input tensors' data and its context's arrays."""
    arrays = [t.data for t in (getattr(node, "inputs", None) or ()) if isinstance(t, Tensor)]
    ctx = getattr(node, "ctx", None)
    if ctx is None:
        return arrays
    if hasattr(ctx, "saved_tensors"):
        values: Iterable[Any] = ctx.saved_tensors
    else:
        values = [*(getattr(ctx, "inputs", None) or ()), getattr(ctx, "out", None)]
    arrays += [v for v in values if isinstance(v, np.ndarray)]
    return arrays


@dataclass
class GraphMemory:
    """What `graph_memory` found: total bytes, bytes by node name, nodes and buffers."""

    bytes: int = 0
    by_node: dict[str, int] = field(default_factory=dict)
    nodes: int = 0
    buffers: int = 0

    def __str__(self) -> str:
        top = sorted(self.by_node.items(), key=lambda kv: -kv[1])
        parts = ", ".join(f"{name} {b / 1e6:.3f} MB" for name, b in top)
        return (f"{self.bytes / 1e6:.3f} MB in {self.buffers} buffers held by "
                f"{self.nodes} nodes ({parts})")


def graph_memory(output: Tensor, exclude: Iterable[Tensor] = ()) -> GraphMemory:
    """Bytes of the distinct arrays held by the graph of `output` (see the module docstring).

    Raises ValueError when `output` has no graph (computed under no_grad, or
    from tensors that need no gradient).
    """
    if not isinstance(output, Tensor):
        raise TypeError(f"graph_memory: expected a Tensor, got {type(output).__name__}")
    top = output.grad_fn
    if top is None:
        raise ValueError("graph_memory: the tensor has no graph (grad_fn is None): it was "
                         "computed under no_grad or from tensors that need no gradient")
    ### BEGIN SOLUTION
    skip = {id(_root(t.data)) for t in exclude}
    seen_nodes, seen_buffers = {id(top)}, set(skip)
    result = GraphMemory()
    stack = [top]
    while stack:
        node = stack.pop()
        result.nodes += 1
        name = getattr(node, "name", type(node).__name__)
        for a in _held(node):
            root = _root(a)
            if id(root) in seen_buffers:
                continue
            seen_buffers.add(id(root))
            result.buffers += 1
            result.bytes += root.nbytes
            result.by_node[name] = result.by_node.get(name, 0) + root.nbytes
        for child in node.next_functions:
            if child is not None and id(child) not in seen_nodes:
                seen_nodes.add(id(child))
                stack.append(child)
    return result
    ### END SOLUTION
