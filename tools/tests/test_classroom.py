"""A whole class: students side by side, crashes recorded, the gradebook, the job-system files."""

from __future__ import annotations

import csv
import io
import json
import shutil
import subprocess
import threading
import time
from pathlib import Path

import pytest
from course_tools import classroom
from course_tools.grade import parse_grade_options
from course_tools.manifest import load
from course_tools.options import UsageError

COURSE = load()


def _report(scores: dict[str, float | None], sandboxed: bool = True) -> dict:
    return {"modules": [{"dist": d, "score": s} for d, s in scores.items()],
            "sandboxed": sandboxed, "checkout_changes": []}


def _class(tmp: Path, names: list[str]) -> Path:
    for name in names:
        (tmp / "class" / name).mkdir(parents=True)
    (tmp / "class" / ".git").mkdir()
    (tmp / "class" / "notes.txt").write_text("not a student")
    return tmp / "class"


def test_students_are_graded_side_by_side_and_a_crash_is_recorded(tmp_path: Path) -> None:
    folder = _class(tmp_path, ["ann", "bob", "cy", "dee"])
    running, most = [0], [0]
    lock = threading.Lock()

    def grade(student: Path, report: Path) -> dict:
        with lock:
            running[0] += 1
            most[0] = max(most[0], running[0])
        time.sleep(0.2)
        with lock:
            running[0] -= 1
        if student.name == "bob":
            raise OSError("disk full")
        return _report({"tt-tensor": 1.0, "tt-layers": 0.5 if student.name == "cy" else None})

    rows = classroom.grade_class(folder, tmp_path / "out", 2, grade, lambda _: None)
    assert [r["student"] for r in rows] == ["ann", "bob", "cy", "dee"]
    assert most[0] == 2  # two at a time, never more
    bob = rows[1]
    assert bob["status"] == "grader crashed: OSError: disk full" and bob["total"] is None
    assert rows[2]["total"] == 0.75 and rows[0]["total"] == 1.0
    text = classroom.gradebook(rows, COURSE)
    table = list(csv.reader(io.StringIO(text)))
    assert table[0] == ["student", "tt-tensor", "tt-layers", "total", "status"]
    assert table[3] == ["cy", "1", "0.5", "0.75", "graded"]
    assert table[2][-1].startswith("grader crashed")


def test_merge_combines_reports_and_keeps_a_student_whose_report_is_broken(tmp_path) -> None:
    (tmp_path / "ann.json").write_text(json.dumps(_report({"tt-tensor": 0.5})))
    (tmp_path / "bob.json").write_text("{not json")
    (tmp_path / "cy.json").write_text(json.dumps(_report({"tt-tensor": 1.0}, sandboxed=False)))
    rows = classroom.merge(tmp_path)
    assert [(r["student"], r["total"]) for r in rows] == [("ann", 0.5), ("bob", None),
                                                          ("cy", 1.0)]
    assert rows[1]["status"].startswith("unreadable report")
    assert rows[2]["status"] == "graded UNSANDBOXED"
    out = classroom.write_gradebook(tmp_path / "book", rows, COURSE)
    assert out.read_text().splitlines()[0] == "student,tt-tensor,total,status"
    assert len(json.loads((tmp_path / "book" / "gradebook.json").read_text())["students"]) == 3


def test_the_slurm_array_has_a_task_per_student(tmp_path: Path) -> None:
    folder = _class(tmp_path, ["ann", "bob", "cy"])
    script = classroom.slurm_script(folder, tmp_path / "out", ["--only-tests"])
    assert "#SBATCH --array=0-2" in script
    assert "STUDENTS=(\nann\nbob\ncy\n)" in script
    assert ('python -m nox --envdir "$OUT/.nox-$STUDENT" -s grade -- --student '
            '"$CLASS/$STUDENT" --report "$OUT/$STUDENT" --only-tests') in script
    if shutil.which("bash"):
        proc = subprocess.run(["bash", "-n"], input=script, text=True, capture_output=True,
                              check=False)
        assert proc.returncode == 0, proc.stderr


def test_the_github_workflow_is_a_matrix_then_a_merge() -> None:
    text = classroom.github_workflow(["--no-torch"])
    for line in ("student: ${{ fromJSON(needs.list.outputs.students) }}",
                 '--student "submissions/${{ matrix.student }}"',
                 "--merge reports --report gradebook", "apt-get install -y bubblewrap"):
        assert line in text


def test_class_options(tmp_path: Path) -> None:
    folder = _class(tmp_path, ["ann"])
    opts = parse_grade_options(["--class", str(folder), "--jobs", "2", "--only-tests",
                                "--report", "book"], tmp_path)
    assert opts.class_dir == folder and opts.jobs == 2 and opts.report == tmp_path / "book"
    assert "--only-tests" in opts.passed_on
    for bad, message in ((["--student", str(folder), "--jobs", "2"], "go with --class"),
                         (["--class", str(folder), "--jobs", "0"], "give a number >= 1"),
                         (["--student", str(folder), "--class", str(folder)], "not allowed")):
        with pytest.raises(UsageError, match=message):
            parse_grade_options(bad, tmp_path)
