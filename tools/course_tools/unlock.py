"""What finishing a module brings: the checks its prefix covers and the closing message.

`nox -s tt-layers` installs the chain 01..04 and runs, beside the packages'
own tests,

- the integration tests that prefix covers: a part's folder whole once the
  module ends the part (or a later one), else only the tests whose
  `requires` markers name modules of the prefix (tt-testing's
  `--tt-through`; see `tt_testing/prefix.py`);
- the milestones it makes runnable (`requires` <= the module, course.toml),

and ends by saying what passing it unlocked (the milestones that need exactly
this module, the part it completes) and the command to run next. Pure
functions of the course map and the folders, tested directly.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from .manifest import REPO, Course, Milestone, Module, Part, helper_module
from .options import Swap
from .steps import has_tests


@dataclass(frozen=True)
class IntegrationRun:
    """One pytest step over `integration/partN`: whole (`through` None), filtered, or skipped."""

    name: str
    folder: Path
    through: str | None = None
    skip: str = ""


def covered_files(folder: Path, available: set[str]) -> list[Path]:
    """The test files of `folder` whose module-level `requires` the distributions cover."""
    prefix = helper_module("prefix")
    found = []
    for path in sorted(folder.rglob("test_*.py")):
        try:
            required = prefix.file_requires(path.read_text(encoding="utf-8"))
        except (OSError, SyntaxError, ValueError):
            continue
        if required is not None and not prefix.uncovered(required, available):
            found.append(path)
    return found


def integration_runs(course: Course, module: Module, repo: Path = REPO) -> list[IntegrationRun]:
    """The integration steps of the session of `module`: parts 1..its part."""
    available = {m.dist for m in course.modules_through(module.number)}
    runs = []
    for part in course.parts:
        if part.number > module.part:
            break
        folder = repo / "integration" / f"part{part.number}"
        name = f"integration part{part.number}"
        if not has_tests(folder):
            runs.append(IntegrationRun(name, folder, skip=f"integration/part{part.number}/ "
                                                          "has no tests yet"))
        elif module.number >= part.through:
            runs.append(IntegrationRun(name, folder))
        elif covered_files(folder, available):
            runs.append(IntegrationRun(f"{name} (through {module.dist})", folder, module.dist))
        else:
            runs.append(IntegrationRun(name, folder, skip=(
                f"no test in integration/part{part.number}/ needs only modules "
                f"01-{module.number:02d}")))
    return runs


def new_milestones(course: Course, module: Module) -> tuple[Milestone, ...]:
    """The milestones that need exactly this module: the ones passing it unlocks."""
    return tuple(ms for ms in course.milestones if ms.requires == module.number)


def completed_part(course: Course, module: Module) -> Part | None:
    """The part this module ends, if it ends one."""
    return next((p for p in course.parts if p.through == module.number), None)


def swap_args(swaps: dict[str, Swap], base: Path) -> str:
    """` -- --use DIST=PATH ...` for the swaps given on the command line (TT_USE persists)."""
    parts = []
    for swap in swaps.values():
        if swap.origin != "--use":
            continue
        rel = os.path.relpath(swap.path, base)
        path = rel if len(rel) < len(str(swap.path)) else str(swap.path)
        parts.append(f"--use {swap.dist}={path}")
    return f" -- {' '.join(parts)}" if parts else ""


def _milestone_line(ms: Milestone) -> str:
    return f"milestone {ms.name} ({ms.title}): python {ms.script}"


def closing_lines(course: Course, module: Module, failed: Sequence[str],
                  swaps: dict[str, Swap] | None = None, base: Path = REPO) -> list[str]:
    """The end of a module's session: what it unlocked and what to run next."""
    again = swap_args(swaps or {}, base)
    unlocked = new_milestones(course, module)
    part = completed_part(course, module)
    label = f"{module.dist} (module {module.number:02d})"
    if failed:
        lines = [f"{label} is not complete yet: {len(failed)} step(s) failed "
                 f"({', '.join(failed)})."]
        if unlocked or part:
            brings = [f"milestone {ms.name}" for ms in unlocked]
            brings += [f"the end of part {part.number}"] if part else []
            lines.append(f"When it passes it unlocks {', '.join(brings)}.")
        lines.append(f"Next: fix what failed, then nox -s {module.dist}{again}")
        return lines
    lines = [f"{label} is complete: its tests, the chain 01-{module.number:02d} together"
             " and what it unlocks passed."]
    if unlocked:
        lines.append("Unlocked: " + _milestone_line(unlocked[0]))
        lines += ["          " + _milestone_line(ms) for ms in unlocked[1:]]
    else:
        later = next((ms for ms in course.milestones if ms.requires > module.number), None)
        lines.append("Unlocked: no new milestone" + (
            f" (next: {later.name}, with module {later.requires:02d} "
            f"{course.module(later.requires).dist})" if later else ""))
    following = course.modules[module.number] if module.number < len(course.modules) else None
    if part:
        lines.append(f"Part {part.number} is complete: {part.title}.")
        then = f"; then nox -s {following.dist}" if following else ""
        lines.append(f"Next: nox -s part{part.number}{again}  (the whole part with its "
                     f"milestones{then})")
    elif following:
        lines.append(f"Next: module {following.number:02d}, nox -s {following.dist}{again}")
    return lines
