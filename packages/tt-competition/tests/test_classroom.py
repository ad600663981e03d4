"""Scoring a class: a broken submission gets its reason and the rest are scored; the CLI."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from tinytorch.competition import (
    load_submission,
    save_submission,
    score_class,
    score_submission,
)


@pytest.fixture
def klass(tmp_path: Path, mlp: Any, digits_test: Any) -> tuple[Path, Path]:
    """Three good submissions and three broken ones, and the hidden test."""
    root = tmp_path / "class"
    for i in range(3):
        save_submission(mlp(seed=i, hidden=8 * (i + 1)), root / f"good{i}", "digits", f"g{i}",
                        author=f"student {i}")
    save_submission(mlp(seed=9), root / "evil", "digits", "evil")
    spec = json.loads((root / "evil" / "spec.json").read_text())
    spec["model"][1]["layer"] = "Evil"
    (root / "evil" / "spec.json").write_text(json.dumps(spec))
    (root / "empty").mkdir()
    save_submission(mlp(seed=8), root / "pickled", "digits", "pickled")
    arrays = dict(np.load(root / "pickled" / "weights.npz"))
    arrays["1.bias"] = np.array([None] * 8, dtype=object)
    np.savez(root / "pickled" / "weights.npz", **arrays)
    (root / "notes.txt").write_text("not a submission")  # files at the top are ignored
    return root, digits_test(mlp(seed=0, hidden=8), n=80, wrong=4)


@pytest.mark.parametrize("jobs", [1, 2])
def test_a_broken_submission_does_not_stop_the_class(klass: tuple[Path, Path],
                                                     jobs: int) -> None:
    root, hidden = klass
    results = score_class(root, hidden, jobs=jobs, repeats=6)
    by_id = {r.id: r for r in results}
    assert sorted(by_id) == ["empty", "evil", "good0", "good1", "good2", "pickled"]
    assert [by_id[f"good{i}"].status for i in range(3)] == ["scored"] * 3
    assert by_id["good0"].score.accuracy == 0.95  # the labels' own model, 4 of 80 changed
    assert by_id["good1"].author == "student 1"
    assert "unknown layer 'Evil'" in by_id["evil"].reason and by_id["evil"].name == "evil"
    assert by_id["empty"].reason == "missing file spec.json"
    assert "pickle inside the npz" in by_id["pickled"].reason
    assert all(r.score is None for r in results if r.status == "refused")
    assert all(r.score.latency_ms > 0 for r in results if r.scored)


def test_class_scores_equal_single_scores(klass: tuple[Path, Path]) -> None:
    root, hidden = klass
    results = {r.id: r for r in score_class(root, hidden, jobs=2, repeats=6)}
    alone = score_submission(load_submission(root / "good2"), hidden, repeats=6)
    got = results["good2"].score
    assert (got.accuracy, got.file_bytes, got.peak_memory_bytes) == (
        alone.accuracy, alone.file_bytes, alone.peak_memory_bytes)


def test_score_class_checks_its_arguments(klass: tuple[Path, Path], tmp_path: Path) -> None:
    root, hidden = klass
    with pytest.raises(ValueError, match="jobs"):
        score_class(root, hidden, jobs=0)
    with pytest.raises(ValueError, match="not a directory"):
        score_class(tmp_path / "nowhere", hidden)
    with pytest.raises(ValueError, match="hidden test"):
        score_class(root, tmp_path / "missing.npz", task="digits")


def cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "tinytorch.competition", *args],
                          capture_output=True, text=True, timeout=300)


def test_cli_scores_a_class_and_writes_the_leaderboard(klass: tuple[Path, Path],
                                                       tmp_path: Path) -> None:
    root, hidden = klass
    done = cli("score", "--submissions", str(root), "--hidden-test", str(hidden), "--jobs", "2",
               "--out", str(tmp_path / "out"), "--repeats", "6")
    assert done.returncode == 0, done.stderr
    assert "| g0 |" in done.stdout and "unknown layer 'Evil'" in done.stdout
    board = json.loads((tmp_path / "out" / "leaderboard.json").read_text())
    assert board["task"] == "digits" and len(board["rows"]) == 6
    assert (tmp_path / "out" / "leaderboard.html").stat().st_size > 1000


def test_cli_exit_codes(klass: tuple[Path, Path], tmp_path: Path) -> None:
    root, hidden = klass
    only_broken = tmp_path / "broken"
    (only_broken / "a").mkdir(parents=True)
    done = cli("score", "--submissions", str(only_broken), "--hidden-test", str(hidden),
               "--task", "digits", "--repeats", "6")
    assert done.returncode == 1  # nothing scored
    assert "missing file spec.json" in done.stdout
    done = cli("score", "--submissions", str(root), "--hidden-test", str(tmp_path / "no.npz"))
    assert done.returncode == 2 and "hidden test" in done.stderr
    assert cli("score", "--submissions", str(root)).returncode == 2  # argparse: missing flag
    done = cli("score", "--submissions", str(root), "--hidden-test", str(hidden),
               "--floor", "90")
    assert done.returncode == 2 and "--floor is a fraction" in done.stderr
