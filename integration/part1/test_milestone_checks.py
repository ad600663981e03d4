"""Milestones fail fast and lose nothing.

Before any training, a milestone refuses, with ONE line on stderr and exit
status 2: a `--test-data` file it cannot score, a module it needs that is not
installed or does not import, a negative `--epochs`. A failure after training
still writes the report, with what was measured and the error.
"""

from __future__ import annotations

import json
import os
import pickle
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest
from tt_testing import hiding_program

MILESTONES = Path(__file__).resolve().parents[2] / "milestones"


def python(code_or_script: list[str], tmp_path: Path, env: dict | None = None,
           ) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, *code_or_script], capture_output=True, text=True,
                          timeout=600, cwd=tmp_path, env={**os.environ, **(env or {})})


def refused(proc: subprocess.CompletedProcess) -> str:
    """The one stderr line of a fail-fast exit (status 2, no traceback, nothing run)."""
    assert proc.returncode == 2, proc.stdout + proc.stderr
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1, proc.stderr
    assert "Traceback" not in proc.stderr and "epoch" not in proc.stdout
    return lines[0]


def digits(n: int = 20) -> tuple[np.ndarray, np.ndarray]:
    with np.load(MILESTONES / "data" / "digits.npz", allow_pickle=False) as f:
        return f["images"][:n], f["labels"][:n]


def savez(*keys: str) -> Callable[[Path], None]:
    """Write only the named arrays of a small, valid digits file."""
    def write(path: Path) -> None:
        images, labels = digits()
        arrays = {"images": images, "labels": labels}
        np.savez(path, **{k: arrays[k] for k in keys})
    return write


def npy(path: Path) -> None:
    with open(path, "wb") as f:
        np.save(f, digits()[0])


def truncated(path: Path) -> None:
    savez("images", "labels")(path)
    path.write_bytes(path.read_bytes()[:200])


def with_images(change: Callable[[np.ndarray], np.ndarray]) -> Callable[[Path], None]:
    def write(path: Path) -> None:
        images, labels = digits()
        np.savez(path, images=change(images), labels=labels)
    return write


def with_labels(change: Callable[[np.ndarray], np.ndarray]) -> Callable[[Path], None]:
    def write(path: Path) -> None:
        images, labels = digits()
        np.savez(path, images=images, labels=change(labels))
    return write


def nan_images(images: np.ndarray) -> np.ndarray:
    out = images.astype(np.float32)
    out[3, 2, 2] = np.nan
    return out


def object_images(path: Path) -> None:
    images, labels = digits()
    np.savez(path, images=np.array([*images, None], dtype=object)[:-1], labels=labels)


def a_pickle(path: Path) -> None:
    path.write_bytes(pickle.dumps({"images": digits()[0], "labels": digits()[1]}))


BAD_FILES = {  # name: (how to write it, words the one line must contain)
    "empty": (lambda p: p.write_bytes(b""), ["empty", "0 bytes"]),
    "text": (lambda p: p.write_text("images,labels\n1,2\n"), ["not an .npz"]),
    "pickle": (a_pickle, ["pickle"]),
    "object_array": (object_images, ["'images'", "pickled"]),
    "npy": (npy, [".npy", "'images'", "'labels'"]),
    "truncated": (truncated, ["not a readable .npz"]),
    "no_labels": (savez("images"), ["missing", "'labels'"]),
    "no_arrays": (savez(), ["missing", "'images'", "'labels'"]),
    "sample_shape": (with_images(lambda x: x[:, :4, :4]), ["'images'", "(4, 4)", "(8, 8)"]),
    "flat_samples": (with_images(lambda x: x.reshape(len(x), -1)), ["(20, 64)", "(8, 8)"]),
    "no_samples": (with_images(lambda x: x[:0]), ["'images'", "empty"]),
    "label_count": (with_labels(lambda y: y[:5]), ["'labels'", "(5,)", "(20,)"]),
    "label_dtype": (with_labels(lambda y: y.astype(np.float64)),
                    ["'labels'", "float64", "integers"]),
    "image_dtype": (with_images(lambda x: x > 8), ["'images'", "bool"]),
    "non_finite": (with_images(nan_images), ["'images'", "non-finite", "1"]),
    "pixel_range": (with_images(lambda x: x.astype(np.int32) * 16),
                    ["'images'", "0..16", "digits"]),
    "negative_pixels": (with_images(lambda x: x.astype(np.float32) - 1), ["-1", "0..16"]),
    "label_range": (with_labels(lambda y: np.where(y == 3, 12, y)),
                    ["'labels'", "12", "0..9"]),
    "negative_label": (with_labels(lambda y: y.astype(np.int64) - 1), ["'labels'", "-1"]),
}


