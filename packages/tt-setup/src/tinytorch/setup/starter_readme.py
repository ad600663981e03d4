"""The README of a student's starter, written from course.toml and the reference.

It says what the module is (number, part, summary), which functions to write
(file:line, from the stubs), how to install it and run its tests, how to swap
it into the chain with `nox -s partN -- --use`, which milestone it unlocks,
and what the reference exports (its README's `## Public API` section).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from .course import Course, Milestone, Module

if TYPE_CHECKING:
    from .template import Todo


def api_section(readme: str) -> str:
    """The body of the reference README's `## Public API` section ('' if it has none)."""
    found = re.search(r"^##[ \t]+Public API[^\n]*\n(.*?)(?=^##?[ \t]|\Z)", readme,
                      re.MULTILINE | re.DOTALL)
    return found.group(1).strip() if found else ""


def _unlocks(course: Course, module: Module) -> str:
    """What finishing the module unlocks, in a sentence."""
    now = [ms for ms in course.milestones if ms.requires == module.number]

    def name(ms: Milestone) -> str:
        return f"`{ms.name}` ({ms.title}, `python {ms.script}`)"

    if now:
        return (f"With modules 01-{module.number:02d} in place, this module unlocks the "
                f"milestone{'s' if len(now) > 1 else ''} " + " and ".join(map(name, now)) + ".")
    later = [ms for ms in course.milestones if ms.requires > module.number]
    if later:
        ms = min(later, key=lambda m: m.requires)
        return (f"No milestone needs exactly this module; it is on the way to {name(ms)}, "
                f"which needs modules 01-{ms.requires:02d}.")
    return "No milestone comes after this module."


def student_readme(course: Course, module: Module, dest: Path, version: str,
                   todos: Sequence[Todo], api: str, deps: Sequence[str]) -> str:
    """The starter's README: what to implement, install, test, swap in, what it unlocks.

    `dest` is where the starter lives, `version` the reference's, `todos` the
    functions to write, `api` the reference README's Public API section and
    `deps` the tt-* packages it builds on.
    """
    dist = module.dist
    part = next(p for p in course.parts if p.through >= module.number)
    lines = [
        f"# {dist}: my implementation",
        "",
        f"Module {module.number:02d} of {course.name}, part {part.number} ({part.title}): "
        f"{module.summary}.",
        "",
        f"This starter was generated from the reference {dist} {version}: the same "
        "distribution, layout and tests, with the body of every function you write replaced "
        "by `raise NotImplementedError(...)`. Write your code between the "
        "`### BEGIN SOLUTION` and `### END SOLUTION` lines around each stub; keep the "
        "markers, the signatures and the docstrings (they say what each function does).",
        "",
        "## What to implement",
        "",
    ]
    if todos:
        lines += [f"{len(todos)} function(s), in file order:", "",
                  "| where | function |", "|---|---|"]
        lines += [f"| `{t.path}:{t.line}` | `{t.qualname}` |" for t in todos]
    else:
        lines += [f"Nothing: {dist} has no solution regions. It is given to you as it is; "
                  "install it and use it."]
    after = (f" `pip install -e` also installs what it builds on ({', '.join(deps)}) from "
             "your package index; in a course checkout, `pip install` those folders of "
             "`packages/` first." if deps else "")
    lines += [
        "",
        "## Install",
        "",
        "```bash",
        f"pip install -e {dest}",
        "pip install tt-testing pytest    # the tests' helpers; in a course checkout: "
        "pip install -e tools/tt-testing",
        "```",
        "",
        "Install from your course's package index (`pip install --index-url URL ...`, "
        "your instructor gives the URL): it serves the reference packages and tt-testing.",
        "",
        "`-e` (editable) makes every edit count at once, without reinstalling." + after,
        "",
        "## Run its tests",
        "",
        "```bash",
        f"python -m pytest {dest}/tests -q",
        "```",
        "",
        f"These are the reference {dist}'s own tests. They fail until you write the "
        "functions above and pass when your package does what the reference does.",
        "",
        "## Swap it into the chain",
        "",
        "From the course repository:",
        "",
        "```bash",
        f"nox -s part{part.number} -- --use {dist}={dest}",
        "```",
        "",
        f"installs part {part.number} (modules 01-{part.through:02d}) with your package in "
        "place of the reference, and runs every package's tests, the integration tests and "
        "the milestones against it.",
        "",
        "## What it unlocks",
        "",
        _unlocks(course, module),
    ]
    if api:
        lines += ["", "## Public API (what the reference exports)", "", api]
    return "\n".join(lines) + "\n"
