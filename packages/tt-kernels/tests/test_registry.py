"""KERNELS: every fused kernel equals its composite twin (values and gradients, float64),
passes gradcheck, and is one primitive where the twin is several."""

from __future__ import annotations

import numpy as np
import pytest
from tinytorch.autograd import gradcheck
from tinytorch.kernels import KERNELS, Kernel, bias_relu
from tinytorch.tensor import Tensor, observe_ops
from tt_testing import assert_close

NAMES = ["bias_relu", "gelu", "softmax_cross_entropy", "layer_norm", "attention_softmax"]


def run(fn, args, leaves, seed=5):
    """fn(*args), backward with a random upstream gradient: [output, leaf gradients...]."""
    for leaf in leaves:
        leaf.grad = None
    out = fn(*args)
    out.backward(Tensor(np.random.default_rng(seed).standard_normal(out.shape)))
    return [out.data.copy()] + [leaf.grad.data.copy() for leaf in leaves]


def test_the_table_holds_the_five_kernels_of_the_course() -> None:
    assert list(KERNELS) == NAMES
    for name, kernel in KERNELS.items():
        assert isinstance(kernel, Kernel) and kernel.name == name
        assert kernel.fused is not kernel.composite
    assert KERNELS["bias_relu"].fused is bias_relu
    assert {k.source for k in KERNELS.values()} == {
        "tt-kernels", "tt-transformers", "tt-normalization", "tt-attention"}


@pytest.mark.parametrize("name", NAMES)
def test_fused_equals_composite_values_and_gradients(name: str) -> None:
    kernel = KERNELS[name]
    args, leaves = kernel.example(np.random.default_rng(0), np.float64, False)
    assert leaves and all(leaf.dtype == np.float64 for leaf in leaves)
    fused = run(kernel.fused, args, leaves)
    twin = run(kernel.composite, args, leaves)
    for a, b in zip(fused, twin, strict=True):
        assert_close(a, b, rtol=1e-9, atol=1e-12)
    assert any(np.abs(g).max() > 0 for g in fused[1:])  # a gradient flowed


@pytest.mark.parametrize("name", NAMES)
def test_fused_gradcheck_float64(name: str) -> None:
    kernel = KERNELS[name]
    args, _ = kernel.example(np.random.default_rng(1), np.float64, False)
    if name == "bias_relu":  # keep x + bias off the kink at 0
        x = args[0].data
        x += np.sign(x + args[1].data) * 0.3
    assert gradcheck(kernel.fused, args)


@pytest.mark.parametrize("name", NAMES)
def test_fused_is_one_primitive_the_twin_several(name: str) -> None:
    kernel = KERNELS[name]
    args, _ = kernel.example(np.random.default_rng(2), np.float64, False)
    ops = []
    for fn in (kernel.fused, kernel.composite):
        seen: list[str] = []
        with observe_ops(lambda event, seen=seen: seen.append(event.op)):
            fn(*args)
        ops.append(seen)
    # the fused kernel may flatten its input first (a view), then computes in ONE node
    fused = [op for op in ops[0] if op != "reshape"]
    assert len(fused) == 1 and fused[0] not in ops[1], ops
    assert len([op for op in ops[1] if op != "reshape"]) >= 2, ops


@pytest.mark.parametrize("name", NAMES)
def test_float32_examples_stay_float32(name: str) -> None:
    kernel = KERNELS[name]
    args, leaves = kernel.example(np.random.default_rng(3), np.float32, False)
    fused = run(kernel.fused, args, leaves)
    twin = run(kernel.composite, args, leaves)
    for a, b in zip(fused, twin, strict=True):
        assert a.dtype == np.float32
        assert_close(a, b, rtol=1e-4, atol=1e-5)


def test_large_examples_are_the_gpt_2018_shapes() -> None:
    shapes = {}
    for name, kernel in KERNELS.items():
        _, leaves = kernel.example(np.random.default_rng(0), np.float32, True)
        shapes[name] = leaves[0].shape
    assert shapes == {"bias_relu": (2048, 512), "gelu": (2048, 512),
                      "softmax_cross_entropy": (2048, 65), "layer_norm": (2048, 128),
                      "attention_softmax": (32, 4, 64, 32)}
