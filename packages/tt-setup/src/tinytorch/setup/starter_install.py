"""How to install a fresh starter: the command `tito template` prints last.

Why this file exists
--------------------
A starter declares the `tt-*` packages it builds on (`tt-layers` needs
`tt-tensor>=0.1,<0.2`). `pip install -e STARTER` alone looks for them on the
default index (PyPI), where the course's packages are not, and fails on a
fresh machine. So the command installs them too, from one named source:

- the reference packages of the TinyTorch checkout (`packages/tt-*` and
  `tools/tt-testing`), when there is one: every package of the dependency
  closure is named, since pip cannot find a dependency of a dependency on an
  index that does not have it;
- else the course's package index (`--index-url URL`; never
  `--extra-index-url`, which would let a same-named package on PyPI win).

A dependency already installed in a version that fits the declared range
(maybe the student's own) is kept, not replaced by the reference.

Cost: reading one `pyproject.toml` per dependency; nothing is installed here.
"""

from __future__ import annotations

import shlex
import sys
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .course import Course
from .installed import InstalledPackage
from .versions import admits, parse_requirement

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - exercised on Python 3.10 only
    import tomli as tomllib

TESTING = "tt-testing"  # the tests' helpers, at tools/tt-testing of a checkout
INDEX_URL = "URL"  # placeholder: the course's index, which the instructor gives


@dataclass
class InstallPlan:
    """The shell commands that install a starter and run its tests, and what they rely on."""

    commands: list[str]
    notes: list[str] = field(default_factory=list)


def tt_requirements(meta: Mapping[str, Any]) -> list[tuple[str, str]]:
    """(normalized name, specifier) of the `tt-*` dependencies a parsed pyproject.toml declares."""
    out = []
    for line in meta.get("project", {}).get("dependencies", []):
        name, spec, _marker = parse_requirement(str(line))
        if name.startswith("tt-"):
            out.append((name, spec))
    return out


def _read_requirements(package: Path) -> list[tuple[str, str]] | None:
    """The tt-* requirements of the package folder `package`; None if it is not one."""
    try:
        meta = tomllib.loads((package / "pyproject.toml").read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError, UnicodeDecodeError):
        return None
    return tt_requirements(meta)


def closure(checkout: Path, requirements: Sequence[tuple[str, str]]
            ) -> tuple[dict[str, str], list[str]]:
    """Every tt-* package the requirements need, directly or not, read from `checkout`.

    Returns ({name: specifier of the first requirement met}, names missing
    from the checkout's `packages/`).
    """
    found: dict[str, str] = {}
    missing: list[str] = []
    todo = list(requirements)
    while todo:
        name, spec = todo.pop(0)
        if name in found or name in missing:
            continue
        deeper = _read_requirements(checkout / "packages" / name)
        if deeper is None:
            missing.append(name)
            continue
        found[name] = spec
        todo += deeper
    return found, missing


def _keeps(pkg: InstalledPackage | None, spec: str) -> bool:
    """Whether an installed package already satisfies `spec` (so it is kept)."""
    if pkg is None:
        return False
    try:
        return admits(spec, pkg.version)
    except ValueError:
        return False


def _order(course: Course, names: Sequence[str]) -> list[str]:
    """Names in chain order; names the course does not know, last and sorted."""
    numbers = {m.dist: m.number for m in course.modules}
    return sorted(names, key=lambda n: (numbers.get(n, 10**6), n))


def install_plan(course: Course, dest: Path, requirements: Sequence[tuple[str, str]],
                 checkout: Path | None, installed: Mapping[str, InstalledPackage]
                 ) -> InstallPlan:
    """The commands that install the starter at `dest` with what it needs, then test it.

    `requirements` are the starter's declared tt-* dependencies, `checkout`
    the TinyTorch checkout to take reference packages from (None: use the
    course index), `installed` what the current environment has.
    """
    q = shlex.quote
    plan = InstallPlan([])
    needed: dict[str, str] = dict(requirements)
    missing: list[str] = []
    if checkout is not None:
        needed, missing = closure(checkout, requirements)
        if not (checkout / "tools" / TESTING / "pyproject.toml").is_file():
            missing.append(TESTING)
    needed.setdefault(TESTING, "")
    kept = [n for n in _order(course, list(needed)) if _keeps(installed.get(n), needed[n])]
    to_install = [n for n in _order(course, list(needed)) if n not in kept]
    if checkout is not None and not missing:
        sources = [str(checkout / ("tools" if n == TESTING else "packages") / n)
                   for n in to_install]
        plan.commands.append(" ".join(["python -m pip install", *map(q, sources), "-e",
                                       q(str(dest))]))
        if to_install:
            plan.notes.append(f"{', '.join(to_install)}: the reference packages of the "
                              f"checkout {checkout}")
    else:
        names = [q(f"{n}{needed[n]}") for n in to_install]
        plan.commands.append(" ".join(["python -m pip install --index-url", INDEX_URL, *names,
                                       "-e", q(str(dest))]))
        why = ("no TinyTorch checkout was found" if checkout is None else
               f"the checkout {checkout} lacks {', '.join(missing)}")
        plan.notes.append(f"{INDEX_URL}: your course's package index, which serves the "
                          f"reference packages and {TESTING} ({why})")
    if kept:
        plan.notes.append("kept, installed here in a version that fits: " + ", ".join(
            f"{n} {installed[n].version} ({installed[n].kind})" for n in kept))
    plan.commands.append(f"python -m pytest {q(str(dest / 'tests'))} -q")
    return plan
