"""Part II milestones, run as a student runs them: as scripts, on installed packages.

lenet_1998 and cnn_2012 must reach their course.toml targets in --quick mode
(cnn_2012 against its `"fashion-mnist --quick"` target), write their JSON
reports, give the same numbers for the same seed, score extra `--test-data`
and refuse a bad one before training, and run on without matplotlib when
asked for a plot. Each quick run happens once per session (they take most
of this folder's time); the other runs are one-epoch or zero-epoch runs.
"""

from __future__ import annotations

import importlib
import importlib.util
import json
import subprocess
import sys
from argparse import Namespace
from pathlib import Path
from types import ModuleType

import numpy as np
import pytest
from tinytorch.setup import load_course

pytestmark = pytest.mark.requires("tt-regularization")

MILESTONES = Path(__file__).resolve().parents[2] / "milestones"
PART2 = ["lenet_1998", "cnn_2012"]
HAS_MATPLOTLIB = importlib.util.find_spec("matplotlib") is not None


def milestone_module(name: str) -> ModuleType:
    if str(MILESTONES) not in sys.path:
        sys.path.append(str(MILESTONES))
    return importlib.import_module(name)


def run(name: str, folder: Path, *extra: str) -> tuple[int, dict, str]:
    report = folder / f"{name}-{len(list(folder.iterdir()))}.json"
    proc = subprocess.run([sys.executable, str(MILESTONES / f"{name}.py"), "--report",
                           str(report), *extra], capture_output=True, text=True, timeout=600)
    data = json.loads(report.read_text()) if report.exists() else {}
    return proc.returncode, data, proc.stdout + proc.stderr


@pytest.fixture(scope="module")
def quick_runs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, tuple[int, dict, str]]:
    folder = tmp_path_factory.mktemp("quick")
    return {name: run(name, folder, "--quick", "--seed", "0") for name in PART2}


def test_part2_milestones_need_the_whole_part() -> None:
    course = load_course()
    for name in PART2:
        assert course.milestone(name).requires == course.part(2).through


@pytest.mark.parametrize("name", PART2)
def test_quick_run_reaches_its_target(name: str, quick_runs: dict) -> None:
    code, report, out = quick_runs[name]
    assert code == 0, out
    milestone = load_course().milestone(name)
    target = milestone.data_targets.get("fashion-mnist --quick", milestone.target)
    assert report["milestone"] == name and report["passed"] is True and report["quick"] is True
    assert report["metric"] == "test_accuracy" and report["target"] == target
    assert report["value"] >= target and "PASSED" in out
    assert report["value"] == round(report["test_accuracy"], 6)


def test_lenet_quick_run_meets_the_full_target(quick_runs: dict) -> None:
    """LeNet is cheap enough that --quick is held to course.toml's full target."""
    report = quick_runs["lenet_1998"][1]
    assert report["target"] == load_course().milestone("lenet_1998").target == 0.97
    assert (report["test_images"], report["val_images"], report["train_images"]) == (
        800, 320, 2880)


def test_cnn_compares_three_models_on_held_out_images(quick_runs: dict) -> None:
    report = quick_runs["cnn_2012"][1]
    assert report["data"] == "fashion-mnist" and report["test_images"] == 10000
    assert 0.05 <= report["random_test_accuracy"] <= 0.15
    assert 0.75 <= report["mlp_test_accuracy"] < report["test_accuracy"]
    assert report["cnn_margin"] == pytest.approx(
        report["test_accuracy"] - report["mlp_test_accuracy"], abs=1e-6)


def test_cnn_splits_are_disjoint_and_stratified() -> None:
    cnn = milestone_module("cnn_2012")
    args = Namespace(data="fashion-mnist", data_dir=None, quick=False)
    x, labels, train, val, test, classes = cnn.load(args)
    assert x.shape == (60000, 1, 28, 28) and len(classes) == 10
    assert (len(train), len(val), len(test)) == (45000, 5000, 10000)
    assert not set(train) & set(test) and not set(val) & set(test) and not set(train) & set(val)
    assert np.array_equal(np.bincount(labels[test]), np.full(10, 1000))
    quick = cnn.load(Namespace(data="fashion-mnist", data_dir=None, quick=True))
    assert np.array_equal(quick[4], test)  # --quick is judged on the same test images
    assert set(quick[2]) <= set(train) and len(quick[2]) == cnn.QUICK_TRAIN


