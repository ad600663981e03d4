"""The olympics milestone, run as a student (and CI) runs it: the script, on installed packages.

Its --quick run (one BLAS thread) must pass every check and leave behind what
an instructor would get: per task a folder of submissions, the hidden test
file and the leaderboard as JSON, Markdown and HTML. The test reads those
files, not only the report: every submission was scored (none refused), the
file sizes in the leaderboard are the bytes on disk, the optimised digits
model is at least 4x smaller than the baseline, and the report's figures are
the leaderboard's. No timing is asserted here (the machine is shared); the
run's own "no slower" and "cache faster" checks are reported and must pass.

Bad input fails fast (exit 2, one line, nothing trained): a missing
tt-compression or tt-competition is named as not installed, and a
`--test-text` file that is not UTF-8 is refused.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from tt_testing import hiding_program

pytestmark = pytest.mark.requires("tt-competition")

MILESTONES = Path(__file__).resolve().parents[2] / "milestones"
SCRIPT = MILESTONES / "olympics.py"
ONE_THREAD = {name: "1" for name in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS",
                                     "MKL_NUM_THREADS")}
CHECKS = ["smaller", "no slower", "accurate", "GPT tokens", "GPT cache"]


def python(args: list[str], cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, *args], capture_output=True, text=True, timeout=900,
                          cwd=cwd, env={**os.environ, **ONE_THREAD})


@pytest.fixture(scope="module")
def quick_run(tmp_path_factory: pytest.TempPathFactory) -> tuple[int, dict, str, Path]:
    folder = tmp_path_factory.mktemp("olympics")
    report = folder / "olympics.json"
    proc = python([str(SCRIPT), "--quick", "--seed", "0", "--report", str(report)], folder)
    data = json.loads(report.read_text()) if report.exists() else {}
    return proc.returncode, data, proc.stdout + proc.stderr, folder / "olympics"


def board_of(out: Path, task: str) -> dict:
    return json.loads((out / task / "leaderboard.json").read_text())


def test_quick_run_passes_every_check(quick_run: tuple[int, dict, str, Path]) -> None:
    code, report, out, _ = quick_run
    assert code == 0 and "Traceback" not in out, out
    assert report["milestone"] == "olympics" and report["passed"] is True
    assert report["metric"] == "score" and report["value"] == report["score"] == 1.0
    assert [c["check"] for c in report["checks"]] == CHECKS
    assert all(c["passed"] for c in report["checks"]), report["checks"]
    assert report["checks_passed"] == report["checks_total"] == 5
    for name in CHECKS:  # each check printed with its figures
        assert f"check {name}: PASS: " in out


def test_leaderboards_written_and_every_submission_scored(
        quick_run: tuple[int, dict, str, Path]) -> None:
    _, report, out, folder = quick_run
    assert Path(report["out"]) == folder
    for task, ids in (("digits", {"1-baseline", "2-optimised", "3-int8"}),
                      ("tinygpt", {"1-no-cache", "2-kv-cache"})):
        for suffix in ("json", "md", "html"):
            assert (folder / task / f"leaderboard.{suffix}").stat().st_size > 500, (task, suffix)
        board = board_of(folder, task)
        assert board["format"] == "tinytorch-leaderboard/1" and board["task"] == task
        rows = board["rows"]
        assert all(r["status"] == "scored" and r["reason"] is None for r in rows), rows
        subs = folder / task / "submissions"
        assert {p.name for p in subs.iterdir()} == {r["id"] for r in rows} == ids
        for r in rows:  # the scorer's file size is the bytes on disk
            files = subs / r["id"]
            assert r["file_bytes"] == sum((files / f).stat().st_size
                                          for f in ("spec.json", "weights.npz"))
        markdown = (folder / task / "leaderboard.md").read_text()
        assert all(r["name"] in markdown and r["name"] in out for r in rows)
    assert (folder / "digits" / "hidden_test.npz").is_file()
    assert (folder / "tinygpt" / "hidden_test.txt").is_file()


def test_optimised_is_four_times_smaller_and_the_report_agrees(
        quick_run: tuple[int, dict, str, Path]) -> None:
    _, report, _, folder = quick_run
    rows = {r["id"]: r for r in board_of(folder, "digits")["rows"]}
    subs = report["image_submissions"]
    base, best = rows["1-baseline"], rows["2-optimised"]
    assert (base["name"], best["name"]) == (subs["baseline"]["name"], subs["optimised"]["name"])
    assert base["file_bytes"] >= 4 * best["file_bytes"]
    assert subs["baseline"]["file_bytes"] == base["file_bytes"]
    assert subs["optimised"]["accuracy"] * 100 == pytest.approx(best["accuracy"])
    assert base["accuracy"] - best["accuracy"] <= 1.0 + 1e-9  # points
    smaller = next(c for c in report["checks"] if c["check"] == "smaller")
    assert smaller["ratio"] == pytest.approx(base["file_bytes"] / best["file_bytes"], rel=1e-3)
    # each optimisation step was measured: bytes of saved files, accuracy before and after
    steps = report["image_steps"]
    assert len(steps) == 4 and all(s["bytes_before"] > 0 and s["bytes_after"] > 0 and
                                   0 <= s["accuracy_after"] <= 1 for s in steps)
    assert report["gpt_tokens_identical"] is True and report["gpt_block_size"] == 256


# --- fail fast --------------------------------------------------------------------------------

def refused(proc: subprocess.CompletedProcess) -> str:
    """The one stderr line of a fail-fast exit (status 2, nothing run, nothing printed)."""
    assert proc.returncode == 2, proc.stdout + proc.stderr
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in proc.stderr, proc.stderr
    assert proc.stdout == ""
    return lines[0]


@pytest.mark.parametrize(("hidden", "dist", "number"),
                         [("tinytorch.compression", "tt-compression", 22),
                          ("tinytorch.competition", "tt-competition", 23)])
def test_missing_package_is_named(hidden: str, dist: str, number: int, tmp_path: Path) -> None:
    report = tmp_path / "r.json"
    line = refused(python(["-c", hiding_program([hidden], str(SCRIPT),
                                                ["--quick", "--report", str(report)])],
                          tmp_path))
    assert line.startswith(f"milestones/olympics.py: error: olympics needs {dist} "
                           f"(module {number}), which is not installed"), line
    assert f"packages/{dist}" in line and not report.exists()


def test_bad_test_text_is_refused_before_training(tmp_path: Path) -> None:
    text = tmp_path / "latin1.txt"
    text.write_bytes("caf\xe9\n".encode("latin-1"))
    line = refused(python([str(SCRIPT), "--quick", "--test-text", str(text)], tmp_path))
    assert line.startswith(f"milestones/olympics.py: error: --test-text {text}: is not UTF-8")