@pytest.mark.parametrize("case", sorted(BAD_FILES))
def test_bad_test_data_is_refused_before_training(case: str, tmp_path: Path) -> None:
    write, words = BAD_FILES[case]
    bad = tmp_path / f"{case}.npz"
    write(bad)
    report = tmp_path / "report.json"
    proc = python([str(MILESTONES / "mlp_1986.py"), "--test-data", str(bad),
                   "--report", str(report)], tmp_path)
    line = refused(proc)
    assert str(bad) in line and "--test-data" in line
    for word in words:
        assert word in line, line
    assert not report.exists()  # refused before anything ran


@pytest.mark.parametrize("where", ["missing", "directory", "unreadable"])
def test_unreadable_test_data(where: str, tmp_path: Path) -> None:
    path = tmp_path / "data.npz"
    if where == "directory":
        path.mkdir()
    elif where == "unreadable":
        savez("images", "labels")(path)
        path.chmod(0)
        if os.access(path, os.R_OK):  # root reads anything
            pytest.skip("running as root: a mode-000 file is still readable")
    line = refused(python([str(MILESTONES / "xor_1969.py"), "--test-data", str(path)],
                          tmp_path))
    assert str(path) in line and "cannot be read" in line


def test_points_milestones_check_their_own_format(tmp_path: Path) -> None:
    points = tmp_path / "points.npz"
    np.savez(points, images=np.zeros((4, 3), np.float32), labels=np.zeros(4, np.int64))
    line = refused(python([str(MILESTONES / "perceptron_1957.py"), "--test-data",
                           str(points)], tmp_path))
    assert "(3,)" in line and "(2,)" in line
    np.savez(points, images=np.zeros((4, 2), np.float32), labels=np.array([0, 1, 2, 1]))
    line = refused(python([str(MILESTONES / "xor_pretrained.py"), "--test-data",
                           str(points)], tmp_path))
    assert "'labels'" in line and "0..1" in line


def test_mnist_range_is_the_shipped_one(tmp_path: Path) -> None:
    """--data mnist takes 28x28 images in 0..255: digits-sized or out-of-range data is refused."""
    images = np.full((3, 28, 28), 300, np.int32)
    bad = tmp_path / "mnist.npz"
    np.savez(bad, images=images, labels=np.zeros(3, np.uint8))
    line = refused(python([str(MILESTONES / "mlp_1986.py"), "--data", "mnist", "--test-data",
                           str(bad)], tmp_path))
    assert "0..255" in line and "300" in line


def run_hiding(hidden: list[str], name: str, tmp_path: Path, *args: str) -> str:
    script = str(MILESTONES / f"{name}.py")
    return refused(python(["-c", hiding_program(hidden, script, args)], tmp_path))


def test_a_missing_module_is_named_with_how_to_install_it(tmp_path: Path) -> None:
    line = run_hiding(["tinytorch.training"], "xor_1969", tmp_path)
    assert "xor_1969 needs tt-training (module 08), which is not installed" in line
    assert "pip install -e" in line and "tt-training" in line.split("pip install")[1]


def test_every_missing_module_is_named_not_the_ones_they_break(tmp_path: Path) -> None:
    line = run_hiding(["tinytorch.autograd", "tinytorch.activations"], "mlp_1986", tmp_path)
    assert "tt-activations (module 03), tt-autograd (module 07), which are not installed" in line
    assert "tt-training" not in line  # it imports autograd: not blamed