@pytest.mark.parametrize("name", PART2)
def test_same_seed_same_numbers_and_test_data_is_scored(name: str, tmp_path: Path) -> None:
    if name == "lenet_1998":
        with np.load(MILESTONES / "data" / "mnist4k.npz", allow_pickle=False) as f:
            images, labels = f["images"][:60], f["labels"][:60]
    else:
        rng = np.random.default_rng(0)
        images, labels = rng.integers(0, 256, (30, 28, 28)), rng.integers(0, 10, 30)
    extra = tmp_path / "more.npz"
    np.savez(extra, images=images, labels=labels)
    args = ("--quick", "--epochs", "1", "--seed", "3", "--test-data", str(extra),
            "--plot", str(tmp_path / "plot.png"))
    first, second = run(name, tmp_path, *args), run(name, tmp_path, *args)
    assert first[0] in (0, 1) and "Traceback" not in first[2], first[2]
    a, b = first[1], second[1]
    a.pop("seconds"), b.pop("seconds")
    for key in ("train_seconds", "cnn_epoch_seconds"):
        a.pop(key, None), b.pop(key, None)
    assert a == b and a["epochs"] == 1 and a["seed"] == 3
    assert 0.0 <= a["test_data_accuracy"] <= 1.0
    if HAS_MATPLOTLIB:
        assert (tmp_path / "plot.png").stat().st_size > 10000
    else:
        assert "matplotlib is not installed" in first[2] and "pip install matplotlib" in first[2]
        assert not (tmp_path / "plot.png").exists()


def test_cnn_fails_when_the_cnn_does_not_beat_the_mlp(tmp_path: Path) -> None:
    # Untrained, both guess; which guesses better is chance. With seed 1 the CNN
    # trails (-0.61 points; with seed 0 it happens to lead by 2.03).
    code, report, out = run("cnn_2012", tmp_path, "--epochs", "0", "--seed", "1")
    assert code == 1, out
    assert report["cnn_margin"] <= report["cnn_margin_needed"]
    assert report["passed"] is False and "MarginError" in report["error"]
    assert report["epochs"] == 0 and report["value"] < 0.2  # untrained: guessing


@pytest.mark.parametrize("name", PART2)
def test_bad_test_data_is_refused_before_training(name: str, tmp_path: Path) -> None:
    bad = tmp_path / "bad.npz"
    np.savez(bad, images=np.zeros((5, 8, 8), np.uint8), labels=np.zeros(5, np.uint8))
    code, report, out = run(name, tmp_path, "--test-data", str(bad))
    assert code == 2 and not report, out
    line = out.strip().splitlines()[-1]
    assert "--test-data" in line and "(8, 8)" in line and "(28, 28)" in line
    assert "epoch" not in out


def test_cifar10_without_its_files_is_refused_with_where_to_put_them(tmp_path: Path) -> None:
    code, report, out = run("cnn_2012", tmp_path, "--data", "cifar10", "--data-dir",
                            str(tmp_path / "none"))
    assert code == 2 and not report, out
    assert "cifar-10-binary.tar.gz" in out and str(tmp_path / "none") in out
    assert "Traceback" not in out and "epoch" not in out


def test_cifar10_test_data_must_be_colour_32x32(tmp_path: Path) -> None:
    gray = tmp_path / "gray.npz"
    np.savez(gray, images=np.zeros((4, 28, 28), np.uint8), labels=np.zeros(4, np.uint8))
    code, _, out = run("cnn_2012", tmp_path, "--data", "cifar10", "--test-data", str(gray))
    assert code == 2 and "(32, 32, 3)" in out and "(28, 28)" in out
