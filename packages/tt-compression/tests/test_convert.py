"""quantize_model: a converted copy, deep replacement, calibrated inputs, accuracy kept."""

from __future__ import annotations

import numpy as np
import pytest
from tinytorch.activations import ReLU, relu
from tinytorch.compression import (
    QuantizationError,
    QuantizedConv2d,
    QuantizedLinear,
    calibrate,
    quantize_model,
)
from tinytorch.layers import Linear, Module, Sequential
from tinytorch.spatial import Conv2d, Flatten, MaxPool2d
from tinytorch.tensor import Tensor, manual_seed


class Block(Module):
    def __init__(self) -> None:
        super().__init__()
        self.fc = Linear(8, 8)

    def forward(self, x: Tensor) -> Tensor:
        return relu(self.fc(x))


class Named(Module):
    """Layers as named attributes, one nested two levels down."""

    def __init__(self) -> None:
        super().__init__()
        self.first = Linear(6, 8)
        self.inner = Sequential(Block(), ReLU())
        self.head = Linear(8, 3)

    def forward(self, x: Tensor) -> Tensor:
        return self.head(self.inner(relu(self.first(x))))


def mlp() -> Sequential:
    manual_seed(0)
    return Sequential(Linear(6, 16), ReLU(), Linear(16, 3))


def cnn() -> Sequential:
    manual_seed(1)
    return Sequential(Conv2d(1, 4, 3, padding=1), ReLU(), MaxPool2d(2), Flatten(),
                      Linear(4 * 4 * 4, 3))


def data(shape, seed=0) -> np.ndarray:
    return np.random.default_rng(seed).normal(size=shape).astype(np.float32)


def test_sequential_layers_are_replaced_in_a_copy() -> None:
    model = mlp()
    before = {k: v.copy() for k, v in model.state_dict().items()}
    q = quantize_model(model, data((32, 6)))
    assert q is not model
    assert [type(m).__name__ for m in q] == ["QuantizedLinear", "ReLU", "QuantizedLinear"]
    assert [type(m).__name__ for m in model] == ["Linear", "ReLU", "Linear"]
    for k, v in model.state_dict().items():
        assert np.array_equal(v, before[k])  # the original is untouched
    assert not q.training


def test_named_children_are_replaced_however_deep() -> None:
    manual_seed(2)
    model = Named()
    q = quantize_model(model, data((10, 6)))
    assert isinstance(q.first, QuantizedLinear) and isinstance(q.head, QuantizedLinear)
    assert isinstance(q.inner[0].fc, QuantizedLinear)
    assert isinstance(model.inner[0].fc, Linear)
    x = data((5, 6), seed=1)
    assert np.allclose(q(Tensor(x)).data, model(Tensor(x)).data, atol=0.05)


def test_each_layer_gets_the_range_of_the_inputs_it_saw() -> None:
    model = mlp()
    batches = [data((8, 6), seed=s) for s in range(3)]
    q = quantize_model(model, batches)
    first = calibrate(batches, symmetric=False)
    assert q[0].input_scale == first.scale and q[0].input_zero_point == first.zero_point
    hidden = [relu(model[0](Tensor(b))).data for b in batches]
    second = calibrate(hidden, symmetric=False)
    assert np.isclose(q[2].input_scale, second.scale, rtol=1e-6)
    assert q[2].input_zero_point == -128  # ReLU outputs: the whole code range above 0


def test_outputs_stay_close_and_bits_are_used() -> None:
    model = cnn()
    x = data((6, 1, 8, 8))
    ref = model(Tensor(x)).data
    q8 = quantize_model(model, x)
    q4 = quantize_model(model, x, bits=4, per_channel=False)
    assert isinstance(q8[0], QuantizedConv2d) and q8[0].bits == 8 and q8[0].per_channel
    assert q4[4].bits == 4 and not q4[4].per_channel
    err8 = np.abs(q8(Tensor(x)).data - ref).max()
    err4 = np.abs(q4(Tensor(x)).data - ref).max()
    assert err8 < 0.05 * np.abs(ref).max()
    assert err8 < err4


def test_without_calibration_data_inputs_stay_float() -> None:
    q = quantize_model(mlp(), None)
    assert not q[0].quantize_input and not q[2].quantize_input
    q = quantize_model(mlp(), data((4, 6)), method="percentile", percentile=99.0)
    assert q[0].quantize_input


def test_a_single_layer_and_a_shared_layer() -> None:
    manual_seed(3)
    q = quantize_model(Linear(4, 2), data((3, 4)))
    assert isinstance(q, QuantizedLinear) and q.quantize_input
    shared = Linear(5, 5)
    model = Sequential(shared, ReLU(), shared)
    q = quantize_model(model, data((4, 5)))
    assert q[0] is q[2] and isinstance(q[0], QuantizedLinear)


def test_bad_arguments_are_refused_before_any_work() -> None:
    with pytest.raises(QuantizationError, match="bits"):
        quantize_model(mlp(), data((2, 6)), bits=6)
    with pytest.raises(TypeError, match="Module"):
        quantize_model(lambda x: x, data((2, 6)))
    with pytest.raises(QuantizationError, match="empty"):
        quantize_model(mlp(), [])
    with pytest.raises(QuantizationError, match="NaN"):
        quantize_model(mlp(), np.full((2, 6), np.nan, np.float32))
