"""Helpers of the session steps: test discovery, milestone commands, reports."""

from __future__ import annotations

import json
from pathlib import Path

from course_tools.manifest import load
from course_tools.steps import has_tests, milestone_command, summarize_report


def test_has_tests(tmp_path: Path) -> None:
    assert not has_tests(tmp_path / "missing")
    (tmp_path / "part1").mkdir()
    (tmp_path / "part1" / "helpers.py").write_text("")
    assert not has_tests(tmp_path / "part1")
    (tmp_path / "part1" / "deep").mkdir()
    (tmp_path / "part1" / "deep" / "test_chain.py").write_text("")
    assert has_tests(tmp_path / "part1")


def test_milestone_command(tmp_path: Path) -> None:
    ms = load().milestones[0]
    report = tmp_path / f"{ms.name}.json"
    assert milestone_command(ms, report, full=False) == [
        "python", f"milestones/{ms.name}.py", "--quick", "--seed", "0", "--report", str(report)
    ]
    assert "--quick" not in milestone_command(ms, report, full=True)


def test_summarize_report(tmp_path: Path) -> None:
    ms = load().milestones[0]
    report = tmp_path / "r.json"
    report.write_text(json.dumps({ms.metric: 0.5}))
    assert summarize_report(report, ms) == f"{ms.metric} 0.5 (target {ms.target})"
    report.write_text(json.dumps({"metrics": {ms.metric: 0.75}}))
    assert summarize_report(report, ms) == f"{ms.metric} 0.75 (target {ms.target})"
    report.write_text(json.dumps({"metric": ms.metric, "value": 1.0, "passed": True}))
    assert summarize_report(report, ms) == f"{ms.metric} 1.0 (target {ms.target})"
    # a --quick run held to its own target says so, not course.toml's full target
    report.write_text(json.dumps({"metric": ms.metric, "value": 0.85, "target": 0.84}))
    assert summarize_report(report, ms) == f"{ms.metric} 0.85 (target 0.84)"
    report.write_text(json.dumps({"other": 1}))
    assert summarize_report(report, ms) == f"report: {report}"
    report.write_text("{not json")
    assert summarize_report(report, ms) == "report r.json unreadable"


JUNIT = """<?xml version="1.0" encoding="utf-8"?><testsuites><testsuite name="pytest">
<testcase classname="test_s" name="test_a"><skipped type="pytest.skip"
 message="PyTorch not installed: oracle check skipped">t.py:3: PyTorch not installed: oracle
 check skipped</skipped></testcase>
<testcase classname="test_s" name="test_b"><skipped type="pytest.skip" message="other">t.py:5:
 other</skipped></testcase>
<testcase classname="test_s" name="test_c"/>
<testcase classname="test_s" name="test_d"><skipped message="PyTorch not installed: oracle check
 skipped"/></testcase></testsuite></testsuites>"""


def test_oracle_skips_are_counted_from_the_junit_report(tmp_path: Path) -> None:
    from course_tools.manifest import helper_module
    from course_tools.steps import oracle_line, oracle_skips

    assert helper_module("reasons").ORACLE_SKIPPED == "PyTorch not installed: oracle check skipped"
    xml = tmp_path / "r.xml"
    xml.write_text(JUNIT.replace("oracle check\n skipped", "oracle check skipped"))
    assert oracle_skips(xml) == 2
    assert oracle_skips(tmp_path / "missing.xml") == 0
    (tmp_path / "bad.xml").write_text("<testsuites")
    assert oracle_skips(tmp_path / "bad.xml") == 0
    assert oracle_line(0) == ""
    assert oracle_line(57) == (
        "PyTorch is not installed here: 57 oracle checks skipped (values were still checked "
        "against NumPy and stored expected values). pip install torch==2.13.0 to run them.")


def test_junit_path() -> None:
    from course_tools.steps import junit_path

    assert junit_path(["-k", "x", "--junitxml=out/r.xml"]) == Path("out/r.xml")
    assert junit_path(["--junit-xml", "r.xml"]) == Path("r.xml")
    assert junit_path(["-q"]) is None


class FakeSession:
    """What `Steps` uses of a nox session; `run` plays pytest writing a JUnit report."""

    def __init__(self, tmp: Path, skipped: int) -> None:
        self.tmp, self.skipped, self.logged, self.commands = tmp, skipped, [], []

    def create_tmp(self) -> str:
        return str(self.tmp)

    def log(self, text: str) -> None:
        self.logged.append(text)

    warn = log

    def run(self, *cmd: str, **kwargs: object) -> None:
        self.commands.append(cmd)
        xml = next(Path(a.split("=", 1)[1]) for a in cmd if a.startswith("--junitxml="))
        case = ('<testcase name="t"><skipped message="PyTorch not installed: oracle check '
                'skipped"/></testcase>')
        xml.write_text(f"<testsuites><testsuite>{case * self.skipped}</testsuite></testsuites>")

    def error(self, text: str) -> None:
        raise RuntimeError(text)


def test_steps_sum_the_oracle_skips_and_say_it_once_at_the_end(tmp_path: Path) -> None:
    from course_tools.steps import Steps

    session = FakeSession(tmp_path, skipped=3)
    steps = Steps(session)
    steps.pytest("tt-a tests", [tmp_path])
    steps.pytest("integration part1 (through tt-a)", [tmp_path], through="tt-a")
    assert steps.oracle_skipped == 6
    assert "--tt-through=tt-a" in session.commands[1]
    steps.finish(["closing words"])
    assert session.logged[-2:] == [
        "PyTorch is not installed here: 6 oracle checks skipped (values were still checked "
        "against NumPy and stored expected values). pip install torch==2.13.0 to run them.",
        "closing words"]
    quiet = FakeSession(tmp_path, skipped=0)
    steps = Steps(quiet)
    steps.pytest("tt-a tests", [tmp_path])
    steps.finish()
    assert not any("PyTorch" in line for line in quiet.logged)
