"""model_arrays / save_model / saved_bytes / CompressionReport: sizes measured from files."""

from __future__ import annotations

import os

import numpy as np
import pytest
from tinytorch.activations import ReLU
from tinytorch.compression import (
    CompressionReport,
    QuantizedLinear,
    compression_report,
    load_model_arrays,
    model_arrays,
    quantize_model,
    save_model,
    saved_bytes,
)
from tinytorch.layers import Linear, Module, Sequential
from tinytorch.tensor import Tensor, manual_seed


def mlp(hidden=64) -> Sequential:
    manual_seed(0)
    return Sequential(Linear(200, hidden), ReLU(), Linear(hidden, 10))


def x(n=16) -> np.ndarray:
    return np.random.default_rng(0).normal(size=(n, 200)).astype(np.float32)


def test_a_float_model_saves_its_state_dict() -> None:
    model = mlp()
    arrays = model_arrays(model)
    state = model.state_dict()
    assert list(arrays) == list(state)
    assert all(np.array_equal(arrays[k], state[k]) for k in state)


def test_quantised_layers_save_their_compressed_state(tmp_path) -> None:
    q = quantize_model(mlp(), x())
    arrays = model_arrays(q)
    assert sorted(arrays) == sorted(f"{i}.{k}" for i in (0, 2) for k in (
        "weight_codes", "weight_scale", "bias", "input_scale", "input_zero_point"))
    path = tmp_path / "q.npz"
    size = save_model(q, path)
    assert size == os.path.getsize(path) == saved_bytes(q)
    assert os.listdir(tmp_path) == ["q.npz"]  # no temp file left behind
    with np.load(path, allow_pickle=False) as f:
        assert sorted(f.files) == sorted(arrays)
        for k in f.files:
            assert f[k].dtype == arrays[k].dtype and np.array_equal(f[k], arrays[k])


def test_int8_and_int4_files_really_shrink() -> None:
    model = mlp(hidden=256)
    sizes = {b: saved_bytes(quantize_model(model, x(), bits=b)) for b in (8, 4)}
    base = saved_bytes(model)
    weights = 4 * (200 * 256 + 256 * 10)
    assert base >= weights
    assert 3.5 < base / sizes[8] < 4.0  # scales, float32 biases, npz headers: not quite 4x
    assert 6.0 < base / sizes[4] < 8.0
    assert sizes[4] < sizes[8]


def test_a_model_rebuilt_from_arguments_loads_the_arrays(tmp_path) -> None:
    q = quantize_model(mlp(), x(), bits=4)
    save_model(q, tmp_path / "m.npz")
    rebuilt = Sequential(QuantizedLinear(200, 64, bits=4, quantize_input=True), ReLU(),
                         QuantizedLinear(64, 10, bits=4, quantize_input=True))
    with np.load(tmp_path / "m.npz", allow_pickle=False) as f:
        load_model_arrays(rebuilt, {k: f[k] for k in f.files})
    assert np.array_equal(rebuilt(Tensor(x())).data, q(Tensor(x())).data)
    model = mlp()
    other = Sequential(Linear(200, 64), ReLU(), Linear(64, 10))
    load_model_arrays(other, model_arrays(model))
    assert np.array_equal(other(Tensor(x())).data, model(Tensor(x())).data)


class Packed(Module):
    """A module with its own compressed state: its children are not walked."""

    def __init__(self) -> None:
        super().__init__()
        self.inner = Linear(3, 3)

    def compressed_state(self) -> dict[str, np.ndarray]:
        return {"blob": np.arange(4, dtype=np.uint8)}

    def load_compressed_state(self, arrays) -> None:
        self.loaded = arrays


def test_the_protocol_is_used_for_any_module() -> None:
    manual_seed(1)
    model = Sequential(Linear(3, 3), Packed())
    arrays = model_arrays(model)
    assert sorted(arrays) == ["0.bias", "0.weight", "1.blob"]
    assert arrays["1.blob"].dtype == np.uint8
    load_model_arrays(model, arrays)
    assert list(model[1].loaded) == ["blob"]


def test_compression_report_measures_bytes_and_accuracy() -> None:
    model = mlp()
    q = quantize_model(model, x())
    calls = []

    def evaluate(m):
        calls.append(m)
        return 0.9 if m is model else 0.885

    r = compression_report("int8", model, q, evaluate)
    assert calls == [model, q]
    assert r.bytes_before == saved_bytes(model) and r.bytes_after == saved_bytes(q)
    assert r.ratio == r.bytes_before / r.bytes_after
    assert r.accuracy_drop == pytest.approx(0.015)
    assert "int8" in str(r) and "drop 1.50 points" in str(r) and "\n" not in str(r)
    bare = compression_report("int8", model, q)
    assert bare.accuracy_drop is None and "accuracy" not in str(bare)
    assert CompressionReport("m", 8, 2).ratio == 4.0


def test_bad_input_is_refused() -> None:
    with pytest.raises(TypeError, match="Module"):
        model_arrays(lambda v: v)
    with pytest.raises(TypeError, match="method"):
        compression_report(3, mlp(), mlp())
    model = mlp()
    arrays = model_arrays(model)
    before = model[0].weight.data.copy()
    with pytest.raises(KeyError, match=r"missing keys \['2.bias'\]"):
        load_model_arrays(model, {k: v * 0 for k, v in arrays.items() if k != "2.bias"})
    assert np.array_equal(model[0].weight.data, before)  # nothing was loaded
