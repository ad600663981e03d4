"""FLOP counts: equal to hand formulas and to PyTorch's FlopCounterMode on the same shapes.

Models built from tt-layers (Linear, MLPs) run through the Profiler; the
formulas of the custom primitives of later modules (convolution, attention)
are checked on OpEvents of their shapes, against the hand formula and
against FlopCounterMode on PyTorch's conv2d and scaled_dot_product_attention
(its math backend: PyTorch 2.13's CPU flash kernel has no FLOP formula).
"""

from __future__ import annotations

import itertools

import numpy as np
import pytest
from tinytorch.autograd import Function
from tinytorch.benchmarking import (
    Profiler,
    attention_flops,
    conv2d_flops,
    flops_of,
    has_flop_formula,
    matmul_flops,
    register_flops,
)
from tinytorch.layers import Linear, Sequential
from tinytorch.tensor import OpEvent, Tensor, manual_seed, matmul
from tt_testing import torch_or_skip


def torch_flops(fn):
    """FlopCounterMode's total for `fn()`, attention on PyTorch's math backend."""
    torch = torch_or_skip()
    from torch.nn.attention import SDPBackend, sdpa_kernel
    from torch.utils.flop_counter import FlopCounterMode

    with sdpa_kernel(SDPBackend.MATH), FlopCounterMode(display=False) as counter:
        fn(torch)
    return counter.get_total_flops()


def profiled_flops(model, x):
    with Profiler(model) as prof:
        model(x)
    return prof.report()["flops"]


def mlp(sizes):
    manual_seed(0)
    return Sequential(*[Linear(a, b) for a, b in itertools.pairwise(sizes)])


def to_torch(torch, model):
    layers = []
    for layer in model:
        lin = torch.nn.Linear(layer.in_features, layer.out_features)
        lin.load_state_dict({k: torch.from_numpy(v) for k, v in layer.state_dict().items()})
        layers.append(lin)
    return torch.nn.Sequential(*layers)


@pytest.mark.parametrize("shape", [(3, 5), (2, 4, 5), (5,)])
def test_linear_counts_2_batch_in_out(shape):
    model = mlp([5, 7])
    x = Tensor(np.ones(shape, np.float32))
    batch = int(np.prod(shape[:-1]))
    flops = profiled_flops(model, x)
    assert flops["total"] == 2 * batch * 5 * 7
    assert flops["by_op"]["matmul"] == 2 * batch * 5 * 7
    assert flops["by_op"]["add"] == 0  # the bias: FlopCounterMode's addmm counts 2*m*n*k


@pytest.mark.parametrize("shape", [(3, 5), (2, 4, 5)])  # (5,) differs: torch's mv counts 0
def test_linear_equals_flopcountermode(shape):
    model = mlp([5, 7])
    x = np.ones(shape, np.float32)
    expected = torch_flops(lambda torch: to_torch(torch, model)(torch.from_numpy(x)))
    assert profiled_flops(model, Tensor(x))["total"] == expected == 2 * np.prod(shape[:-1]) * 35


def test_mlp_equals_hand_formula_and_flopcountermode():
    sizes = [784, 128, 64, 10]
    model = mlp(sizes)
    x = np.zeros((16, 784), np.float32)
    hand = sum(2 * 16 * a * b for a, b in itertools.pairwise(sizes))
    assert profiled_flops(model, Tensor(x))["total"] == hand == 2 * 16 * (784 * 128 + 128 * 64
                                                                          + 64 * 10)
    assert torch_flops(lambda torch: to_torch(torch, model)(torch.from_numpy(x))) == hand


@pytest.mark.parametrize("a, b", [((2, 3, 4, 5), (5, 6)), ((2, 1, 4, 5), (3, 5, 6)),
                                  ((4, 5), (2, 5, 3))])
def test_batched_matmul_counts_2_batch_n_k_m(a, b):
    x, y = np.ones(a, np.float32), np.ones(b, np.float32)
    out_shape = (*np.broadcast_shapes(a[:-2], b[:-2]), a[-2], b[-1])
    hand = 2 * int(np.prod(out_shape)) * a[-1]
    with Profiler() as prof:
        matmul(Tensor(x), Tensor(y))
    assert prof.report()["flops"]["total"] == hand
    assert torch_flops(lambda torch: torch.from_numpy(x) @ torch.from_numpy(y)) == hand


