"""Part I milestones, run as a student runs them: as scripts, on installed packages.

Each milestone script must reach its course.toml target in --quick mode, write
its JSON report, give the same numbers for the same seed, report accuracy on
extra `--test-data`, and exit 1 when it falls short. What they refuse before
running (exit 2) is in test_milestone_checks.py; the pretrained weights'
reproducibility in test_pretrained.py.
"""

from __future__ import annotations

import importlib
import json
import subprocess
import sys
from pathlib import Path
from types import ModuleType

import numpy as np
import pytest
from tinytorch.setup import load_course

MILESTONES = Path(__file__).resolve().parents[2] / "milestones"
PART1_END = load_course().part(1).through
PART1 = [m.name for m in load_course().milestones if m.requires <= PART1_END]


def milestone_module(name: str) -> ModuleType:
    """Import milestones/<name>.py (their top level imports only harness and NumPy)."""
    if str(MILESTONES) not in sys.path:
        sys.path.append(str(MILESTONES))
    return importlib.import_module(name)


def run(name: str, tmp_path: Path, *extra: str) -> tuple[int, dict, str]:
    report = tmp_path / f"{name}-{len(list(tmp_path.iterdir()))}.json"
    proc = subprocess.run(
        [sys.executable, str(MILESTONES / f"{name}.py"), "--quick", "--report", str(report),
         *extra], capture_output=True, text=True, timeout=600,
    )
    data = json.loads(report.read_text()) if report.exists() else {}
    return proc.returncode, data, proc.stdout + proc.stderr


def test_part1_has_its_milestones() -> None:
    assert {"perceptron_1957", "xor_1969", "mlp_1986", "xor_pretrained",
            "digits_pretrained"} <= set(PART1)
    course = load_course()
    after_layers = {m.name for m in course.milestones_unlocked_by("tt-layers")}
    assert {"xor_pretrained", "digits_pretrained"} <= after_layers  # inference before training


@pytest.mark.parametrize("name", PART1)
def test_milestone_reaches_its_target_and_reports(name: str, tmp_path: Path) -> None:
    code, report, out = run(name, tmp_path, "--seed", "0")
    assert code == 0, out
    target = load_course().milestone(name)
    assert report["milestone"] == name and report["passed"] is True
    assert report["metric"] == target.metric and report["target"] == target.target
    assert report["value"] >= target.target
    assert set(report) >= {"milestone", "metric", "value", "target", "passed", "seconds"}
    assert "PASSED" in out


@pytest.mark.parametrize("name", PART1)
def test_same_seed_same_numbers(name: str, tmp_path: Path) -> None:
    first = run(name, tmp_path, "--seed", "5")[1]
    second = run(name, tmp_path, "--seed", "5")[1]
    first.pop("seconds"), second.pop("seconds")
    assert first == second


def test_below_target_exits_one(tmp_path: Path) -> None:
    code, report, out = run("xor_1969", tmp_path, "--epochs", "1")
    assert code == 1, out
    assert report["passed"] is False and "BELOW TARGET" in out


def test_mlp_keeps_validation_and_test_apart(tmp_path: Path) -> None:
    """Validation is split off the training data; the test split is scored once, after."""
    code, report, out = run("mlp_1986", tmp_path, "--seed", "0")
    assert code == 0, out
    assert report["metric"] == "test_accuracy" and report["value"] == round(
        report["test_accuracy"], 6)
    assert 0.9 <= report["val_accuracy"] <= 1.0 and 0.9 <= report["test_accuracy"] <= 1.0
    # digits: 1497 images = 299 test + 120 validation + 1078 trained on (x5 shifted copies)
    assert (report["test_images"], report["val_images"], report["train_images"]) == (
        299, 120, 5 * 1078)
    assert "validation accuracy" in out and "test accuracy" in out


def test_mlp_splits_are_disjoint_and_cover_the_data() -> None:
    harness, mlp_1986 = milestone_module("harness"), milestone_module("mlp_1986")
    for name in ("digits", "mnist"):
        labels = harness.load_dataset(name).labels
        train, val, test = mlp_1986.splits(labels)
        assert not set(train) & set(val) and not set(train) & set(test)
        assert not set(val) & set(test)
        assert len(train) + len(val) + len(test) == len(labels)
        assert abs(len(test) / len(labels) - 0.2) < 0.01
        assert abs(len(val) / (len(train) + len(val)) - 0.1) < 0.01


@pytest.mark.parametrize("name", ["xor_1969", "mlp_1986", "perceptron_1957"])
def test_zero_epochs_evaluates_the_untrained_model(name: str, tmp_path: Path) -> None:
    code, report, out = run(name, tmp_path, "--epochs", "0")
    assert code == 1, out  # an untrained model is below every target
    assert report["epochs"] == 0 and report["passed"] is False
    assert report["value"] < load_course().milestone(name).target
    trained = run(name, tmp_path, "--epochs", "2")[1]
    assert trained["epochs"] == 2  # --epochs is honoured, not replaced by the default


def test_test_data_is_scored(tmp_path: Path) -> None:
    with np.load(MILESTONES / "data" / "digits.npz", allow_pickle=False) as f:
        images, labels = f["images"][:50], f["labels"][:50]
    extra = tmp_path / "more.npz"
    np.savez(extra, images=images, labels=labels)
    code, report, out = run("mlp_1986", tmp_path, "--test-data", str(extra))
    assert code == 0, out
    assert 0.9 <= report["test_data_accuracy"] <= 1.0

    bad = tmp_path / "bad.npz"
    np.savez(bad, images=images[:, :4, :4], labels=labels)
    code, _, out = run("mlp_1986", tmp_path, "--test-data", str(bad))
    assert code != 0 and "(4, 4)" in out and "(8, 8)" in out
