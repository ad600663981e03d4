"""The reverse-mode engine: records graph nodes, then runs the backward pass.

tt-tensor calls `Engine.record` after each primitive whose inputs require a
gradient, and `Engine.backward` from `Tensor.backward`. The backward pass:

1. seeds the output gradient (ones for a one-element tensor);
2. counts, for every node reachable from the output, how many edges lead into
   it from other nodes (`_count_consumers`): a node may only pass its gradient
   on once *all* its consumers have added theirs (b = a + a; c = b * b);
3. processes nodes in that order (Kahn's topological sort, with an explicit
   list instead of recursion, so a 10 000-op chain is fine): call the node's
   rule, send each input's gradient to the input's node, or add it into
   `.grad` if the input is a leaf;
4. releases every processed node (unless `retain_graph`), dropping its saved
   arrays, so memory does not grow from one training step to the next.

Before a rule runs, its node checks the versions of the values the rule reads
(`Node.check_versions`): an in-place op that overwrote one of them since the
forward pass makes backward raise instead of returning a wrong gradient. The
backward pass runs under `np.errstate(all="ignore")`: inf and nan gradients
appear silently, as in PyTorch.

Cost: one rule call per node; the extra memory is one gradient array per
node whose consumers have not all reported yet.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping
from typing import Any

import numpy as np
from tinytorch.tensor import Tensor

from .grad_mode import is_grad_enabled
from .node import Node, OpContext
from .rules import RULES, Rule
from .rules.registry import READS_ALL


@functools.cache
def node_name(op: str) -> str:
    """The name people see in `grad_fn`: "matmul" -> "MatmulBackward"."""
    return op.title().replace("_", "") + "Backward"


def attach(out: Tensor, node: Node) -> None:
    """Make `node` the grad_fn of `out` and mark `out` as requiring a gradient."""
    out.requires_grad = True
    out._node = node


def _shape_str(shape: tuple[int, ...]) -> str:
    return str(tuple(shape))


def _seed(root: Tensor, gradient: Any) -> np.ndarray:
    """The gradient of the output with respect to itself: given, or ones for a scalar."""
    ### BEGIN SOLUTION
    if gradient is None:
        if root.data.size != 1:
            raise RuntimeError(
                "backward: grad can be implicitly created only for scalar outputs; this "
                f"tensor has shape {_shape_str(root.data.shape)}: call .sum() first or pass "
                "backward(gradient) with that shape"
            )
        return np.ones_like(root.data)
    g = gradient.data if isinstance(gradient, Tensor) else np.asarray(gradient)
    if g.shape != root.data.shape:
        raise RuntimeError(
            f"backward: gradient has shape {_shape_str(g.shape)} but the tensor has "
            f"shape {_shape_str(root.data.shape)}"
        )
    return g.astype(root.data.dtype, copy=False)
    ### END SOLUTION


def _accumulate(leaf: Tensor, g: np.ndarray) -> None:
    """Add `g` into `leaf.grad` (a new Tensor of the leaf's dtype; never shared)."""
    ### BEGIN SOLUTION
    g = np.asarray(g)
    if leaf.grad is None:
        # A copy (rules may return shared views), in the leaf's own memory layout,
        # so optimizers combine weight and gradient without strided passes.
        total = np.empty_like(leaf.data)
        np.copyto(total, g)
    else:
        total = (leaf.grad.data + g).astype(leaf.data.dtype, copy=False)
    leaf.grad = Tensor._wrap(total)
    ### END SOLUTION


def _edges(node: Node) -> tuple[tuple[int, Tensor, Node | None], ...]:
    """(position, input, input's node when the op ran) for each input needing a gradient."""
    node.check_alive()
    return node.edges


def _count_consumers(root: Node) -> dict[int, int]:
    """For every node reachable from `root`: how many graph edges point into it."""
    ### BEGIN SOLUTION
    consumers: dict[int, int] = {id(root): 0}
    stack = [root]
    while stack:  # iterative depth-first walk: no recursion limit
        node = stack.pop()
        for _, _t, child in _edges(node):
            if child is None:
                continue
            key = id(child)
            if key not in consumers:
                consumers[key] = 0
                stack.append(child)
            consumers[key] += 1
    return consumers
    ### END SOLUTION


def _check_grad(node: Node, i: int, t: Tensor, g: np.ndarray) -> np.ndarray:
    g = np.asarray(g)
    if g.shape != t.data.shape:
        raise RuntimeError(
            f"autograd: {node.name} returned a gradient of shape {_shape_str(g.shape)} "
            f"for input {i}, which has shape {_shape_str(t.data.shape)}"
        )
    return g


def run_backward(root: Tensor, gradient: Any = None, retain_graph: bool = False) -> None:
    """Backpropagate from `root`, adding d root / d leaf into each leaf's `.grad`."""
    ### BEGIN SOLUTION
    if not root.requires_grad:
        raise RuntimeError(
            "backward: the tensor does not require grad and has no grad_fn (was it "
            "computed under no_grad, or from tensors with requires_grad=False?)"
        )
    seed = _seed(root, gradient)
    top = root._node
    if top is None:  # backward on a leaf: d x / d x = 1
        _accumulate(root, seed)
        return
    consumers = _count_consumers(top)
    with np.errstate(all="ignore"):  # inf/nan gradients, silently (as PyTorch)
        _run_nodes(top, seed, consumers, retain_graph)
    ### END SOLUTION


def _run_nodes(top: Node, seed: np.ndarray, consumers: dict[int, int], retain: bool) -> None:
    """Process the nodes in topological order from `top`, see `run_backward`."""
    ### BEGIN SOLUTION
    pending: dict[int, np.ndarray] = {id(top): seed}  # gradients not yet passed on
    ready = [top]
    while ready:
        node = ready.pop()
        inputs = node.check_alive()
        grad = pending.pop(id(node), None)  # None: no consumer sent a gradient
        if grad is None:
            grads: tuple[Any, ...] = (None,) * len(inputs)
        else:
            if node.versions:
                node.check_versions()
            grads = tuple(node.backward_fn(node.ctx, grad))
            if len(grads) != len(inputs):
                raise RuntimeError(
                    f"autograd: {node.name} returned {len(grads)} gradients for "
                    f"{len(inputs)} inputs"
                )
        for i, t, child in _edges(node):
            g = None if grads[i] is None else _check_grad(node, i, t, grads[i])
            if child is None:  # a leaf: its gradient is final
                if g is not None:
                    _accumulate(t, g)
                continue
            key = id(child)
            if g is not None:
                pending[key] = g if key not in pending else pending[key] + g
            consumers[key] -= 1
            if consumers[key] == 0:  # every consumer has reported
                ready.append(child)
        if not retain:
            node.release()
    ### END SOLUTION


class Engine:
    """The gradient engine of tinytorch.autograd (tt-tensor's `GradEngine` protocol)."""

    def __init__(self, rules: Mapping[str, Rule] = RULES) -> None:
        self.rules = rules
        # (op, needs_input_grad) -> positions of the values the rule reads (-1: output)
        self._reads: dict[tuple[str, tuple[bool, ...]], tuple[int, ...]] = {}

    def is_grad_enabled(self) -> bool:
        """Whether grad mode is on (tt-tensor asks before an in-place op)."""
        return is_grad_enabled()

    def _positions(self, op: str, rule: Rule, needs: tuple[bool, ...]) -> tuple[int, ...]:
        """The values `rule` reads for these `needs`, from its `saves` (cached)."""
        key = (op, needs)
        found = self._reads.get(key)
        if found is None:
            saves = getattr(rule, "saves", READS_ALL)
            if saves == READS_ALL:
                found = (*range(len(needs)), -1)
            else:
                picked = []
                for item in saves:
                    what, when = item if isinstance(item, tuple) else (item, None)
                    if when is None or needs[when]:
                        picked.append(-1 if what == "out" else int(what))
                found = tuple(dict.fromkeys(picked))
            self._reads[key] = found
        return found

    def record(
        self, op: str, out: Tensor, inputs: tuple[Tensor, ...], attrs: dict[str, Any]
    ) -> None:
        """Attach a node for primitive `op` to `out` (nothing under `no_grad`)."""
        ### BEGIN SOLUTION
        if not is_grad_enabled():
            return
        rule = self.rules.get(op)
        if rule is None:
            raise NotImplementedError(
                f"autograd: no backward rule for primitive {op!r}; known: {sorted(self.rules)}"
            )
        needs = tuple([bool(t.requires_grad) for t in inputs])  # a list: faster than a genexpr
        ctx = OpContext(tuple([t.data for t in inputs]), out.data, attrs, needs)
        reads = self._reads.get((op, needs))
        if reads is None:
            reads = self._positions(op, rule, needs)
        versions = ()
        if reads:  # the version of every value the rule will read
            counters = [(p, (out if p < 0 else inputs[p])._version_counter) for p in reads]
            versions = tuple([(p, c, c[0]) for p, c in counters])
        attach(out, Node(node_name(op), rule, tuple(inputs), ctx, versions))
        ### END SOLUTION

    def backward(self, tensor: Tensor, gradient: Any = None, retain_graph: bool = False) -> None:
        """Run the backward pass from `tensor` (what `Tensor.backward` calls)."""
        run_backward(tensor, gradient, retain_graph=retain_graph)


def backward(tensor: Tensor, gradient: Any = None, retain_graph: bool = False) -> None:
    """Backpropagate from `tensor`, like `tensor.backward(gradient)`, with `retain_graph`.

    gradient: d loss / d tensor, same shape as `tensor`; may be omitted for a
    one-element tensor (it is then 1). retain_graph: keep the graph's saved
    arrays so a second backward through it works (costs their memory).
    """
    run_backward(tensor, gradient, retain_graph=retain_graph)
