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
    report.write_text(json.dumps({"other": 1}))
    assert summarize_report(report, ms) == f"report: {report}"
    report.write_text("{not json")
    assert summarize_report(report, ms) == "report r.json unreadable"
