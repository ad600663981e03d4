"""`nox -s grade`: what it finds in a student's folder, how it counts, the report, and the proof
that the student's code is what runs.

The pure pieces (arguments, discovery, JUnit counting, scoring, the report) are called
directly. The proof runs `nox -s grade` in a subprocess, as a teacher would: installing a
chain needs a real nox session (venvs, `session.run`), and a fake one would only test the
fake. Its envdir is under tmp, so it never touches the repository's .nox or a concurrent
grade. Two runs with `--only-tests --no-torch` (15-35 s on 2 cores): a broken `mul` backward
rule plus a package that does not import, then an unmodified copy.
"""

from __future__ import annotations

import datetime
import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import nox.command
import pytest
from course_tools import grade, grade_report
from course_tools.evidence import Counts, parse_junit
from course_tools.grade import Grade, GradeOptions
from course_tools.intake import Skipped
from course_tools.manifest import REPO, load
from course_tools.options import UsageError
from course_tools.sandbox import Limits
from course_tools.workspace import Workspace

IGNORE = shutil.ignore_patterns("__pycache__", "*.pyc", "build", "dist", "*.egg-info",
                                ".pytest_cache")


# --- arguments and discovery ------------------------------------------------------------


def test_options(tmp_path: Path) -> None:
    (tmp_path / "alice").mkdir()
    opts = grade.parse_grade_options(
        ["--student", "alice", "--report", "out/alice.json", "--full", "--no-torch", "--", "-x"],
        tmp_path,
    )
    assert opts.student == tmp_path / "alice"
    assert opts.report == tmp_path / "out" / "alice"  # the suffix is ours to add
    assert (opts.full, opts.only_tests, opts.torch, opts.pytest_args) == (True, False, False,
                                                                          ["-x"])
    now = datetime.datetime(2025, 3, 4, 5, 6, 7)
    opts = grade.parse_grade_options(["--student", str(tmp_path / "alice"), "--only-tests"],
                                     REPO, now)
    assert opts.report == REPO / "reports" / "grade-20250304-050607"
    assert opts.only_tests and opts.torch
    with pytest.raises(UsageError, match="--student"):
        grade.parse_grade_options([], tmp_path)
    with pytest.raises(UsageError, match="is not a folder"):
        grade.parse_grade_options(["--student", "bob"], tmp_path)
    assert opts.timeout == 900
    opts = grade.parse_grade_options(["--student", "alice", "--timeout", "30"], tmp_path)
    assert opts.timeout == 30
    with pytest.raises(UsageError, match="--timeout 0"):
        grade.parse_grade_options(["--student", "alice", "--timeout", "0"], tmp_path)


def test_a_step_that_hangs_is_stopped_at_its_limit(tmp_path: Path) -> None:
    class Log:
        def log(self, text: str) -> None:
            pass

        warn = log

    ws = Workspace(Log(), tmp_path, Path(sys.prefix), Limits(seconds=1))
    ws.readable = [Path(sys.base_prefix)]
    started = time.monotonic()
    with pytest.raises(nox.command.CommandFailed):
        ws.run(sys.executable, "-c", "import time; time.sleep(120)", silent=True)
    assert time.monotonic() - started < 30
    assert ws.last is not None and ws.last.limit == "time"


def _package(folder: Path, name: str, pyproject: str | None = None) -> Path:
    folder.mkdir(parents=True)
    text = pyproject if pyproject is not None else f'[project]\nname = "{name}"\n'
    (folder / "pyproject.toml").write_text(text, encoding="utf-8")
    return folder


def test_chain_for(monkeypatch) -> None:
    course = load()
    sub = grade.Submission(course.module("tt-autograd"), Path("/x"))
    part = course.part(sub.module.part)
    assert grade.chain_for(course, sub, only_tests=True) == (
        course.modules_through("tt-autograd"), "")
    assert grade.chain_for(course, sub, only_tests=False) == (part.modules, "")
    # a part not complete in packages/ yet: the module's own prefix, and why
    monkeypatch.setattr(grade, "missing_packages",
                        lambda modules: ["tt-autograd", part.modules[-1].dist])
    chain, note = grade.chain_for(course, sub, only_tests=False)
    assert chain == course.modules_through("tt-autograd")
    assert part.modules[-1].dist in note and "no integration tests" in note


# --- counting and scoring ---------------------------------------------------------------

JUNIT = """<?xml version="1.0" encoding="utf-8"?>
<testsuites><testsuite name="pytest" errors="1" failures="1" skipped="1" tests="5">
<testcase classname="t" name="a"/>
<testcase classname="t" name="b"/>
<testcase classname="t" name="c"><failure message="assert 1 == 2">x</failure></testcase>
<testcase classname="t" name="d"><skipped message="no torch"/></testcase>
<testcase classname="" name="tests.test_x"><error message="collection failure"/></testcase>
</testsuite></testsuites>
"""


