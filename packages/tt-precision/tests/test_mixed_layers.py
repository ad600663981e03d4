"""MixedLinear and MixedConv2d: float64 gradchecks, half-precision values, what they save."""

from __future__ import annotations

import numpy as np
import pytest
from tinytorch.autograd import gradcheck
from tinytorch.layers import Linear
from tinytorch.precision import (
    MixedConv2d,
    MixedLinear,
    graph_memory,
    mixed_conv2d,
    mixed_linear,
    round_bfloat16,
)
from tinytorch.spatial import Conv2d, conv2d
from tinytorch.tensor import DTypeError, ShapeError, Tensor, manual_seed
from tt_testing import assert_close


def _r(rng: np.random.Generator, *shape: int, dtype=np.float64) -> np.ndarray:
    return rng.standard_normal(shape).astype(dtype)


def test_mixed_linear_gradcheck_float64() -> None:
    rng = np.random.default_rng(0)
    x, w, b = (Tensor(_r(rng, *s), requires_grad=True) for s in [(2, 3, 4), (5, 4), (5,)])
    assert gradcheck(lambda a, c, d: mixed_linear(a, c, d, "float64"), (x, w, b))
    assert gradcheck(lambda a, c: mixed_linear(a, c, None, "float64"), (x, w))


@pytest.mark.parametrize("fmt", ["float16", "bfloat16"])
def test_mixed_linear_half_values_and_gradients(fmt: str) -> None:
    rng = np.random.default_rng(1)
    x32, w32, b32, g32 = (_r(rng, *s, dtype=np.float32) for s in [(6, 4), (3, 4), (3,), (6, 3)])
    half = (lambda a: a.astype(np.float16).astype(np.float32)) if fmt == "float16" \
        else round_bfloat16
    x = Tensor(x32.astype(np.float16) if fmt == "float16" else half(x32), requires_grad=True)
    w, b = Tensor(w32, requires_grad=True), Tensor(b32, requires_grad=True)
    y = mixed_linear(x, w, b, fmt)
    assert y.dtype == (np.float16 if fmt == "float16" else np.float32)
    # the product of the half-rounded numbers, computed in float32, rounded once
    expected = half(half(x32) @ half(w32).T + b32)
    np.testing.assert_array_equal(np.asarray(y.data, np.float32), expected)
    gy = half(g32)
    (y * Tensor(gy.astype(y.dtype))).sum().backward()
    assert x.grad.dtype == x.dtype and w.grad.dtype == np.float32
    np.testing.assert_array_equal(np.asarray(x.grad.data, np.float32), half(gy @ half(w32)))
    assert_close(w.grad, gy.T @ half(x32), rtol=1e-6, atol=1e-6)
    assert_close(b.grad, gy.sum(0), rtol=1e-6, atol=1e-6)


def test_mixed_linear_saves_half_precision() -> None:
    rng = np.random.default_rng(2)
    w = Tensor(_r(rng, 64, 128, dtype=np.float32), requires_grad=True)
    x32 = Tensor(_r(rng, 32, 128, dtype=np.float32))
    x16 = Tensor(x32.data.astype(np.float16))
    plain = graph_memory(x32 @ w.transpose(0, 1), exclude=[w])
    mixed = graph_memory(mixed_linear(x16, w, None, "float16"), exclude=[w])
    # float32 matmul holds x (32*128*4 bytes) and its output (32*64*4); mixed holds x
    # in float16 and the float16 weight copy (64*128*2), nothing in float32
    assert plain.bytes == 32 * 128 * 4 + 32 * 64 * 4
    assert mixed.bytes == 32 * 128 * 2 + 64 * 128 * 2


def test_mixed_conv2d_gradcheck_float64() -> None:
    rng = np.random.default_rng(3)
    for kw in [dict(), dict(stride=2, padding=1), dict(padding=1, dilation=2, groups=2)]:
        groups = kw.get("groups", 1)
        x = Tensor(_r(rng, 2, 4, 6, 6), requires_grad=True)
        w = Tensor(_r(rng, 4, 4 // groups, 3, 3), requires_grad=True)
        b = Tensor(_r(rng, 4), requires_grad=True)
        geometry = (kw.get("stride", 1), kw.get("padding", 0), kw.get("dilation", 1), groups)
        assert gradcheck(lambda a, c, d, g=geometry: mixed_conv2d(a, c, d, *g, dtype="float64"),
                         (x, w, b))


@pytest.mark.parametrize("fmt", ["float16", "bfloat16"])
def test_mixed_conv2d_equals_conv2d_on_rounded_numbers(fmt: str) -> None:
    rng = np.random.default_rng(4)
    half = (lambda a: a.astype(np.float16).astype(np.float32)) if fmt == "float16" \
        else round_bfloat16
    x32, w32, b32 = half(_r(rng, 2, 3, 7, 7, dtype=np.float32)), _r(rng, 5, 3, 3, 3,
                                                                     dtype=np.float32), \
        _r(rng, 5, dtype=np.float32)
    flow = np.float16 if fmt == "float16" else np.float32
    x = Tensor(x32.astype(flow), requires_grad=True)
    w, b = Tensor(w32, requires_grad=True), Tensor(b32, requires_grad=True)
    y = mixed_conv2d(x, w, b, 1, 1, dtype=fmt)
    xr, wr = Tensor(x32, requires_grad=True), Tensor(half(w32), requires_grad=True)
    br = Tensor(b32, requires_grad=True)
    ref = conv2d(xr, wr, br, 1, 1)
    np.testing.assert_array_equal(np.asarray(y.data, np.float32), half(ref.data))
    g = half(_r(rng, *y.shape, dtype=np.float32))
    (y * Tensor(g.astype(flow))).sum().backward()
    (ref * Tensor(g)).sum().backward()
    assert x.grad.dtype == flow and w.grad.dtype == np.float32
    np.testing.assert_array_equal(np.asarray(x.grad.data, np.float32), half(xr.grad.data))
    assert_close(w.grad, wr.grad, rtol=1e-6, atol=1e-6)
    assert_close(b.grad, br.grad, rtol=1e-6, atol=1e-6)


def test_layers_share_parameters_and_check_input() -> None:
    manual_seed(0)
    lin, conv = Linear(4, 3), Conv2d(2, 3, 3, padding=1)
    ml, mc = MixedLinear.from_linear(lin), MixedConv2d.from_conv2d(conv)
    assert ml.weight is lin.weight and ml.bias is lin.bias
    assert mc.weight is conv.weight and mc.bias is conv.bias
    assert [n for n, _ in ml.named_parameters()] == ["weight", "bias"]
    assert ml(Tensor(np.ones((2, 4), np.float16))).shape == (2, 3)
    assert mc(Tensor(np.ones((2, 5, 5), np.float16))).shape == (3, 5, 5)  # unbatched
    assert "float16" in repr(ml) and "float16" in repr(mc)
    with pytest.raises(ShapeError, match="mixed_linear"):
        ml(Tensor(np.ones((2, 5), np.float16)))
    with pytest.raises(DTypeError, match="mixed_linear"):
        ml(Tensor(np.ones((2, 4), np.int64)))
    with pytest.raises(ShapeError, match="conv2d"):
        mc(Tensor(np.ones((1, 4, 5, 5), np.float16)))
    with pytest.raises(ShapeError, match="mixed_conv2d"):
        mc(Tensor(np.ones((5, 5), np.float16)))
