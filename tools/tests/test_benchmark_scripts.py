"""`nox -s benchmark` finds every benchmark and the chain it needs from the script itself."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from course_tools import sessions
from course_tools.manifest import REPO, load
from course_tools.options import UsageError


def test_every_benchmark_in_the_repo_names_a_module_of_the_course() -> None:
    found = sessions.benchmark_scripts(load())
    names = [script.name for script, _ in found]
    assert sorted(names) == sorted(p.name for p in (REPO / "benchmarks").glob("*.py")
                                 if not p.name.startswith("_"))
    numbers = [module.number for _, module in found]
    assert numbers == sorted(numbers)  # chain order: Part I's benchmark runs first
    assert dict((s.stem, m.dist) for s, m in found)["mlp_step"] == "tt-training"


def test_a_benchmark_without_its_requirement_is_refused(tmp_path: Path) -> None:
    (tmp_path / "ok.py").write_text('"""Doc."""\nREQUIRES = "tt-layers"\n')
    (tmp_path / "_helper.py").write_text('"""Shared by the benchmarks: not one itself."""\n')
    assert [m.dist for _, m in sessions.benchmark_scripts(load(), tmp_path)] == ["tt-layers"]
    (tmp_path / "bare.py").write_text('"""Doc."""\nSTEPS = 3\n')
    with pytest.raises(UsageError, match=re.escape('bare.py: needs one line `REQUIRES = "tt-')):
        sessions.benchmark_scripts(load(), tmp_path)