def test_parse_junit_and_score(tmp_path: Path) -> None:
    xml = tmp_path / "r.xml"
    xml.write_text(JUNIT, encoding="utf-8")
    counts, _ = parse_junit(xml)
    assert (counts.passed, counts.failed, counts.errors, counts.skipped) == (2, 1, 0, 1)
    assert counts.broken_files == ["tests.test_x"]  # a file that did not import
    assert counts.status == "failed" and counts.ran == 3
    counts.uncollected = 5  # what the reference collects in that file (grade_one counts it)
    assert counts.ran == 8
    assert grade.score(counts) == 0.25  # skipped tests do not count
    assert counts.summary() == "2/8 (1 failed, 5 in files that did not import, 1 skipped)"
    assert grade.score(Counts()) == 0.0 and grade.score(None) == 0.0
    assert grade.score(Counts(passed=3)) == 1.0


def test_milestone_result(tmp_path: Path) -> None:
    report = tmp_path / "xor_1969.json"
    report.write_text(json.dumps({"metric": "accuracy", "value": 0.5, "target": 1.0,
                                  "passed": False}))
    assert grade.milestone_result(report, "failed", "") == {
        "status": "failed", "passed": False, "value": 0.5, "target": 1.0, "metric": "accuracy"}
    missing = grade.milestone_result(tmp_path / "none.json", "failed", "")
    assert missing["passed"] is False and "no report" in missing["detail"]
    skipped = grade.milestone_result(tmp_path / "none.json", "skipped", "no script yet")
    assert skipped["status"] == "skipped" and skipped["detail"] == "no script yet"


# --- the report ----------------------------------------------------------------------------


def _sample(tmp_path: Path) -> dict:
    good = Grade("tt-tensor", 2, 1, "/s/tt-tensor", score=0.75,
                 tests=Counts(passed=3, failed=1, status="failed"),
                 integration=Counts(passed=5, status="passed"),
                 milestones={"xor_1969": {"status": "passed", "passed": True, "value": 1.0,
                                          "target": 1.0, "metric": "accuracy"}})
    broken = Grade("tt-autograd", 7, 1, "/s/ag", status="install failed", score=0.0,
                   reason="tt-autograd (student package) failed to build: a | b\nsecond line")
    absent = Grade("tt-spatial", 9, 2, "/s/sp", status="not graded",
                   reason="no reference tests in packages/tt-spatial/tests")
    good.cases = {"passed": 9, "total": 10, "differ": ["case_relu: output 'y' differs"],
                  "detail": ""}
    good.formula = "0.5 x tests 0.75 + 0.5 x cases 0.9 = 0.825"
    good.limits = ["integration: time limit hit"]
    opts = GradeOptions(tmp_path, tmp_path / "r")
    return grade_report.report_data(
        Path("/s"), opts, [good, broken, absent],
        [Skipped("/s/notes.txt", "neither a package folder nor a wheel")],
        started="2026-11-30T10:00:00", seconds=12.3, scoring="score = ...", sandbox="")


def test_write_report(tmp_path: Path) -> None:
    data = _sample(tmp_path)
    base = tmp_path / "deep" / "grade-x"
    json_path, md_path, text = grade_report.write_report(base, data)
    assert (json_path.name, md_path.name) == ("grade-x.json", "grade-x.md")
    assert json.loads(json_path.read_text()) == data
    assert md_path.read_text() == text
    assert sorted(p.name for p in base.parent.iterdir()) == ["grade-x.json", "grade-x.md"]
    rows = {line.split("|")[1].strip(): line for line in text.splitlines()
            if line.startswith("| 0")}
    assert set(rows) == {"02 tt-tensor", "07 tt-autograd", "09 tt-spatial"}
    assert "3/4 (1 failed)" in rows["02 tt-tensor"] and "| 0.75 |" in rows["02 tt-tensor"]
    assert "5/5" in rows["02 tt-tensor"] and "xor_1969 passed 1/1" in rows["02 tt-tensor"]
    # one line, the pipe escaped, the score 0 and the status said
    assert "INSTALL FAILED: tt-autograd" in rows["07 tt-autograd"]
    assert "a \\| b second line" in rows["07 tt-autograd"] and "| 0 |" in rows["07 tt-autograd"]
    assert "NOT GRADED" in rows["09 tt-spatial"] and "| - |" in rows["09 tt-spatial"]
    assert "`/s/notes.txt`: neither a package folder nor a wheel" in text
    assert "| 9/10 |" in rows["02 tt-tensor"]
    assert text.startswith("Sandboxed (")
    for detail in ("- score: 0.5 x tests 0.75", "- limit: integration: time limit hit",
                   "- case differs: case_relu: output 'y' differs"):
        assert detail in text
    data["sandboxed"], data["sandbox"] = False, "bubblewrap is not installed"
    assert grade_report.table(data).startswith("**UNSANDBOXED: these grades are not tamper")
    data["checkout_changes"] = ["added packages/tt-x/tests/conftest.py"]
    assert grade_report.table(data).startswith("**NO GRADE: grading changed the course's")
    data["sandboxed"], data["checkout_changes"] = True, []
    module = data["modules"][0]
    assert module["tests"]["ran"] == 4 and module["score"] == 0.75
    # written again: replaced whole
    data["modules"] = data["modules"][:1]
    grade_report.write_report(base, data)
    assert len(json.loads(json_path.read_text())["modules"]) == 1


