"""Part IV: post-training quantisation (tt-compression) of models trained on the real digits.

An MLP (64-256-10: tt-layers, ReLU, cross-entropy, Adam) and a small CNN (conv 3x3 8 ch, ReLU,
max-pool, linear: tt-spatial) learn the 8x8 digits of milestones/data (1497 images: 300 held
out as the test split by a seeded permutation, 200 more split off as validation, the rest for
training). Each is quantised with `quantize_model`, calibrated on the VALIDATION split, and
measured on the test split:

- int8 (per-channel weights, calibrated int8 inputs): test accuracy within 1 point of float32;
- the weight arrays are exactly 4x (int8) and 8x (int4) smaller;
- the saved file (`saved_bytes`, np.savez, uncompressed) shrinks too, but less: each output
  row keeps a float32 bias and a float32 scale (8 bytes beside 64 int8 codes in the first
  layer, whose 64 inputs are the pixels), and every array has a ~250-byte header in the npz.
  For this 64-input MLP that caps the file at about 3.3x (int8) and 5.5x (int4); the bounds
  below are those, not the 4x / 8x of the weights.

Every figure is printed (run with -s) as a `compression_report` line. Timing is measured by
benchmarks/compression.py, never here.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from tinytorch.activations import ReLU
from tinytorch.layers import Linear, Sequential
from tinytorch.tensor import Tensor, manual_seed

pytestmark = pytest.mark.requires("tt-compression")

DIGITS = Path(__file__).resolve().parents[2] / "milestones" / "data" / "digits.npz"
TEST, VALIDATION = 300, 200
ONE_POINT = 0.01


def digits() -> dict[str, tuple[np.ndarray, np.ndarray]]:
    """{"train", "validation", "test"}: (x (N, 1, 8, 8) standardised, y)."""
    with np.load(DIGITS, allow_pickle=False) as f:
        images, labels = f["images"].astype(np.float32) / 16, f["labels"].astype(np.int64)
    order = np.random.default_rng(0).permutation(len(labels))
    rows = {"test": order[:TEST], "validation": order[TEST:TEST + VALIDATION],
            "train": order[TEST + VALIDATION:]}
    mean, std = images[rows["train"]].mean(0), images[rows["train"]].std(0) + 0.1
    x = ((images - mean) / std).astype(np.float32)[:, None]
    return {name: (x[r], labels[r]) for name, r in rows.items()}


@pytest.fixture(scope="module")
def data() -> dict[str, tuple[np.ndarray, np.ndarray]]:
    return digits()


def train(model, x: np.ndarray, y: np.ndarray, epochs: int, seed: int = 0):
    from tinytorch.losses import CrossEntropyLoss
    from tinytorch.optimizers import Adam

    optimizer, loss_fn = Adam(model.parameters(), lr=2e-3), CrossEntropyLoss()
    rng = np.random.default_rng(seed)
    for _ in range(epochs):
        for batch in np.array_split(rng.permutation(len(y)), len(y) // 32):
            optimizer.zero_grad()
            loss = loss_fn(model(Tensor(x[batch])), Tensor(y[batch]))
            loss.backward()
            optimizer.step()
    return model.eval()


def accuracy(model, x: np.ndarray, y: np.ndarray) -> float:
    from tinytorch.autograd import no_grad

    with no_grad():
        return float(np.mean(model(Tensor(x)).data.argmax(axis=1) == y))


@pytest.fixture(scope="module")
def mlp(data):
    manual_seed(0)
    model = Sequential(Linear(64, 256), ReLU(), Linear(256, 10))
    x, y = data["train"]
    return train(model, x.reshape(len(x), -1), y, epochs=12)


def flat(pair: tuple[np.ndarray, np.ndarray]) -> tuple[np.ndarray, np.ndarray]:
    return pair[0].reshape(len(pair[0]), -1), pair[1]


def test_int8_mlp_keeps_its_accuracy_and_the_file_shrinks(data, mlp) -> None:
    from tinytorch.compression import QuantizedLinear, compression_report, quantize_model

    x_val, _ = flat(data["validation"])
    x_test, y_test = flat(data["test"])
    evaluate = lambda m: accuracy(m, x_test, y_test)  # noqa: E731
    reports = {}
    for bits in (8, 4):
        q = quantize_model(mlp, [x_val[:100], x_val[100:]], bits=bits)
        assert isinstance(q[0], QuantizedLinear) and q[0].quantize_input
        reports[bits] = compression_report(f"int{bits} per-channel", mlp, q, evaluate)
        print(reports[bits])
        weights = sum(m.weight_codes.nbytes for m in q if isinstance(m, QuantizedLinear))
        assert 4 * (64 * 256 + 256 * 10) / weights >= (4.0 if bits == 8 else 8.0)
    assert reports[8].accuracy_before > 0.95  # a trained model, not chance
    assert reports[8].accuracy_drop <= ONE_POINT
    assert reports[8].ratio >= 3.2
    assert reports[4].ratio >= 5.3
    assert reports[4].bytes_after < reports[8].bytes_after


def test_percentile_calibration_and_weight_only_also_hold(data, mlp) -> None:
    from tinytorch.compression import quantize_model

    x_val, _ = flat(data["validation"])
    x_test, y_test = flat(data["test"])
    base = accuracy(mlp, x_test, y_test)
    for kwargs in ({"method": "percentile", "percentile": 99.9}, {"per_channel": False}):
        q = quantize_model(mlp, x_val, **kwargs)
        assert base - accuracy(q, x_test, y_test) <= ONE_POINT, kwargs
    q = quantize_model(mlp, None)
    assert not q[0].quantize_input
    assert base - accuracy(q, x_test, y_test) <= ONE_POINT


def test_a_conv_model_quantises(data, tmp_path) -> None:
    from tinytorch.compression import (
        QuantizedConv2d,
        QuantizedLinear,
        load_model_arrays,
        quantize_model,
        save_model,
    )
    from tinytorch.spatial import Conv2d, Flatten, MaxPool2d

    manual_seed(1)
    model = Sequential(Conv2d(1, 8, 3, padding=1), ReLU(), MaxPool2d(2), Flatten(),
                       Linear(8 * 4 * 4, 10))
    x, y = data["train"]
    train(model, x, y, epochs=8)
    x_test, y_test = data["test"]
    q = quantize_model(model, data["validation"][0])
    assert isinstance(q[0], QuantizedConv2d) and isinstance(q[4], QuantizedLinear)
    before, after = accuracy(model, x_test, y_test), accuracy(q, x_test, y_test)
    print(f"conv model: test accuracy {before:.2%} float32, {after:.2%} int8")
    assert before > 0.88 and before - after <= ONE_POINT
    size = save_model(q, tmp_path / "q.npz")
    assert size < save_model(model, tmp_path / "f.npz")
    rebuilt = Sequential(QuantizedConv2d(1, 8, 3, padding=1, quantize_input=True), ReLU(),
                         MaxPool2d(2), Flatten(), QuantizedLinear(128, 10, quantize_input=True))
    with np.load(tmp_path / "q.npz", allow_pickle=False) as f:
        load_model_arrays(rebuilt, {k: f[k] for k in f.files})
    assert np.array_equal(rebuilt(Tensor(x_test)).data, q(Tensor(x_test)).data)
