"""Counting a test run from its JUnit report, and checking that report against the reference.

The JUnit XML of a graded test run is written inside the sandbox, by the
process that ran the student's code, so it is evidence to check, not to
trust. Outside the sandbox, after every process of the step is gone, it is
held against what the trusted side knows:

- the test ids the REFERENCE suite collects (`pytest --collect-only` in the
  reference venv): a missing test counts as failed, an extra or renamed one is
  flagged and not counted, a test reported twice is flagged;
- pytest's exit status, seen by the grader: 0 means every test passed, 1 that
  some failed. A report that disagrees (all passed, status 1; or failures,
  status 0) was tampered with or cut short, and counts as all failed.

What this cannot catch is a forged report that agrees with everything (the
student's code can write one and exit 0): that is why part of a module's
score comes from the differential cases, whose values the grader checks.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

MAX_LISTED = 50  # failing tests listed by name in a report


@dataclass
class Counts:
    """pytest's outcome counts, one per test case of a JUnit XML report."""

    passed: int = 0
    failed: int = 0
    errors: int = 0
    skipped: int = 0
    status: str = "passed"  # passed | failed | skipped (what the step did)
    detail: str = ""
    # Test files that failed to import against the student's package: pytest
    # reports each as ONE error, but it holds many tests. `uncollected` is how
    # many tests the reference collects in those files, counted as failed.
    broken_files: list[str] = field(default_factory=list)
    uncollected: int = 0
    failures: list[str] = field(default_factory=list)  # "test id: first assertion line"
    flags: list[str] = field(default_factory=list)  # what the evidence check found

    @property
    def ran(self) -> int:
        return self.passed + self.failed + self.errors + self.uncollected

    def summary(self) -> str:
        if self.status == "skipped":
            return f"skipped ({self.detail})"
        text = f"{self.passed}/{self.ran}"
        bad = [f"{n} {w}" for n, w in ((self.failed, "failed"), (self.errors, "errors"),
                                       (self.uncollected, "in files that did not import"),
                                       (self.skipped, "skipped")) if n]
        return text + (f" ({', '.join(bad)})" if bad else "") + (
            f" [{self.detail}]" if self.detail else "")


def junit_id(nodeid: str) -> tuple[str, str]:
    """pytest's node id as JUnit writes it: `a/b/test_x.py::C::t[p]` -> ("a.b.test_x.C", "t[p]")."""
    path, *rest = nodeid.split("::")
    module = path[:-3] if path.endswith(".py") else path
    return ".".join([module.replace("/", "."), *rest[:-1]]), rest[-1] if rest else ""


def _first_line(element: ET.Element) -> str:
    text = (element.get("message") or element.text or "").strip()
    return text.splitlines()[0][:200] if text else ""


def parse_junit(path: Path) -> tuple[Counts, dict[tuple[str, str], str]]:
    """Counts by outcome, and every reported case: (classname, name) -> outcome."""
    counts, cases = Counts(), {}
    seen: Counter[tuple[str, str]] = Counter()
    for case in ET.parse(path).getroot().iter("testcase"):
        key = (case.get("classname", ""), case.get("name", ""))
        seen[key] += 1
        error = case.find("error")
        if error is not None and error.get("message") == "collection failure":
            counts.broken_files.append(key[1])  # dotted: pkg.tests.test_x
            continue
        failure = case.find("failure")
        if failure is not None or error is not None:
            bad = failure if failure is not None else error
            if failure is not None:
                counts.failed += 1
            else:
                counts.errors += 1
            if len(counts.failures) < MAX_LISTED:
                counts.failures.append(f"{key[0]}::{key[1]}: {_first_line(bad)}")
            cases[key] = "failed"
        elif case.find("skipped") is not None:
            counts.skipped += 1
            cases[key] = "skipped"
        else:
            counts.passed += 1
            cases[key] = "passed"
    twice = [f"{c}::{n}" for (c, n), k in seen.items() if k > 1]
    if twice:
        counts.flags.append(f"reported more than once: {', '.join(twice[:5])}")
    bad = counts.failed or counts.errors or counts.broken_files
    counts.status = "failed" if bad else "passed"
    return counts, cases


def check(counts: Counts, cases: dict[tuple[str, str], str], reference: Iterable[str],
          exit_code: int | None) -> Counts:
    """Hold a parsed report against the reference's test ids and pytest's exit status.

    Tests of broken files are counted from the reference (`uncollected`);
    missing tests count as failed; extra tests are flagged and dropped.
    """
    expected = {junit_id(nodeid): nodeid for nodeid in reference}
    broken = set(counts.broken_files)
    in_broken = [k for k in expected if k not in cases and
                 any(k[0] == f or k[0].startswith(f + ".") for f in broken)]
    counts.uncollected = max(len(in_broken), len(broken))
    missing = [expected[k] for k in expected if k not in cases and k not in in_broken]
    extra = [f"{c}::{n}" for (c, n) in cases if (c, n) not in expected]
    for key in [k for k in cases if k not in expected]:
        outcome = cases.pop(key)
        if outcome == "passed":
            counts.passed -= 1
        elif outcome == "skipped":
            counts.skipped -= 1
        else:
            counts.failed -= 1
    if missing:
        counts.failed += len(missing)
        counts.flags.append(f"{len(missing)} reference tests missing from the report "
                            f"(counted as failed): {', '.join(missing[:5])}")
    if extra:
        counts.flags.append(f"{len(extra)} tests the reference does not have (not counted): "
                            f"{', '.join(extra[:5])}")
    all_passed = not (counts.failed or counts.errors or counts.uncollected)
    reported_ok = not (counts.failed or counts.errors or counts.broken_files)
    consistent = (exit_code == 0 and reported_ok) or (exit_code == 1 and not reported_ok) \
        or (exit_code == 1 and missing)
    if exit_code is None:
        counts.flags.append("the run was stopped before it ended")
    elif not consistent:
        counts.flags.append(f"the report says {'all passed' if reported_ok else 'some failed'} "
                            f"but pytest exited with status {exit_code}: not trusted, all "
                            "tests counted as failed")
        counts.failed += counts.passed
        counts.passed = 0
    counts.status = "passed" if all_passed and consistent and not counts.flags else "failed"
    return counts
