"""QuantizedLinear / QuantizedConv2d: storage, float32 numbers, input fake-quantisation."""

from __future__ import annotations

import numpy as np
import pytest
from tinytorch.compression import (
    QuantizationError,
    QuantizedConv2d,
    QuantizedLinear,
    calibrate,
    fake_quantize,
    quantize,
)
from tinytorch.layers import Linear
from tinytorch.spatial import Conv2d, conv2d
from tinytorch.tensor import ShapeError, Tensor, manual_seed
from tt_testing import assert_close, torch_or_skip


def linear(in_features=12, out_features=5, bias=True) -> Linear:
    manual_seed(0)
    return Linear(in_features, out_features, bias=bias)


def conv(**kw) -> Conv2d:
    manual_seed(1)
    return Conv2d(4, 6, 3, **kw)


def rounded_weight(weight: np.ndarray, bits: int, per_channel: bool) -> np.ndarray:
    """What the layer should compute with: the weight through quantize and dequantize."""
    return fake_quantize(weight, calibrate(weight, bits=bits, axis=0 if per_channel else None))


@pytest.mark.parametrize("bits", [8, 4])
@pytest.mark.parametrize("per_channel", [True, False])
def test_linear_computes_with_the_rounded_weight(bits, per_channel) -> None:
    lin = linear()
    q = QuantizedLinear.from_float(lin, bits=bits, per_channel=per_channel)
    x = np.random.default_rng(0).normal(size=(7, 12)).astype(np.float32)
    w = rounded_weight(lin.weight.data, bits, per_channel)
    y = q(Tensor(x))
    assert y.dtype == np.float32 and y.shape == (7, 5)
    assert_close(y.data, x @ w.T + lin.bias.data, rtol=1e-5, atol=1e-6)
    # and close to the float layer: each weight moved by at most half its step
    params = calibrate(lin.weight.data, bits=bits, axis=0 if per_channel else None)
    step = np.broadcast_to(params.scale.reshape(params.broadcast_shape(2)), (5, 12))
    bound = np.abs(x) @ (step / 2).T + 1e-5
    assert np.all(np.abs(y.data - lin(Tensor(x)).data) <= bound)


@pytest.mark.parametrize("bits, dtype, nbytes", [(8, np.int8, 60), (4, np.uint8, 30)])
def test_linear_storage_is_int8_or_packed_int4(bits, dtype, nbytes) -> None:
    lin = linear()
    q = QuantizedLinear.from_float(lin, bits=bits)
    assert q.weight_codes.dtype == dtype and q.weight_codes.nbytes == nbytes
    assert lin.weight.data.nbytes / q.weight_codes.nbytes == 32 / bits
    assert q.weight_scale.shape == (5,) and q.weight_scale.dtype == np.float32
    assert q.bias.dtype == np.float32 and np.array_equal(q.bias, lin.bias.data)
    assert list(q.parameters()) == []  # inference only: nothing for an optimizer


def test_linear_fake_quantises_its_input() -> None:
    lin = linear()
    x = np.random.default_rng(1).normal(size=(9, 12)).astype(np.float32)
    params = calibrate(x, symmetric=False)
    q = QuantizedLinear.from_float(lin, input_params=params)
    plain = QuantizedLinear.from_float(lin)
    assert q.quantize_input and not plain.quantize_input
    expect = plain(Tensor(fake_quantize(x, params))).data
    assert_close(q(Tensor(x)).data, expect, rtol=1e-6, atol=1e-6)
    assert not np.allclose(q(Tensor(x)).data, plain(Tensor(x)).data, rtol=0, atol=1e-7)


def test_linear_without_bias_and_with_leading_dims() -> None:
    lin = linear(bias=False)
    q = QuantizedLinear.from_float(lin)
    x = np.random.default_rng(2).normal(size=(2, 3, 12)).astype(np.float32)
    w = rounded_weight(lin.weight.data, 8, True)
    assert q.bias is None
    assert_close(q(Tensor(x)).data, x @ w.T, rtol=1e-5, atol=1e-6)


def test_a_constant_weight_is_kept_exactly() -> None:
    lin = linear()
    lin.weight.data[...] = 0.0
    lin.weight.data[2] = 0.37
    q = QuantizedLinear.from_float(lin)
    x = np.random.default_rng(3).normal(size=(4, 12)).astype(np.float32)
    assert np.array_equal(q.dequantized_weight(), lin.weight.data)
    assert_close(q(Tensor(x)).data, lin(Tensor(x)).data, rtol=1e-6, atol=1e-6)


@pytest.mark.parametrize("bits", [8, 4])
@pytest.mark.parametrize("kw", [{}, {"stride": 2, "padding": 1}, {"padding": "same"},
                                {"groups": 2, "bias": False}])
