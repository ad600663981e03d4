"""Grading a whole class: every student's folder, a few at a time, into one gradebook.

    nox -s grade -- --class DIR [--jobs N] [--report PATH] [grading options]
    nox -s grade -- --merge DIR --report PATH        gradebook from per-student JSON reports
    nox -s grade -- --class DIR --slurm FILE         a Slurm job array, one task a student
    nox -s grade -- --class DIR --github FILE        a GitHub Actions workflow, a matrix

`DIR` holds one folder per student (its name is the student's id), each laid
out as `--student` expects. On one machine, `--jobs N` grades N students at
once (each student's modules in turn), all of them against ONE reference
chain: the reference venv and the reference wheels are built once (the wheel
cache, reference.py). Each student gets its own report (`PATH/students/<id>`);
a crash of one student's job is recorded in the gradebook, never fatal.

The gradebook is `PATH/gradebook.csv` (one row a student, one column a module:
what an LMS imports) and `PATH/gradebook.json`. Past one machine, run on a job
system that exists rather than one written here: `--slurm` writes an sbatch
array script whose task i grades the i-th student with `--student`, and
`--github` a workflow whose matrix does the same; then `--merge` combines the
per-student JSON reports into the gradebook.
"""

from __future__ import annotations

import csv
import io
import json
import shlex
import threading
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

from .files import write_atomic
from .manifest import REPO, Course

GradeOne = Callable[[Path, Path], dict[str, Any]]  # (student folder, report base) -> report


def students(folder: Path) -> list[Path]:
    """The student folders of a class folder, sorted by name (hidden entries left out)."""
    return sorted(p for p in folder.iterdir() if p.is_dir() and not p.name.startswith("."))


def grade_class(class_dir: Path, out: Path, jobs: int, grade: GradeOne,
                log: Callable[[str], None]) -> list[dict[str, Any]]:
    """Grade every student with `grade`, `jobs` at a time; one gradebook row each."""
    done = threading.Lock()
    rows: dict[str, dict[str, Any]] = {}

    def one(folder: Path) -> None:
        try:
            report = grade(folder, out / "students" / folder.name)
            row = row_of(folder.name, report)
        except Exception as exc:  # the grader's own crash: recorded, the class goes on
            row = {"student": folder.name, "modules": {}, "total": None,
                   "status": f"grader crashed: {type(exc).__name__}: {exc}"}
        with done:
            rows[folder.name] = row
            log(f"graded {folder.name} ({len(rows)} done): {row['status']}")

    with ThreadPoolExecutor(max_workers=max(1, jobs)) as pool:
        list(pool.map(one, students(class_dir)))
    return [rows[name] for name in sorted(rows)]


def row_of(student: str, report: dict[str, Any]) -> dict[str, Any]:
    """One gradebook row from a student's JSON report."""
    modules = {m["dist"]: m["score"] for m in report.get("modules", [])}
    scored = [s for s in modules.values() if s is not None]
    if report.get("checkout_changes"):
        status = "NO GRADE: the checkout changed"
    elif not report.get("sandboxed", False):
        status = "graded UNSANDBOXED"
    else:
        status = "graded"
    return {"student": student, "modules": modules,
            "total": round(sum(scored) / len(scored), 4) if scored else None,
            "status": status if modules else "no package of the course"}


def gradebook(rows: Sequence[dict[str, Any]], course: Course) -> str:
    """CSV: student, one column a module that anyone handed in, the mean score, status."""
    dists = [m.dist for m in course.modules if any(m.dist in r["modules"] for r in rows)]
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(["student", *dists, "total", "status"])
    for r in rows:
        cells = ["" if r["modules"].get(d) is None else f"{r['modules'][d]:g}" for d in dists]
        writer.writerow([r["student"], *cells, "" if r["total"] is None else f"{r['total']:g}",
                         r["status"]])
    return buffer.getvalue()


def write_gradebook(out: Path, rows: Sequence[dict[str, Any]], course: Course) -> Path:
    """`out/gradebook.csv` and `out/gradebook.json`, atomically; the CSV's path."""
    write_atomic(out / "gradebook.json", json.dumps({"students": list(rows)}, indent=2) + "\n")
    write_atomic(out / "gradebook.csv", gradebook(rows, course))
    return out / "gradebook.csv"


