"""`tito status` and `tito milestones`: the chain, what is installed, what it unlocks.

Both read only metadata (no package is imported), so they are instant and
work even when an installed package is broken; `tito doctor` imports.
"""

from __future__ import annotations

from typing import TextIO

from .course import Course, Milestone
from .installed import InstalledPackage, find_installed
from .table import format_table


def missing_for(
    milestone: Milestone, course: Course, installed: dict[str, InstalledPackage]
) -> list[str]:
    """The distributions of the milestone's prefix that are not installed."""
    return [m.dist for m in course.modules_through(milestone.requires) if m.dist not in installed]


def part_for(milestone: Milestone, course: Course) -> int:
    """The first part whose prefix contains everything the milestone needs."""
    return next(p.number for p in course.parts if p.through >= milestone.requires)


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
    out.write("\nMilestones\n")
    rows = []
    for ms in course.milestones:
        missing = missing_for(ms, course, installed)
        if missing:
            more = f" and {len(missing) - 3} more" if len(missing) > 3 else ""
            state = "locked: needs " + ", ".join(missing[:3]) + more
        else:
            state = "unlocked"
        needs = f"01-{ms.requires:02d} (through {course.module(ms.requires).dist})"
        rows.append((ms.name, needs, state))
    out.write(format_table(("milestone", "needs modules", "state"), rows) + "\n")
    return 0


def milestones(course: Course, out: TextIO) -> int:
    """Print each milestone: what it needs, its target, and how to run it."""
    installed = find_installed()
    for i, ms in enumerate(course.milestones):
        if i:
            out.write("\n")
        missing = missing_for(ms, course, installed)
        last = course.module(ms.requires)
        state = "unlocked" if not missing else f"locked ({len(missing)} not installed)"
        out.write(f"{ms.name}: {ms.title} [{state}]\n")
        out.write(f"  needs   modules 01-{ms.requires:02d}, tt-setup .. {last.dist}\n")
        if missing:
            out.write(f"  missing {', '.join(missing)}\n")
        out.write(f"  target  {target_text(ms)}\n")
        out.write(f"  run     python {ms.script} --seed 0   (from the course repository)\n")
        out.write(f"          nox -s part{part_for(ms, course)}   (installs the chain, runs its "
                  "tests and milestones)\n")
    return 0