class FakeSession:
    """What `grade_session` uses of a nox session; `error` raises, as nox's does."""

    def __init__(self, tmp: Path, posargs: list[str]) -> None:
        self.posargs, self.invoked_from, self.name = posargs, str(tmp), "grade"
        self.tmp, self.logged = tmp / "nox-tmp", []

    def create_tmp(self) -> str:
        self.tmp.mkdir(exist_ok=True)
        return str(self.tmp)

    def log(self, text: str) -> None:
        self.logged.append(text)

    warn = log

    def error(self, text: str) -> None:
        raise RuntimeError(text)


def test_a_crash_of_the_grader_on_one_package_spares_the_others(tmp_path, monkeypatch,
                                                                   capsys) -> None:
    _package(tmp_path / "st" / "a", "tt-tensor")
    _package(tmp_path / "st" / "b", "tt-layers")

    def fake_grade_one(session, course, sub, options, files, venv, ref, isolate):
        if sub.module.dist == "tt-tensor":
            raise OSError("disk full")
        return Grade(sub.module.dist, sub.module.number, sub.module.part, str(sub.path),
                     score=1.0, tests=Counts(passed=2))

    monkeypatch.setattr(grade, "grade_one", fake_grade_one)
    monkeypatch.setattr(grade, "prepare", lambda *args: None)  # no reference chain needed
    session = FakeSession(tmp_path, ["--student", "st", "--report", "out/r"])
    with pytest.raises(RuntimeError, match="grader itself failed on tt-tensor"):
        grade.grade_session(session)
    data = json.loads((tmp_path / "out" / "r.json").read_text())
    assert [(m["dist"], m["status"], m["score"]) for m in data["modules"]] == [
        ("tt-tensor", "not graded", None), ("tt-layers", "graded", 1.0)]
    assert "OSError: disk full" in data["modules"][0]["reason"]
    assert "| 04 tt-layers | 2/2 |" in capsys.readouterr().out
    assert (tmp_path / "out" / "r.md").is_file()


def test_a_folder_without_course_packages_is_an_error_after_the_report(tmp_path) -> None:
    (tmp_path / "st").mkdir()
    (tmp_path / "st" / "notes.txt").write_text("hi")
    with pytest.raises(RuntimeError, match="no package of the course"):
        grade.grade_session(FakeSession(tmp_path, ["--student", "st", "--report", "r"]))
    assert json.loads((tmp_path / "r.json").read_text())["skipped"][0]["reason"].startswith(
        "neither")


def test_usage_errors_end_the_session(tmp_path) -> None:
    _package(tmp_path / "st" / "a", "tt-tensor")
    with pytest.raises(RuntimeError, match="unrecognized arguments: --bogus"):
        grade.grade_session(FakeSession(tmp_path, ["--student", "st", "--bogus"]))


# --- the proof: the student's code is what runs -----------------------------------------


def _copy(dist: str, to: Path) -> Path:
    shutil.copytree(REPO / "packages" / dist, to, ignore=IGNORE)
    return to


def _grade(tmp: Path, student: Path, name: str) -> tuple[dict, str]:
    """`nox -s grade -- --student ... --only-tests --no-torch`; the JSON report and the output."""
    env = {k: v for k, v in os.environ.items()
           if k not in ("VIRTUAL_ENV", "NOX_CURRENT_SESSION", "PYTHONPATH")}
    proc = subprocess.run(
        [sys.executable, "-m", "nox", "-f", str(REPO / "noxfile.py"),
         "--envdir", str(tmp / "nox"), "-s", "grade", "--",
         "--student", str(student), "--report", str(tmp / name), "--only-tests", "--no-torch"],
        capture_output=True, text=True, timeout=600, env=env, cwd=tmp, check=False,
    )
    output = proc.stdout + proc.stderr
    assert proc.returncode == 0, output[-4000:]
    return json.loads((tmp / f"{name}.json").read_text()), output


