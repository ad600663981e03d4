"""A module's session: the integration tests its prefix covers, what it unlocks, what next.

The `requires` marker is read by tt-testing's plugin (`--tt-through`) and by
the tooling (to know whether a folder has anything to run); both use
`tt_testing/prefix.py`, tested here, with the plugin run in a real pytest.
"""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from course_tools import unlock
from course_tools.manifest import helper_module, load, parse_course
from course_tools.options import Swap

prefix = helper_module("prefix")


# -- reading the marker -------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("source", "required"),
    [('import pytest\npytestmark = pytest.mark.requires("tt-training")\n', ["tt-training"]),
     ('from pytest import mark\npytestmark = [mark.slow, mark.requires("tt-a", "tt-b")]\n',
      ["tt-a", "tt-b"]),
     ('pytestmark: object = (pytest.mark.requires("tt-a"),)\n', ["tt-a"]),
     ("import pytest\n\n@pytest.mark.requires('tt-x')\ndef test_a():\n    pass\n", None),
     ("pytestmark = pytest.mark.slow\n", None),
     ("def f():\n    pytestmark = pytest.mark.requires('tt-a')\n", None)])
def test_file_requires(source: str, required: list[str] | None) -> None:
    assert prefix.file_requires(source) == required


def test_file_requires_refuses_what_it_cannot_read() -> None:
    with pytest.raises(ValueError, match="line 1: requires"):
        prefix.file_requires("pytestmark = pytest.mark.requires(DIST)\n")


def test_uncovered() -> None:
    assert prefix.uncovered(["tt-b", "tt-a", "tt-b"], {"tt-a"}) == ["tt-b"]
    assert prefix.uncovered([], set()) == []


# -- the plugin, in a real pytest -----------------------------------------------------------------
def test_the_plugin_runs_only_what_the_prefix_covers(tmp_path: Path) -> None:
    pytest.importorskip("tinytorch.setup", reason="the plugin reads the course map from tt-setup")
    files = {
        "test_layers.py": """
            import pytest
            pytestmark = pytest.mark.requires("tt-layers")

            def test_runs():
                pass

            @pytest.mark.requires("tt-training")
            def test_needs_more():
                pass
            """,
        "test_training.py": """
            import pytest
            import no_such_module_here  # never imported under --tt-through=tt-layers
            pytestmark = pytest.mark.requires("tt-training")
            """,
        "test_unmarked.py": "def test_unknown_needs():\n    pass\n",
    }
    for name, text in files.items():
        (tmp_path / name).write_text(textwrap.dedent(text), encoding="utf-8")

    def start(*args: str) -> subprocess.Popen:
        return subprocess.Popen([sys.executable, "-m", "pytest", "-p", "no:cacheprovider",
                                 "--import-mode=importlib", "-v", *args, str(tmp_path)],
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                                cwd=tmp_path)

    # in parallel: some (the option), everything (without it), wrong (a name not in the course)
    procs = [start("--tt-through=tt-layers"), start(), start("--tt-through=tt-nope")]
    (some, _), (everything, _), (_, wrong) = (p.communicate(timeout=120) for p in procs)
    assert procs[0].returncode == 0, some
    assert "test_layers.py::test_runs PASSED" in some
    assert "1 passed, 1 deselected" in some
    assert "test_unmarked" not in some and "no_such_module_here" not in some
    assert procs[1].returncode != 0 and "no_such_module_here" in everything  # all collected
    assert procs[2].returncode != 0 and "no module 'tt-nope'" in wrong