def test_conv_computes_with_the_rounded_filters(bits, kw) -> None:
    layer = conv(**kw)
    q = QuantizedConv2d.from_float(layer, bits=bits)
    x = np.random.default_rng(4).normal(size=(2, 4, 7, 8)).astype(np.float32)
    w = rounded_weight(layer.weight.data, bits, True)
    bias = None if layer.bias is None else layer.bias
    expect = conv2d(Tensor(x), Tensor(w), bias, layer.stride, layer.padding, layer.dilation,
                    layer.groups)
    y = q(Tensor(x))
    assert y.shape == layer(Tensor(x)).shape
    assert_close(y.data, expect.data, rtol=1e-5, atol=1e-5)
    assert q.weight_codes.nbytes == (layer.weight.data.size if bits == 8
                                     else (layer.weight.data.size + 1) // 2)


def test_conv_matches_torch_with_the_same_rounded_filters() -> None:
    torch = torch_or_skip()
    layer = conv(stride=2, padding=1)
    q = QuantizedConv2d.from_float(layer)
    x = np.random.default_rng(5).normal(size=(3, 4, 9, 9)).astype(np.float32)
    ref = torch.nn.functional.conv2d(torch.from_numpy(x), torch.from_numpy(q.dequantized_weight()),
                                     torch.from_numpy(q.bias), stride=2, padding=1)
    assert_close(q(Tensor(x)).data, ref.numpy(), rtol=1e-5, atol=1e-5)


def test_conv_with_input_params_snaps_its_input() -> None:
    layer = conv(padding=1)
    x = np.random.default_rng(6).uniform(0, 2, size=(2, 4, 5, 5)).astype(np.float32)
    params = calibrate(x, symmetric=False)
    q = QuantizedConv2d.from_float(layer, input_params=params)
    plain = QuantizedConv2d.from_float(layer)
    assert_close(q(Tensor(x)).data, plain(Tensor(fake_quantize(x, params))).data,
                 rtol=1e-6, atol=1e-6)


@pytest.mark.parametrize("bits", [8, 4])
def test_a_layer_built_from_its_arguments_takes_the_compressed_state(bits) -> None:
    lin = linear()
    x = np.random.default_rng(7).normal(size=(3, 12)).astype(np.float32)
    q = QuantizedLinear.from_float(lin, bits=bits, input_params=calibrate(x, symmetric=False))
    state = q.compressed_state()
    assert set(state) == {"weight_codes", "weight_scale", "bias", "input_scale",
                          "input_zero_point"}
    empty = QuantizedLinear(12, 5, bits=bits, quantize_input=True)
    assert not np.array_equal(empty(Tensor(x)).data, q(Tensor(x)).data)
    empty.load_compressed_state(state)
    assert np.array_equal(empty(Tensor(x)).data, q(Tensor(x)).data)
    c = QuantizedConv2d.from_float(conv(padding=1), bits=bits)
    other = QuantizedConv2d(4, 6, 3, padding=1, bits=bits)
    other.load_compressed_state(c.compressed_state())
    img = np.random.default_rng(8).normal(size=(1, 4, 5, 5)).astype(np.float32)
    assert np.array_equal(other(Tensor(img)).data, c(Tensor(img)).data)


def test_a_wrong_compressed_state_is_refused_and_changes_nothing() -> None:
    q = QuantizedLinear.from_float(linear())
    state = q.compressed_state()
    before = q.weight_codes.copy()
    with pytest.raises(QuantizationError, match="missing keys"):
        q.load_compressed_state({k: v for k, v in state.items() if k != "bias"})
    with pytest.raises(QuantizationError, match="weight_codes"):
        q.load_compressed_state({**state, "weight_codes": np.zeros((5, 11), np.int8)})
    with pytest.raises(QuantizationError, match="weight_codes"):
        q.load_compressed_state({**state, "weight_codes": state["weight_codes"].astype(np.int16)})
    with pytest.raises(QuantizationError, match="positive"):
        q.load_compressed_state({**state, "weight_scale": np.zeros(5, np.float32)})
    assert np.array_equal(q.weight_codes, before)


def test_bad_arguments_are_refused() -> None:
    with pytest.raises(TypeError, match="expected a Linear"):
        QuantizedLinear.from_float(conv())
    with pytest.raises(TypeError, match="expected a Conv2d"):
        QuantizedConv2d.from_float(linear())
    with pytest.raises(QuantizationError, match="bits"):
        QuantizedLinear.from_float(linear(), bits=2)
    with pytest.raises(ShapeError, match="in_features=12"):
        QuantizedLinear.from_float(linear())(Tensor(np.ones((2, 11), np.float32)))
    with pytest.raises(ShapeError, match="4, H, W"):
        QuantizedConv2d.from_float(conv())(Tensor(np.ones((1, 3, 5, 5), np.float32)))
    with pytest.raises(QuantizationError, match="per-tensor"):
        x = np.ones((2, 12), np.float32)
        QuantizedLinear.from_float(linear(), input_params=calibrate(x, axis=1))


def test_codes_are_those_of_quantize() -> None:
    lin = linear()
    q = QuantizedLinear.from_float(lin)
    assert np.array_equal(q.weight_codes, quantize(lin.weight.data,
                                                   calibrate(lin.weight.data, axis=0)))
