"""Part I milestones, run as a student runs them: as scripts, on installed packages.

Each milestone script must reach its course.toml target in --quick mode, write
its JSON report, give the same numbers for the same seed, report accuracy on
extra `--test-data`, and exit 1 when it falls short.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from tinytorch.setup import load_course

MILESTONES = Path(__file__).resolve().parents[2] / "milestones"
PART1_END = load_course().part(1).through
PART1 = [m.name for m in load_course().milestones if m.requires <= PART1_END]


def run(name: str, tmp_path: Path, *extra: str) -> tuple[int, dict, str]:
    report = tmp_path / f"{name}-{len(list(tmp_path.iterdir()))}.json"
    proc = subprocess.run(
        [sys.executable, str(MILESTONES / f"{name}.py"), "--quick", "--report", str(report),
         *extra], capture_output=True, text=True, timeout=600,
    )
    data = json.loads(report.read_text()) if report.exists() else {}
    return proc.returncode, data, proc.stdout + proc.stderr


def test_part1_has_its_milestones() -> None:
    assert {"perceptron_1957", "xor_1969", "mlp_1986"} <= set(PART1)


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


@pytest.mark.parametrize("name", ["xor_1969", "perceptron_1957"])
def test_same_seed_same_numbers(name: str, tmp_path: Path) -> None:
    first = run(name, tmp_path, "--seed", "5")[1]
    second = run(name, tmp_path, "--seed", "5")[1]
    first.pop("seconds"), second.pop("seconds")
    assert first == second


def test_below_target_exits_one(tmp_path: Path) -> None:
    code, report, out = run("xor_1969", tmp_path, "--epochs", "1")
    assert code == 1, out
    assert report["passed"] is False and "BELOW TARGET" in out


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