# -- the steps of a module's session --------------------------------------------------------------
def test_integration_runs_follow_the_prefix(fake_repo) -> None:
    course = parse_course((fake_repo.root / "course.toml").read_text())
    alpha, beta, gamma = course.modules
    folder = fake_repo.root / "integration" / "part1"
    # tt-alpha: nothing in part 1 says it needs only tt-alpha
    [run] = unlock.integration_runs(course, alpha, fake_repo.root)
    assert (run.folder, run.through) == (folder, None)
    assert run.skip == "no test in integration/part1/ needs only modules 01-01"
    fake_repo.write("integration/part1/test_early.py",
                    'import pytest\npytestmark = pytest.mark.requires("tt-alpha")\n')
    [run] = unlock.integration_runs(course, alpha, fake_repo.root)
    assert (run.name, run.through, run.skip) == ("integration part1 (through tt-alpha)",
                                                 "tt-alpha", "")
    assert unlock.covered_files(folder, {"tt-alpha"}) == [folder / "test_early.py"]
    # tt-beta ends part 1: the whole folder; tt-gamma: part 1 whole, part 2 has none yet
    assert unlock.integration_runs(course, beta, fake_repo.root) == [
        unlock.IntegrationRun("integration part1", folder)]
    runs = unlock.integration_runs(course, gamma, fake_repo.root)
    assert [(r.name, r.through, r.skip) for r in runs] == [
        ("integration part1", None, ""),
        ("integration part2", None, "integration/part2/ has no tests yet")]


MINI = """
[[module]]
number = 1
dist = "tt-a"
name = "a"
part = 1
[[module]]
number = 2
dist = "tt-b"
name = "b"
part = 1
[[module]]
number = 3
dist = "tt-c"
name = "c"
part = 2
[part.1]
title = "One"
through = 2
[part.2]
title = "Two"
through = 3
[[milestone]]
name = "early"
title = "Early"
requires = 1
metric = "accuracy"
target = 1.0
[[milestone]]
name = "late"
title = "Late"
requires = 3
metric = "accuracy"
target = 1.0
"""


def test_the_closing_lines_say_what_was_unlocked_and_what_next(tmp_path: Path) -> None:
    course = parse_course(MINI)
    a, b, c = course.modules
    assert unlock.closing_lines(course, a, []) == [
        "tt-a (module 01) is complete: its tests, the chain 01-01 together and what it unlocks "
        "passed.",
        "Unlocked: milestone early (Early): python milestones/early.py",
        "Next: module 02, nox -s tt-b"]
    assert unlock.closing_lines(course, b, [])[1:] == [
        "Unlocked: no new milestone (next: late, with module 03 tt-c)",
        "Part 1 is complete: One.",
        "Next: nox -s part1  (the whole part with its milestones; then nox -s tt-c)"]
    assert unlock.closing_lines(course, c, [])[-2:] == [
        "Part 2 is complete: Two.", "Next: nox -s part2  (the whole part with its milestones)"]
    # a failure: what passing would unlock, and the same command again, the swap kept
    swaps = {"tt-a": Swap("tt-a", tmp_path / "mine" / "a", "--use"),
             "tt-b": Swap("tt-b", tmp_path / "b.whl", "TT_USE")}
    assert unlock.closing_lines(course, a, ["tt-a tests"], swaps, tmp_path) == [
        "tt-a (module 01) is not complete yet: 1 step(s) failed (tt-a tests).",
        "When it passes it unlocks milestone early.",
        "Next: fix what failed, then nox -s tt-a -- --use tt-a=mine/a"]
    assert unlock.closing_lines(course, a, [], swaps, tmp_path)[-1] == \
        "Next: module 02, nox -s tt-b -- --use tt-a=mine/a"


def test_the_real_course_unlocks_its_milestones() -> None:
    course = load()
    for module in course.modules:
        news = unlock.new_milestones(course, module)
        assert all(ms.requires == module.number for ms in news)
        assert set(course.milestones_unlocked_by(module.number)) >= set(news)
    part1 = course.part(1)
    assert unlock.completed_part(course, course.module(part1.through)) == part1
    lines = unlock.closing_lines(course, course.module("tt-layers"), [])
    assert any("milestone perceptron_1957" in line for line in lines)
