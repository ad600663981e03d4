"""FLOP formulas: how many floating-point operations one primitive did, from its shapes.

A FLOP count is the profiler's measure of *work*, independent of how fast
the machine did it: time / FLOPs is the speed (GFLOP/s), and the fraction of
the machine's peak tells how much room is left. Counting is done from the
shapes the op observers report (`OpEvent.inputs`, `OpEvent.output`), never
by running anything.

The convention is PyTorch's `torch.utils.flop_counter.FlopCounterMode`, so
the numbers compare one to one with PyTorch's:

- one multiply-add counts as 2 FLOPs;
- only matrix products, convolutions and attention are counted. Every other
  op (add, exp, softmax, LayerNorm, GELU, the loss, pooling, reshapes)
  counts 0: in a network they are a few percent of the work, and their cost
  is memory traffic, not arithmetic (the profiler's time column shows them).

The formulas (one per op name, as the observers report it):

    matmul            (..., n, k) @ (..., k, m) -> (..., n, m)
                      2 * batch * n * k * m  =  2 * out.size * k
                      (a 1-D operand counts as n = 1 or m = 1; FlopCounterMode
                      counts matrix-vector and vector-vector products, aten.mv
                      and aten.dot, as 0: there the two counts differ)
    Conv2dFunction    x (N, C, H, W), weight (O, C/groups, KH, KW) -> (N, O, OH, OW)
                      2 * N * O * OH * OW * (C/groups) * KH * KW
                      =  2 * out.size * weight[0].size   (bias adds count 0)
    AttentionFunction q (..., L, E), k (..., S, E), v (..., S, Ev) -> (..., L, Ev)
                      2 * batch * L * S * E  (Q K^T)  +  2 * batch * L * S * Ev  (P V)
                      (a causal mask saves nothing: the masked half is computed)

The keys are the names the reference packages report: tt-tensor's
`matmul`, tt-spatial's `Conv2dFunction`, tt-attention's `AttentionFunction`
(custom primitives report their `Function` class name). A package with
another primitive that does arithmetic registers its formula with
`register_flops`; until then it counts 0, and the profiler lists it among
the ops without a formula so the gap is visible.
"""

from __future__ import annotations

import numbers
from collections.abc import Callable

from tinytorch.autograd import Function
from tinytorch.tensor import OpEvent

FlopFormula = Callable[[OpEvent], int]


def matmul_flops(event: OpEvent) -> int:
    """2 * batch * n * k * m for `a @ b`: one multiply and one add per term of each dot product."""
    ### BEGIN SOLUTION
    a = event.inputs[0]
    k = a.shape[-1]  # the inner dimension (a's only one when a is 1-D)
    return 2 * int(event.output.size) * int(k)
    ### END SOLUTION


def conv2d_flops(event: OpEvent) -> int:
    """2 * N * O * OH * OW * (C/groups) * KH * KW: every output sums C/groups * KH * KW products."""
    ### BEGIN SOLUTION
    weight = event.inputs[1]  # (O, C/groups, KH, KW)
    per_output = int(weight.size) // int(weight.shape[0])  # (C/groups) * KH * KW
    return 2 * int(event.output.size) * per_output
    ### END SOLUTION


def attention_flops(event: OpEvent) -> int:
    """2 * batch * L * S * (E + Ev): the scores Q K^T and the weighted sum P V."""
    ### BEGIN SOLUTION
    q, k = event.inputs[0], event.inputs[1]
    out = event.output  # (..., L, Ev)
    rows = int(out.size) // int(out.shape[-1])  # batch * L
    s, e, ev = int(k.shape[-2]), int(q.shape[-1]), int(out.shape[-1])
    return 2 * rows * s * e + 2 * rows * s * ev
    ### END SOLUTION


_FORMULAS: dict[str, FlopFormula] = {
    "matmul": matmul_flops,
    "Conv2dFunction": conv2d_flops,
    "AttentionFunction": attention_flops,
}


def _op_name(op: str | type[Function], where: str) -> str:
    """An op name from a string or a Function subclass (which reports its class name)."""
    if isinstance(op, type) and issubclass(op, Function):
        return op.__name__
    if isinstance(op, str) and op:
        return op
    raise TypeError(f"{where}: op must be an op name (str) or a Function subclass, "
                    f"got {op!r}")


def register_flops(op: str | type[Function], formula: FlopFormula | None) -> None:
    """Count `op`'s FLOPs with `formula(event) -> int` (None removes the formula).

    `op` is the name the observers report: a tt-tensor primitive ("matmul")
    or a `Function` subclass (its class name), so a package that adds a
    primitive doing arithmetic (a fused linear layer, a blocked matmul)
    makes the profiler count it: `register_flops(MyLinearFunction, f)`.
    """
    name = _op_name(op, "register_flops")
    if formula is None:
        _FORMULAS.pop(name, None)
        return
    if not callable(formula):
        raise TypeError(f"register_flops: formula for {name!r} must be callable "
                        f"(event -> int), got {type(formula).__name__}")
    _FORMULAS[name] = formula


def has_flop_formula(op: str | type[Function]) -> bool:
    """Is there a formula for `op`? (Without one it counts 0 FLOPs.)"""
    return _op_name(op, "has_flop_formula") in _FORMULAS


def flops_of(event: OpEvent) -> int:
    """The FLOPs of one observed primitive: its formula's count, 0 without a formula."""
    formula = _FORMULAS.get(event.op)
    if formula is None:
        return 0
    count = formula(event)
    if isinstance(count, bool) or not isinstance(count, numbers.Integral) or count < 0:
        raise ValueError(f"flops_of: the formula for {event.op!r} returned {count!r}; "
                         "a FLOP count is a non-negative int")
    return int(count)
