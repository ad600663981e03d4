"""The noxfile's sessions come from course.toml: one per part and per module."""

from __future__ import annotations

import subprocess
import sys

from course_tools.manifest import REPO, load


def test_sessions_follow_the_course() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "nox", "--list", "-f", str(REPO / "noxfile.py")],
        capture_output=True, text=True, check=True, timeout=120,
    )
    # "* tests -> ..." (selected by default) or "- part1 -> ..."
    names = [line[2:].split(" -> ")[0] for line in result.stdout.splitlines()
             if line[:2] in ("* ", "- ") and " -> " in line]
    course = load()
    expected = [f"part{p.number}" for p in course.parts] + [m.dist for m in course.modules]
    # then the sessions of the course operations (grade, starters, ...), registered after build
    assert names[: len(expected) + 3] == [*expected, "tests", "lint", "build"]
    assert "starters" in names


def test_setup_source_is_the_reader() -> None:
    # the tooling reads the map with tt-setup's own reader, from the source tree
    import tinytorch.setup.course as reader
    from course_tools import manifest

    assert manifest.load_course is reader.load_course
    assert load().modules[0].dist == "tt-setup"
