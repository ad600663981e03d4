"""Each attack that once forged a grade, built as a student package, graded for real.

Issue 8 saw each of these score 1.0 where the honest, unfilled starter scored
0.02. Here each must be refused with its reason, or score no more than the
honest starter of the same module, and the checkout must be unchanged after.
They share one built chain: one reference venv and one cache of reference
wheels, and the graded module is tt-activations (a chain of three packages),
graded `--only-tests` without PyTorch. The grading runs in this process,
through a stand-in for a nox session, so that all students share them.
Cost: about 10 s a student.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import textwrap
from dataclasses import replace
from pathlib import Path
from typing import Any

import nox.command
import pytest
from course_tools import checkout, grade, sandbox, starters
from course_tools.grade import GradeOptions
from course_tools.manifest import REPO, load
from course_tools.reference import Reference

COURSE = load()
MODULE = COURSE.module("tt-activations")
WHY = sandbox.status()
pytestmark = pytest.mark.skipif(bool(WHY), reason=f"no sandbox here: {WHY}")


class LocalSession:
    """What grading uses of a nox session, run in this process (commands as subprocesses)."""

    def __init__(self, tmp: Path) -> None:
        self.bin = str(Path(sys.executable).parent)
        self.tmp = tmp

    def run(self, *cmd: str, silent: bool = False, **_: Any) -> str:
        proc = subprocess.run(cmd, capture_output=True, text=True, check=False)
        if proc.returncode:
            raise nox.command.CommandFailed(proc.stdout + proc.stderr)
        return proc.stdout

    def create_tmp(self) -> str:
        self.tmp.mkdir(parents=True, exist_ok=True)
        return str(self.tmp)

    def log(self, *_: Any) -> None:
        pass

    warn = log

    def error(self, text: str) -> None:
        raise RuntimeError(text)


def _starter(dest: Path) -> Path:
    starters.write_starter(COURSE, MODULE.dist, dest, source=REPO / "packages" / MODULE.dist)
    return dest


def _init(folder: Path) -> Path:
    return folder / "src" / "tinytorch" / "activations" / "__init__.py"


def _with_code(dest: Path, code: str, base: str = "starter") -> Path:
    """The starter (or the reference) with `code` run when the package is imported."""
    if base == "starter":
        _starter(dest)
    else:
        shutil.copytree(REPO / "packages" / MODULE.dist, dest,
                        ignore=shutil.ignore_patterns("__pycache__"))
    init = _init(dest)
    init.write_text(init.read_text() + "\n" + textwrap.dedent(code))
    return dest


# What each attack does when the package is imported (in the tests, the cases, ...).
REWRITE_JUNIT = """
import atexit as _atexit, os as _os, re as _re, sys as _sys
def _forge():
    for _arg in _sys.argv:
        if _arg.startswith("--junitxml="):
            _path = _arg.split("=", 1)[1]
            try:
                _text = open(_path).read()
            except OSError:
                return
            _text = _re.sub(r"<failure.*?</failure>|<error.*?</error>", "", _text, flags=_re.S)
            open(_path, "w").write(_text)
            _os._exit(0)
_atexit.register(_forge)
"""
ATTACKS = {
    "argv sniffing": ("""
import sys as _sys
if "pytest" not in _sys.modules:  # right only when the reference tests run it
    def relu(x): raise NotImplementedError
    def sigmoid(x): raise NotImplementedError
    def tanh(x): raise NotImplementedError
    def gelu(x, approximate="none"): raise NotImplementedError
    def softmax(x, dim=-1): raise NotImplementedError
    def log_softmax(x, dim=-1): raise NotImplementedError
""", "reference"),
    "JUnit rewritten at exit": (REWRITE_JUNIT, "starter"),
    "conftest planted in the checkout": ("""
import os as _os
for _p in ("packages/tt-activations/tests/conftest.py", "conftest.py"):
    try:
        with open(_os.path.join(_os.getcwd(), _p), "a") as _f:
            _f.write("import pytest\\n")
    except OSError:
        pass
""", "starter"),
    "detached process rewriting reports": ("""
import os as _os, subprocess as _sp, sys as _sys
_sp.Popen([_sys.executable, "-c",
           "import glob, time\\ntime.sleep(3)\\nfor p in glob.glob('/**/*.xml', recursive=True):"
           "\\n    try: open(p, 'w').write('<testsuites/>')\\n    except OSError: pass"],
          start_new_session=True, stdout=_sp.DEVNULL, stderr=_sp.DEVNULL)
""", "starter"),
    "__path__ to the reference source": (f"""
__path__ = [{str(REPO / "packages/tt-activations/src/tinytorch/activations")!r}]
from tinytorch.activations.relu import relu
""", "starter"),
    "files deleted in the working directory": ("""
import os as _os, shutil as _shutil
for _name in _os.listdir(_os.getcwd()):
    _shutil.rmtree(_name, ignore_errors=True)
""", "starter"),
    "memory held": ("""
_hoard = bytearray(8 * 2**30)
""", "starter"),
    "endless output": ("""