def merge(folder: Path) -> list[dict[str, Any]]:
    """Gradebook rows from the per-student JSON reports in `folder` (<student>.json).

    An unreadable report is a row that says so: the merge never drops a student.
    """
    rows = []
    for path in sorted(folder.glob("*.json")):
        try:
            report = json.loads(path.read_text(encoding="utf-8"))
            if not isinstance(report, dict) or "modules" not in report:
                raise ValueError("not a grade report")
            rows.append(row_of(path.stem, report))
        except (OSError, ValueError) as exc:
            rows.append({"student": path.stem, "modules": {}, "total": None,
                         "status": f"unreadable report: {exc}"})
    return rows


def _grade_command(student: str, report: str, options: Sequence[str], python: str = "python",
                   envdir: str = "") -> str:
    nox = [python, "-m", "nox", *(["--envdir", envdir] if envdir else []), "-s", "grade", "--"]
    return " ".join([*nox, "--student", student, "--report", report,
                     *map(shlex.quote, options)])


def slurm_script(class_dir: Path, out: Path, options: Sequence[str],
                 python: str = "python") -> str:
    """An sbatch job array: task i grades the i-th student folder (sorted), one node each.

    `python`: one with nox (the grader's own, as `nox -s grade -- --slurm` writes it).
    Each task has a nox envdir of its own, so tasks on one node do not share venvs.
    """
    names = [p.name for p in students(class_dir)]
    listing = "\n".join(names)
    command = _grade_command('"$CLASS/$STUDENT"', '"$OUT/$STUDENT"', options,
                             shlex.quote(python), '"$OUT/.nox-$STUDENT"')
    return f"""#!/bin/bash
# Grade {len(names)} students of {class_dir}, one Slurm array task each.
# Submit: sbatch {'{this file}'}; then merge: nox -s grade -- --merge {out} --report {out}
#SBATCH --job-name=tinytorch-grade
#SBATCH --array=0-{max(len(names) - 1, 0)}
#SBATCH --cpus-per-task=2
#SBATCH --mem=8G
#SBATCH --time=02:00:00
#SBATCH --output={out}/slurm-%A_%a.log
set -euo pipefail
CLASS={shlex.quote(str(class_dir))}
OUT={shlex.quote(str(out))}
STUDENTS=(
{listing}
)
STUDENT="${{STUDENTS[$SLURM_ARRAY_TASK_ID]}}"
cd {shlex.quote(str(REPO))}
{command}
"""


def github_workflow(options: Sequence[str]) -> str:
    """A GitHub Actions workflow: a matrix over the student folders of `submissions/`."""
    command = _grade_command('"submissions/${{ matrix.student }}"',
                             '"reports/${{ matrix.student }}"', options)
    return f"""# Grade every folder of submissions/ (GitHub Classroom: one per student), in
# parallel, then merge the reports into one gradebook (an artifact).
name: grade
on: workflow_dispatch
jobs:
  list:
    runs-on: ubuntu-latest
    outputs:
      students: ${{{{ steps.ls.outputs.students }}}}
    steps:
      - uses: actions/checkout@v4
      - id: ls
        run: echo "students=$(ls submissions | jq -R . | jq -cs .)" >> "$GITHUB_OUTPUT"
  grade:
    needs: list
    runs-on: ubuntu-latest
    strategy:
      fail-fast: false
      matrix:
        student: ${{{{ fromJSON(needs.list.outputs.students) }}}}
    steps:
      - uses: actions/checkout@v4
      - uses: actions/setup-python@v5
        with:
          python-version: "3.11"
      - run: sudo apt-get install -y bubblewrap && python -m pip install "nox[uv]"
      - run: {command} || true
      - uses: actions/upload-artifact@v4
        with:
          name: report-${{{{ matrix.student }}}}
          path: reports/${{{{ matrix.student }}}}.json
  merge:
    needs: grade
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
      - uses: actions/download-artifact@v4
        with:
          path: reports
          merge-multiple: true
      - run: python -m pip install "nox[uv]"
      - run: python -m nox -s grade -- --merge reports --report gradebook
      - uses: actions/upload-artifact@v4
        with:
          name: gradebook
          path: gradebook/
"""