def test_vector_products_count_2nk():
    # documented difference: FlopCounterMode has no formula for aten.mv and aten.dot
    with Profiler() as prof:
        matmul(Tensor(np.ones((3, 5))), Tensor(np.ones(5)))
        matmul(Tensor(np.ones(5)), Tensor(np.ones(5)))
    assert prof.report()["flops"]["total"] == 2 * 3 * 5 + 2 * 5


def event(op, inputs, out_shape):
    return OpEvent(op, tuple(np.zeros(s, np.float32) for s in inputs),
                   np.zeros(out_shape, np.float32), {}, 0.0)


@pytest.mark.parametrize("n, c, o, hw, k, stride, pad, groups", [
    (2, 3, 6, 9, 3, 1, 0, 1), (2, 3, 6, 9, 3, 2, 1, 1), (1, 4, 6, 8, 3, 1, 1, 2),
    (3, 1, 8, 12, 5, 1, 2, 1),
])
def test_conv2d_formula_equals_hand_and_flopcountermode(n, c, o, hw, k, stride, pad, groups):
    oh = (hw + 2 * pad - k) // stride + 1
    ev = event("Conv2dFunction", [(n, c, hw, hw), (o, c // groups, k, k), (o,)],
               (n, o, oh, oh))
    hand = 2 * n * o * oh * oh * (c // groups) * k * k
    assert conv2d_flops(ev) == flops_of(ev) == hand

    def run(torch):
        torch.nn.functional.conv2d(torch.zeros(n, c, hw, hw), torch.zeros(o, c // groups, k, k),
                                   torch.zeros(o), stride=stride, padding=pad, groups=groups)
    assert torch_flops(run) == hand


@pytest.mark.parametrize("batch, l, s, e, ev", [((2, 4), 8, 8, 16, 16), ((3,), 5, 7, 4, 6),
                                                ((), 6, 6, 8, 8)])
def test_attention_formula_equals_hand_and_flopcountermode(batch, l, s, e, ev):
    event_ = event("AttentionFunction", [(*batch, l, e), (*batch, s, e), (*batch, s, ev)],
                   (*batch, l, ev))
    b = int(np.prod(batch))
    hand = 2 * b * l * s * e + 2 * b * l * s * ev
    assert attention_flops(event_) == flops_of(event_) == hand

    def run(torch):
        torch.nn.functional.scaled_dot_product_attention(
            torch.zeros(*batch, l, e), torch.zeros(*batch, s, e), torch.zeros(*batch, s, ev))
    assert torch_flops(run) == hand


def test_matmul_formula_on_an_event():
    assert matmul_flops(event("matmul", [(4, 3), (3, 2)], (4, 2))) == 2 * 4 * 3 * 2
    assert flops_of(event("exp", [(4, 3)], (4, 3))) == 0  # no formula: 0, as FlopCounterMode


class Scale3(Function):
    """A custom primitive: 3 * x (one multiply per element)."""

    @staticmethod
    def forward(ctx, x):
        return 3 * x

    @staticmethod
    def backward(ctx, grad):
        return 3 * grad


def test_a_custom_primitive_is_listed_until_its_formula_is_registered():
    x = Tensor(np.ones((4, 5), np.float32))
    assert not has_flop_formula(Scale3)
    with Profiler() as prof:
        Scale3.apply(x)
    report = prof.report()
    assert report["no_formula"] == ["Scale3"] and report["flops"]["total"] == 0
    register_flops(Scale3, lambda ev: ev.output.size)
    try:
        assert has_flop_formula("Scale3")
        with Profiler() as prof:
            Scale3.apply(x)
        assert prof.report()["flops"]["by_op"] == {"Scale3": 20}
        assert prof.report()["no_formula"] == []
    finally:
        register_flops(Scale3, None)
    assert not has_flop_formula(Scale3)


def test_register_flops_errors():
    with pytest.raises(TypeError, match="register_flops: op must be"):
        register_flops(42, lambda ev: 0)
    with pytest.raises(TypeError, match="formula for 'x' must be callable"):
        register_flops("x", 3)
    register_flops("bad_op", lambda ev: -1)
    try:
        with pytest.raises(ValueError, match="formula for 'bad_op' returned -1"):
            flops_of(event("bad_op", [(2,)], (2,)))
        register_flops("bad_op", lambda ev: 2.5)
        with pytest.raises(ValueError, match="non-negative int"):
            flops_of(event("bad_op", [(2,)], (2,)))
    finally:
        register_flops("bad_op", None)
