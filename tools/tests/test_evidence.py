"""A graded run's JUnit report, checked against the reference's test ids and pytest's status.

Each case is a report a student's code could write: a forged "all passed"
with a failing exit status, tests left out, tests invented, a test twice.
"""

from __future__ import annotations

from pathlib import Path

from course_tools.evidence import check, junit_id, parse_junit

IDS = ["packages/tt-x/tests/test_a.py::test_one", "packages/tt-x/tests/test_a.py::test_two[p]",
       "packages/tt-x/tests/test_b.py::TestC::test_three", "packages/tt-x/tests/test_b.py::test_4"]


def _xml(path: Path, cases: list[tuple[str, str, str]]) -> Path:
    body = []
    for classname, name, outcome in cases:
        inner = {"passed": "", "failed": '<failure message="assert 1 == 2">trace</failure>',
                 "skipped": '<skipped message="no torch"/>',
                 "broken": '<error message="collection failure">trace</error>'}[outcome]
        body.append(f'<testcase classname="{classname}" name="{name}">{inner}</testcase>')
    path.write_text('<?xml version="1.0"?><testsuites><testsuite>' + "".join(body)
                    + "</testsuite></testsuites>")
    return path


def _honest(outcomes: list[str]) -> list[tuple[str, str, str]]:
    return [(*junit_id(i), o) for i, o in zip(IDS, outcomes, strict=True)]


def test_junit_id_is_how_pytest_writes_a_node_id() -> None:
    assert junit_id(IDS[1]) == ("packages.tt-x.tests.test_a", "test_two[p]")
    assert junit_id(IDS[2]) == ("packages.tt-x.tests.test_b.TestC", "test_three")


def test_an_honest_report_is_counted_as_it_is(tmp_path: Path) -> None:
    counts, cases = parse_junit(_xml(tmp_path / "j.xml",
                                     _honest(["passed", "failed", "skipped", "passed"])))
    counts = check(counts, cases, IDS, exit_code=1)
    assert (counts.passed, counts.failed, counts.skipped, counts.flags) == (2, 1, 1, [])
    assert counts.failures == ["packages.tt-x.tests.test_a::test_two[p]: assert 1 == 2"]
    clean, cases = parse_junit(_xml(tmp_path / "k.xml", _honest(["passed"] * 4)))
    assert check(clean, cases, IDS, exit_code=0).status == "passed"


def test_all_passed_with_a_failing_exit_status_is_not_trusted(tmp_path: Path) -> None:
    counts, cases = parse_junit(_xml(tmp_path / "j.xml", _honest(["passed"] * 4)))
    counts = check(counts, cases, IDS, exit_code=1)
    assert counts.passed == 0 and counts.failed == 4 and counts.status == "failed"
    assert "not trusted" in counts.flags[0]


def test_failures_with_exit_status_0_are_not_trusted_either(tmp_path: Path) -> None:
    counts, cases = parse_junit(_xml(tmp_path / "j.xml",
                                     _honest(["passed", "failed", "passed", "passed"])))
    assert check(counts, cases, IDS, exit_code=0).passed == 0


def test_missing_tests_fail_and_invented_ones_do_not_count(tmp_path: Path) -> None:
    reported = [*_honest(["passed"] * 4)[:2], ("packages.tt-x.tests.test_z", "test_mine", "passed")]
    counts, cases = parse_junit(_xml(tmp_path / "j.xml", reported))
    counts = check(counts, cases, IDS, exit_code=1)
    assert (counts.passed, counts.failed) == (2, 2)
    assert any("2 reference tests missing" in f for f in counts.flags)
    assert any("test_z::test_mine" in f for f in counts.flags)


def test_a_test_reported_twice_is_flagged(tmp_path: Path) -> None:
    reported = _honest(["passed"] * 4) + _honest(["passed"] * 4)[:1]
    counts, cases = parse_junit(_xml(tmp_path / "j.xml", reported))
    counts = check(counts, cases, IDS, exit_code=0)
    assert any("more than once" in f for f in counts.flags) and counts.status == "failed"


def test_a_file_that_does_not_import_counts_every_reference_test_in_it(tmp_path: Path) -> None:
    reported = [*_honest(["passed", "passed", "passed", "passed"])[:2],
                ("", "packages.tt-x.tests.test_b", "broken")]
    counts, cases = parse_junit(_xml(tmp_path / "j.xml", reported))
    counts = check(counts, cases, IDS, exit_code=1)
    assert (counts.passed, counts.uncollected, counts.ran, counts.flags) == (2, 2, 4, [])


def test_a_run_stopped_at_its_limit_counts_what_it_did_not_report_as_failed(tmp_path) -> None:
    counts, cases = parse_junit(_xml(tmp_path / "j.xml", _honest(["passed"] * 4)[:1]))
    counts = check(counts, cases, IDS, exit_code=None)
    assert (counts.passed, counts.failed) == (1, 3)
    assert "stopped before it ended" in " ".join(counts.flags)