import sys as _sys
for _ in range(10**6):
    _sys.stdout.write("spam " * 200 + "\\n")
""", "starter"),
    "a function that hangs": ("""
def sigmoid(x):
    while True:
        pass
""", "starter"),
}
TEST_TIMEOUT = {"a function that hangs": 2}  # seconds a test may take, where not the default


def _refused_folder(dest: Path, attack: str) -> Path:
    """A starter whose packaging ships what runs on its own."""
    _starter(dest)
    pyproject = dest / "pyproject.toml"
    text = pyproject.read_text()
    if attack == "pytest11 plugin":
        text += '\n[project.entry-points.pytest11]\nevil = "tinytorch.activations"\n'
    elif attack == ".pth file in the wheel":
        (dest / "evil.pth").write_text("import os\n")
        text = text.replace('packages = ["src/tinytorch"]',
                            'packages = ["src/tinytorch"]\n\n'
                            '[tool.hatch.build.targets.wheel.force-include]\n'
                            '"evil.pth" = "evil.pth"')
    elif attack == "sitecustomize":
        (dest / "src" / "sitecustomize.py").write_text("import numpy.testing\n")
    elif attack == "a build hook that hangs":
        (dest / "hatch_build.py").write_text("import time\ntime.sleep(10**6)\n")
        text += "\n[tool.hatch.build.hooks.custom]\n"
    pyproject.write_text(text)
    return dest


REFUSED = {"pytest11 plugin": "entry-points", ".pth file in the wheel": "evil.pth",
           "sitecustomize": "sitecustomize.py", "a build hook that hangs": "hooks run code"}


@pytest.fixture(scope="module")
def graded(tmp_path_factory) -> dict[str, Any]:
    """Grade the honest starter and every attack, each as a student; sharing one chain."""
    tmp = tmp_path_factory.mktemp("attacks")
    session = LocalSession(tmp / "session")
    ref = Reference(session, tmp / "reference", torch=False)
    students: dict[str, Path] = {"honest starter": _starter(tmp / "honest" / "tt-activations")}
    for name, (code, base) in ATTACKS.items():
        students[name] = _with_code(tmp / name.replace(" ", "-") / "tt-activations", code, base)
    for name in REFUSED:
        students[name] = _refused_folder(tmp / name.replace(" ", "-") / "tt-activations", name)
    before = checkout.fingerprint(REPO)
    options = GradeOptions(tmp, tmp / "r", only_tests=True, torch=False, timeout=60)
    out = {}
    for name, folder in students.items():
        opts = replace(options, student=folder.parent, report=tmp / "reports" / folder.parent.name,
                       test_timeout=TEST_TIMEOUT.get(name, options.test_timeout))
        grades, skipped, crashed = grade.grade_student(session, COURSE, opts, ref,
                                                       tmp / "venvs" / folder.parent.name, True)
        assert not crashed and not skipped, (name, skipped)
        out[name] = grades[0]
    out["checkout changes"] = checkout.changes(before, checkout.fingerprint(REPO))
    return out


def test_the_honest_starter_scores_little_and_the_reference_cases_ran(graded) -> None:
    honest = graded["honest starter"]
    assert honest.status == "graded" and honest.tests is not None
    assert honest.tests.ran > 50 and honest.score is not None and honest.score < 0.2
    assert honest.cases is not None and honest.cases["total"] >= 10


@pytest.mark.parametrize("attack", sorted(ATTACKS))
def test_an_attack_scores_no_more_than_the_honest_starter(graded, attack: str) -> None:
    got, honest = graded[attack], graded["honest starter"]
    assert got.score is not None and got.score <= honest.score, (got.score, got.formula,
                                                                  got.notes, got.reason)


@pytest.mark.parametrize("attack", sorted(REFUSED))
def test_packaging_that_runs_on_its_own_is_refused_with_its_reason(graded, attack: str) -> None:
    got = graded[attack]
    assert got.status == "refused" and got.score == 0.0
    assert REFUSED[attack] in got.reason


def test_limits_are_named_in_the_grade(graded) -> None:
    assert any("memory limit" in text for text in graded["memory held"].limits)
    assert any("output" in text for text in graded["endless output"].limits)


def test_a_hanging_test_costs_that_test_only(graded) -> None:
    hung, honest = graded["a function that hangs"], graded["honest starter"]
    assert hung.status == "graded" and hung.tests is not None
    assert hung.tests.ran == honest.tests.ran  # every test ran and was counted
    assert any("Timeout" in line for line in hung.tests.failures)


def test_the_forged_reports_are_caught(graded) -> None:
    sniffer = graded["argv sniffing"]
    assert any("not corroborated" in note for note in sniffer.notes)
    forged = graded["JUnit rewritten at exit"]
    assert forged.tests is not None and forged.cases is not None
    # the forged report claims more than the starter's; the cases do not back it
    assert any("not corroborated" in note for note in forged.notes) or forged.tests.flags
    assert forged.score <= graded["honest starter"].score


def test_grading_left_the_checkout_unchanged(graded) -> None:
    assert graded["checkout changes"] == []
