"""`tito status` and `tito milestones`: the chain, what is installed, what it unlocks.

Both read only metadata (no package is imported), so they are instant and
work even when an installed package is broken; `tito doctor` imports.

A milestone is in one of three states (`milestone_state`):

- runnable now: its script exists and every module it needs is installed;
- locked: modules it needs are not installed (they are named);
- not built yet: `course.toml` plans it, but its script does not exist.

Scripts live in `milestones/` of the course repository, so tito can only see
them in a checkout: the one `course.toml` was read from (an editable
install), else the one around the current directory. Outside a checkout it
says that the script could not be checked, rather than guess.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TextIO

from .checkout import find_checkout, is_checkout
from .course import Course, Milestone
from .installed import InstalledPackage, find_installed
from .table import format_table

RUNNABLE, LOCKED, NOT_BUILT, UNCHECKED = "runnable now", "locked", "not built yet", "unchecked"


def missing_for(
    milestone: Milestone, course: Course, installed: Mapping[str, InstalledPackage]
) -> list[str]:
    """The distributions of the milestone's prefix that are not installed."""
    return [m.dist for m in course.modules_through(milestone.requires) if m.dist not in installed]


def part_for(milestone: Milestone, course: Course) -> int:
    """The first part whose prefix contains everything the milestone needs."""
    return next(p.number for p in course.parts if p.through >= milestone.requires)


def course_checkout(course: Course) -> Path | None:
    """The checkout `course` was read from, else the one around the current directory."""
    source = Path(course.source) if course.source else None
    if source is not None and source.is_file() and is_checkout(source.parent.resolve()):
        return source.parent.resolve()
    return find_checkout()


@dataclass(frozen=True)
class MilestoneState:
    """Where a milestone stands: `state` is one of RUNNABLE, LOCKED, NOT_BUILT, UNCHECKED."""

    state: str
    missing: tuple[str, ...]  # the distributions it needs that are not installed
    script: Path | None  # the script in the checkout (None: no checkout to look in)

    def short(self) -> str:
        """One phrase: `runnable now`, `locked: needs tt-x, tt-y and 3 more`, ..."""
        if self.state == LOCKED:
            more = f" and {len(self.missing) - 3} more" if len(self.missing) > 3 else ""
            return "locked: needs " + ", ".join(self.missing[:3]) + more
        if self.state == UNCHECKED:
            return "modules installed; script not checked"
        return self.state


def milestone_state(milestone: Milestone, course: Course,
                    installed: Mapping[str, InstalledPackage],
                    checkout: Path | None) -> MilestoneState:
    """Whether `milestone` can run here: its script (in `checkout`) and its modules."""
    missing = tuple(missing_for(milestone, course, installed))
    script = checkout / milestone.script if checkout is not None else None
    if script is not None and not script.is_file():
        return MilestoneState(NOT_BUILT, missing, script)
    if missing:
        return MilestoneState(LOCKED, missing, script)
    return MilestoneState(RUNNABLE if script is not None else UNCHECKED, missing, script)


def target_text(milestone: Milestone) -> str:
    """`accuracy >= 1.0`; a loss is minimised, so `val_loss <= 2.0`."""
    op = "<=" if "loss" in milestone.metric else ">="
    text = f"{milestone.metric} {op} {milestone.target}"
    for data, target in milestone.data_targets.items():
        text += f" ({op} {target} with --data {data})"
    return text


def status(course: Course, out: TextIO) -> int:
    """Print every module with its part and installation, then the milestones."""
    installed = find_installed()
    n_in = sum(m.dist in installed for m in course.modules)
    out.write(f"{course.name}: {n_in} of {len(course.modules)} modules installed\n")
    for part in course.parts:
        out.write(f"\nPart {part.number}: {part.title} (modules "
                  f"{part.new_modules[0].number:02d}-{part.through:02d})\n")
        rows = []
        for m in part.new_modules:
            pkg = installed.get(m.dist)
            if pkg is None:
                rows.append((f"{m.number:02d}", m.dist, "-", "not installed", ""))
            else:
                rows.append((f"{m.number:02d}", m.dist, pkg.version, pkg.kind, str(pkg.source)))
        out.write(format_table(("#", "distribution", "version", "kind", "from"), rows) + "\n")
    checkout = course_checkout(course)
    out.write("\nMilestones (`tito milestones` says how to run them)\n")
    if checkout is None:
        out.write("  (no course checkout here: run tito inside the course repository to see "
                  "which scripts exist)\n")
    rows = []
    for ms in by_requirement(course):
        needs = f"01-{ms.requires:02d} (through {course.module(ms.requires).dist})"
        rows.append((ms.name, needs, milestone_state(ms, course, installed, checkout).short()))
    out.write(format_table(("milestone", "needs modules", "state"), rows) + "\n")
    return 0


def by_requirement(course: Course) -> list[Milestone]:
    """The milestones in the order a student reaches them: by the last module they need."""
    return sorted(course.milestones, key=lambda ms: ms.requires)


def _run_path(script: Path | None, milestone: Milestone) -> str:
    """The script's path to type: relative inside the checkout, else absolute."""
    if script is None:
        return milestone.script
    cwd = Path.cwd().resolve()
    checkout = script.parent.parent
    if cwd == checkout or checkout in cwd.parents:
        return os.path.relpath(script, cwd)
    return str(script)


def milestones(course: Course, out: TextIO) -> int:
    """Print the milestones grouped by the module that unlocks them, each with its state.

    Each says what it needs, whether it is runnable now (else which modules
    are missing, or that its script is not built yet), its target and how
    to run it.
    """
    installed = find_installed()
    checkout = course_checkout(course)
    states = {ms.name: milestone_state(ms, course, installed, checkout)
              for ms in course.milestones}
    counts = {s: sum(st.state == s for st in states.values())
              for s in (RUNNABLE, LOCKED, NOT_BUILT, UNCHECKED)}
    where = (f"scripts looked up in {checkout / 'milestones'}" if checkout is not None else
             "no course checkout here, so the scripts were not checked: run tito inside the "
             "course repository")
    out.write(f"{len(course.milestones)} milestones ({where})\n")
    out.write(f"  {counts[RUNNABLE]} runnable now, {counts[LOCKED]} locked (modules not "
              f"installed), {counts[NOT_BUILT]} not built yet"
              + (f", {counts[UNCHECKED]} unchecked" if counts[UNCHECKED] else "") + "\n")
    last = 0
    for ms in by_requirement(course):
        module = course.module(ms.requires)
        if ms.requires != last:
            last = ms.requires
            out.write(f"\nRight after {module.label} (modules 01-{ms.requires:02d}):\n")
        st = states[ms.name]
        out.write(f"  {ms.name}: {ms.title} [{st.short()}]\n")
        out.write(f"    needs   modules 01-{ms.requires:02d}, tt-setup .. {module.dist}\n")
        if st.state == LOCKED:
            out.write(f"    missing {', '.join(st.missing)}\n")
        out.write(f"    target  {target_text(ms)}\n")
        if st.state == NOT_BUILT:
            out.write(f"    script  {ms.script} does not exist yet in {checkout}\n")
            continue
        run = _run_path(st.script, ms)
        note = "" if st.script is not None else "   (from the course repository)"
        out.write(f"    run     python {run} --seed 0{note}\n")
        out.write(f"            nox -s part{part_for(ms, course)}   (installs the chain, runs "
                  "its tests and milestones)\n")
    return 0
