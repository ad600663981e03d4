"""The pretrained weights of xor_pretrained and digits_pretrained are reproducible.

milestones/pretrained/train.py retrains both with the installed chain into a
temporary folder; the results must match the shipped files: the same
accuracy, and each array within BLAS rounding (relative Frobenius norm <=
1e-2; milestones/pretrained/README.md gives the measurements behind the
bound). Accuracies are computed here in float64 NumPy, independently of the
packages under test, and must equal what the inference milestones report.
"""

from __future__ import annotations

import importlib
import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

MILESTONES = Path(__file__).resolve().parents[2] / "milestones"
SHIPPED = MILESTONES / "pretrained"
REL_TOL = 1e-2  # measured worst case across OpenBLAS CPU kernels: 2.9e-3 (README.md)


def arrays(path: Path) -> dict[str, np.ndarray]:
    with np.load(path, allow_pickle=False) as f:
        return {key: f[key] for key in f.files}


def xor_accuracy(w: dict[str, np.ndarray]) -> float:
    x = np.array([[0, 0], [0, 1], [1, 0], [1, 1]], np.float64)
    h = np.tanh(x @ w["0.weight"].T.astype(np.float64) + w["0.bias"])
    return float(((h @ w["2.weight"].T + w["2.bias"]).argmax(1) == [0, 1, 1, 0]).mean())


def digits_splits() -> tuple:
    """The digits data and mlp_1986's (train, validation, test) indices of it."""
    if str(MILESTONES) not in sys.path:
        sys.path.append(str(MILESTONES))
    harness, mlp_1986 = importlib.import_module("harness"), importlib.import_module("mlp_1986")
    data = harness.load_dataset("digits")
    return data, *mlp_1986.splits(data.labels)


def digits_test_split() -> tuple[np.ndarray, np.ndarray]:
    """The held-out test images (scaled to [0, 1]) and labels."""
    data, _, _, test = digits_splits()
    return data.images[test].astype(np.float64), data.labels[test]


def digits_accuracy(w: dict[str, np.ndarray]) -> float:
    images, labels = digits_test_split()
    x = (images.reshape(len(images), -1) - w["input_mean"]) / w["input_std"]
    h = np.maximum(x @ w["0.weight"].T.astype(np.float64) + w["0.bias"], 0.0)
    return float(((h @ w["2.weight"].T + w["2.bias"]).argmax(1) == labels).mean())


@pytest.fixture(scope="module")
def retrained(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("pretrained")
    proc = subprocess.run(
        [sys.executable, str(SHIPPED / "train.py"), "--out", str(out)],
        capture_output=True, text=True, timeout=600,
        env={**os.environ, "OMP_NUM_THREADS": "1", "OPENBLAS_NUM_THREADS": "1",
             "MKL_NUM_THREADS": "1"},
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    return out


@pytest.mark.parametrize(("file", "accuracy"), [("xor.npz", xor_accuracy),
                                                ("digits.npz", digits_accuracy)])
def test_retraining_gives_the_shipped_weights(retrained: Path, file: str, accuracy) -> None:
    shipped, new = arrays(SHIPPED / file), arrays(retrained / file)
    assert sorted(new) == sorted(shipped)
    for key, old in shipped.items():
        assert old.dtype == np.float32 and new[key].shape == old.shape, key
        diff = np.linalg.norm(new[key].astype(np.float64) - old) / np.linalg.norm(old)
        assert diff <= REL_TOL, f"{file}[{key!r}]: relative difference {diff:.2e}"
    assert accuracy(new) == accuracy(shipped)


def test_shipped_weights_reach_the_targets_in_numpy() -> None:
    assert xor_accuracy(arrays(SHIPPED / "xor.npz")) == 1.0
    assert digits_accuracy(arrays(SHIPPED / "digits.npz")) >= 0.97


@pytest.mark.parametrize(("name", "file", "accuracy"), [
    ("xor_pretrained", "xor.npz", xor_accuracy),
    ("digits_pretrained", "digits.npz", digits_accuracy),
])
def test_inference_milestones_report_what_the_weights_score(name: str, file: str, accuracy,
                                                            tmp_path: Path) -> None:
    """The student's tensor/activation/layer code must give NumPy's float64 answer."""
    report = tmp_path / "r.json"
    proc = subprocess.run([sys.executable, str(MILESTONES / f"{name}.py"), "--report",
                           str(report)], capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    data = json.loads(report.read_text())
    assert data["value"] == round(accuracy(arrays(SHIPPED / file)), 6)


def test_the_weights_were_not_trained_on_the_test_split() -> None:
    """The held-out split is disjoint from the training and validation images."""
    _, train, val, test = digits_splits()
    assert len(test) == 299 and not (set(train) | set(val)) & set(test)