def test_a_pretrained_milestone_needs_only_modules_01_to_04(tmp_path: Path) -> None:
    # (tt-autograd is not hidden: once installed, tt-tensor loads it as its gradient engine.)
    proc = python(["-c", hiding_program(
        ["tinytorch.losses", "tinytorch.optimizers", "tinytorch.training"],
        str(MILESTONES / "digits_pretrained.py"))], tmp_path)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "PASSED" in proc.stdout
    line = run_hiding(["tinytorch.layers"], "digits_pretrained", tmp_path)
    assert "tt-layers (module 04), which is not installed" in line


def test_a_broken_module_is_named_with_its_error(tmp_path: Path) -> None:
    """An installed package whose import fails (a student's bug) is blamed, in one line."""
    broken = tmp_path / "shadow" / "tinytorch" / "activations"
    broken.mkdir(parents=True)
    (broken / "__init__.py").write_text(
        "from tinytorch.tensor import Tensor\nfrom tinytorch.tensor import no_such_name\n")
    path = os.pathsep.join(filter(None, [str(tmp_path / "shadow"), os.environ.get("PYTHONPATH")]))
    line = refused(python([str(MILESTONES / "xor_1969.py")], tmp_path, {"PYTHONPATH": path}))
    assert "tt-activations (module 03) is installed but tinytorch.activations does not import" \
        in line
    assert "ImportError" in line and "no_such_name" in line
    assert "tinytorch/activations/__init__.py:2" in line  # where it was raised


@pytest.mark.parametrize(("name", "args", "words"), [
    ("xor_1969", ["--epochs", "-1"], ["--epochs", "-1"]),
    ("mlp_1986", ["--epochs", "-3"], ["--epochs", "-3"]),
    ("xor_pretrained", ["--epochs", "0"], ["--epochs", "pretrained"]),
    ("digits_pretrained", ["--epochs", "5"], ["--epochs", "pretrained"]),
])
def test_epochs_that_cannot_be_honoured_are_refused(name: str, args: list[str],
                                                    words: list[str], tmp_path: Path) -> None:
    report = tmp_path / "r.json"
    line = refused(python([str(MILESTONES / f"{name}.py"), *args, "--report", str(report)],
                          tmp_path))
    assert all(w in line for w in words) and not report.exists()


# Evaluation on the extra test data raises: everything measured before must reach the report.
CRASH = """
import runpy, sys
from tinytorch.training import Trainer

evaluate = Trainer.evaluate

def failing(self, x, y, *args, **kwargs):
    if len(x) == 37:  # the --test-data set only
        raise RuntimeError("simulated failure while scoring the test data")
    return evaluate(self, x, y, *args, **kwargs)

Trainer.evaluate = failing
sys.path.insert(0, {milestones!r})
sys.argv = [{script!r}, *{args!r}]
runpy.run_path({script!r}, run_name="__main__")
"""


def test_a_failure_after_training_still_writes_the_report(tmp_path: Path) -> None:
    images, labels = digits(37)
    extra = tmp_path / "extra.npz"
    np.savez(extra, images=images, labels=labels)
    report = tmp_path / "r.json"
    script = str(MILESTONES / "mlp_1986.py")
    code = CRASH.format(milestones=str(MILESTONES), script=script,
                        args=["--test-data", str(extra), "--report", str(report)])
    proc = python(["-c", code], tmp_path)
    assert proc.returncode == 1, proc.stdout + proc.stderr
    assert "simulated failure" in proc.stderr and "FAILED" in proc.stderr
    data = json.loads(report.read_text())
    assert data["passed"] is False
    assert "RuntimeError: simulated failure while scoring the test data" in data["error"]
    assert data["test_accuracy"] >= 0.97 and 0.9 <= data["val_accuracy"] <= 1.0
    assert data["value"] == round(data["test_accuracy"], 6) and data["epochs"] == 20
    assert "test_data_accuracy" not in data
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []  # no temp file