@pytest.fixture(scope="module")
def graded(tmp_path_factory) -> dict[str, tuple[dict, str]]:
    tmp = tmp_path_factory.mktemp("grade")
    broken = tmp / "broken"
    # one backward rule wrong: d(a*b)/da = a instead of b
    autograd = _copy("tt-autograd", broken / "my-autograd")
    rule = autograd / "src" / "tinytorch" / "autograd" / "rules" / "binary.py"
    text = rule.read_text()
    right = "unbroadcast(grad * b, a.shape)"
    assert text.count(right) == 1, f"the mul rule in {rule} changed: update this test's edit"
    rule.write_text(text.replace(right, "unbroadcast(grad * a, a.shape)"))
    # a package that does not import, and entries that are not packages of the course
    init = _copy("tt-activations", broken / "tt-activations") / "src" / "tinytorch" / \
        "activations" / "__init__.py"
    init.write_text(init.read_text() + "\ndef broken(:\n")
    # a public name missing: the test files that import it cannot even be collected
    init = _copy("tt-losses", broken / "tt-losses") / "src" / "tinytorch" / "losses" / \
        "__init__.py"
    init.write_text(init.read_text() + "\ndel CrossEntropyLoss\n")
    _package(broken / "tt-bogus", "tt-bogus")
    (broken / "notes.txt").write_text("not a package")
    clean = tmp / "clean"
    _copy("tt-autograd", clean / "tt-autograd")
    return {"broken": _grade(tmp, broken, "broken"), "clean": _grade(tmp, clean, "clean")}


def _module(report: dict, dist: str) -> dict:
    (found,) = [m for m in report["modules"] if m["dist"] == dist]
    return found


def test_a_broken_backward_rule_drops_the_score(graded) -> None:
    broken = _module(graded["broken"][0], "tt-autograd")
    clean = _module(graded["clean"][0], "tt-autograd")
    assert broken["status"] == "graded"
    assert broken["tests"]["failed"] > 0 and broken["score"] < 1
    assert broken["tests"]["passed"] < clean["tests"]["passed"]
    assert broken["tests"]["ran"] == clean["tests"]["ran"]  # the same tests, other outcomes


def test_an_unmodified_copy_passes_everything(graded) -> None:
    report, _ = graded["clean"]
    clean = _module(report, "tt-autograd")
    assert clean["score"] == 1.0 and clean["status"] == "graded"
    assert clean["tests"]["failed"] == clean["tests"]["errors"] == 0
    assert clean["tests"]["passed"] > 0
    assert report["skipped"] == []


def test_test_files_that_do_not_import_count_every_test_they_hold(graded) -> None:
    losses = _module(graded["broken"][0], "tt-losses")["tests"]
    assert losses["broken_files"], "removing CrossEntropyLoss must break some test file"
    # every test the reference collects is accounted for: none lost with the broken files
    proc = subprocess.run(
        [sys.executable, "-m", "pytest", "--collect-only", "-q", "--import-mode=importlib",
         "-p", "no:cacheprovider", str(REPO / "packages" / "tt-losses" / "tests")],
        capture_output=True, text=True, cwd=REPO, check=True)
    collected = sum("::" in line for line in proc.stdout.splitlines())
    assert losses["ran"] + losses["skipped"] == collected
    assert losses["uncollected"] > len(losses["broken_files"])  # many tests per broken file
    assert losses["passed"] > 0  # the other files still ran


def test_a_package_that_does_not_import_scores_zero_and_the_rest_is_graded(graded) -> None:
    report, output = graded["broken"]
    activations = _module(report, "tt-activations")
    assert activations["score"] == 0.0 and activations["status"] == "install failed"
    assert "tt-activations (student package" in activations["reason"]
    assert "SyntaxError" in activations["reason"]
    assert activations["tests"] is None
    # graded after it, in a venv of its own, with the reference tt-activations
    assert _module(report, "tt-autograd")["tests"]["ran"] > 0
    assert [m["dist"] for m in report["modules"]] == ["tt-activations", "tt-losses",
                                                      "tt-autograd"]
    skipped = {Path(s["path"]).name: s["reason"] for s in report["skipped"]}
    assert set(skipped) == {"tt-bogus", "notes.txt"}
    # the table is printed; the files of each package are kept beside the report
    assert "| 03 tt-activations |" in output and "| 07 tt-autograd |" in output
    files = Path(report["files"])
    assert (files / "tt-autograd" / "tests.xml").is_file()
    assert (files / "tt-activations" / "chain" / "logs" / "install.log").is_file()
