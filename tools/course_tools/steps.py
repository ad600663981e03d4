"""The checks a session runs after installing, and the summary at the end.

Every step runs even when an earlier one failed (a student wants to see all
that is wrong at once); the session fails at the end if any step failed.

Each pytest step writes a JUnit report; the summary counts the PyTorch oracle
checks that skipped (tt-testing's `torch_or_skip` reason) and says so in one
line, so a run without PyTorch is never mistaken for a run with it.
"""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import nox.command

from .install import TORCH
from .manifest import REPO, Milestone, Module, helper_module, package_dir


@dataclass
class Step:
    name: str
    status: str  # passed | failed | skipped
    detail: str = ""


def has_tests(folder: Path) -> bool:
    """Whether pytest would find test files in `folder`."""
    return folder.is_dir() and any(
        p for pattern in ("test_*.py", "*_test.py") for p in folder.rglob(pattern)
    )


def milestone_command(milestone: Milestone, report: Path, full: bool) -> list[str]:
    """`python milestones/<name>.py [--quick] --seed 0 --report <report>`."""
    quick = [] if full else ["--quick"]
    return ["python", milestone.script, *quick, "--seed", "0", "--report", str(report)]


def junit_path(args: Sequence[str]) -> Path | None:
    """The report a `--junitxml=PATH` (or `--junit-xml PATH`) among pytest's args names."""
    for i, arg in enumerate(args):
        for flag in ("--junitxml", "--junit-xml"):
            if arg.startswith(flag + "="):
                return Path(arg.split("=", 1)[1])
            if arg == flag and i + 1 < len(args):
                return Path(args[i + 1])
    return None


def oracle_skips(xml: Path) -> int:
    """How many tests of a JUnit report skipped because PyTorch is not installed (0 if none
    or unreadable)."""
    reason = helper_module("reasons").ORACLE_SKIPPED
    try:
        root = ET.parse(xml).getroot()
    except (OSError, ET.ParseError):
        return 0
    return sum(1 for case in root.iter("testcase") for skip in case.findall("skipped")
               if reason in (skip.get("message") or "") + (skip.text or ""))


def oracle_line(skipped: int) -> str:
    """The closing line of a session whose oracle checks skipped (empty when none did)."""
    if not skipped:
        return ""
    return (f"PyTorch is not installed here: {skipped} oracle checks skipped (values were "
            f"still checked against NumPy and stored expected values). pip install {TORCH} "
            "to run them.")


class Steps:
    """Runs steps in a nox session and remembers how each went."""

    def __init__(self, session: Any, pytest_args: Sequence[str] = ()) -> None:
        self.session = session
        self.pytest_args = list(pytest_args)
        self.done: list[Step] = []
        self.oracle_skipped = 0

    def _run(self, name: str, cmd: Sequence[str], success_codes: Sequence[int] = (0,)) -> bool:
        self.session.log(f"--- {name}")
        try:
            # PYTHONPATH could put a source tree before the installed packages
            self.session.run(*cmd, success_codes=list(success_codes), env={"PYTHONPATH": None})
        except nox.command.CommandFailed:
            self.done.append(Step(name, "failed"))
            return False
        self.done.append(Step(name, "passed"))
        return True

    def skip(self, name: str, why: str) -> None:
        self.session.log(f"--- {name}: skipped, {why}")
        self.done.append(Step(name, "skipped", why))

    def pytest(self, name: str, paths: Sequence[Path], through: str | None = None) -> None:
        """Run pytest on `paths` (from the repo root, against the installed packages).

        `through`: run only the tests the chain through that distribution covers
        (tt-testing's `--tt-through`, the `requires` markers).
        """
        rel = [str(p.relative_to(REPO)) if p.is_relative_to(REPO) else str(p) for p in paths]
        # with the user's own selection (-k ...), a package where nothing matches is fine (5)
        codes = (0, 5) if self.pytest_args or through else (0,)
        extra = [f"--tt-through={through}"] if through else []
        xml = junit_path(self.pytest_args)
        if xml is None:
            slug = re.sub(r"[^A-Za-z0-9_.-]+", "-", name).strip("-")
            xml = Path(self.session.create_tmp()).resolve() / "junit" / f"{slug}.xml"
            xml.parent.mkdir(parents=True, exist_ok=True)
            extra.append(f"--junitxml={xml}")
        xml.unlink(missing_ok=True)
        self._run(name, ["pytest", *rel, "-q", "--import-mode=importlib", *extra,
                         *self.pytest_args], codes)
        self.oracle_skipped += oracle_skips(xml)

    def package_tests(self, modules: Sequence[Module]) -> None:
        """The reference tests of every package, against whatever is installed."""
        for m in modules:
            tests = package_dir(m.dist) / "tests"
            if not has_tests(tests):
                self.done.append(Step(f"{m.dist} tests", "failed", "no tests in " + str(tests)))
                self.session.warn(f"--- {m.dist} tests: packages/{m.dist}/tests has no tests")
                continue
            self.pytest(f"{m.dist} tests", [tests])

    def integration(self, parts: Sequence[int]) -> None:
        """`integration/partN/` for each part; a folder without tests yet is skipped."""
        for n in parts:
            folder = REPO / "integration" / f"part{n}"
            if has_tests(folder):
                self.pytest(f"integration part{n}", [folder])
            else:
                self.skip(f"integration part{n}", f"integration/part{n}/ has no tests yet")

    def milestones(self, milestones: Sequence[Milestone], report_dir: Path, full: bool) -> None:
        """Run each milestone script; a script that does not exist yet is skipped."""
        for ms in milestones:
            name = f"milestone {ms.name}"
            if not (REPO / ms.script).is_file():
                self.skip(name, f"{ms.script} does not exist yet")
                continue
            report = report_dir / f"{ms.name}.json"
            report.unlink(missing_ok=True)
            self._run(name, milestone_command(ms, report, full))
            if report.is_file():
                self.done[-1].detail = summarize_report(report, ms)

    def failed(self) -> list[str]:
        """The names of the steps that failed so far."""
        return [s.name for s in self.done if s.status == "failed"]

    def finish(self, closing: Sequence[str] = ()) -> None:
        """Print the summary, the oracle line and `closing`; fail the session if a step failed."""
        self.session.log("summary:")
        width = max((len(s.name) for s in self.done), default=0)
        for s in self.done:
            detail = f"  {s.detail}" if s.detail else ""
            self.session.log(f"  {s.name.ljust(width)}  {s.status}{detail}")
        for line in [oracle_line(self.oracle_skipped), *closing]:
            if line:
                self.session.log(line)
        failed = self.failed()
        if failed:
            self.session.error(f"{len(failed)} step(s) failed: {', '.join(failed)}")


def summarize_report(report: Path, milestone: Milestone) -> str:
    """`accuracy 1.0 (target 1.0)` from a milestone's JSON report, when it has the metric.

    Reads `{"metric": name, "value": v}`, or the metric as a key of the report
    or of its `metrics` table.
    """
    try:
        data = json.loads(report.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return f"report {report.name} unreadable"
    if not isinstance(data, dict):
        return f"report: {report}"
    value = data.get("value") if data.get("metric") == milestone.metric else None
    if value is None:
        value = data.get(milestone.metric, (data.get("metrics") or {}).get(milestone.metric))
    if value is None:
        return f"report: {report}"
    # the report's own target is the one the run was held to (a --quick or a per-data one)
    goal = data.get("target", milestone.target)
    return f"{milestone.metric} {value} (target {goal})"
