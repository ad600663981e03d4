"""`tito doctor`: is this environment able to run the course? Exit 1 when not.

It checks, in order:

1. Python (3.10 or newer) and NumPy (importable; which BLAS it was built
   with, since that decides how fast every matmul is);
2. every installed `tt-*` distribution: version, reference or student, where
   it was installed from, and whether its `tinytorch.<name>` imports, from
   that installation (not from a stray folder on `sys.path`). A package that
   fails to import is reported in one line: the exception and where it was
   raised, not a traceback, and the package to blame: importing
   `tinytorch.training` runs the code of the packages it imports, so when the
   error comes from, say, a student's `tt-activations`, that is the package
   named, not `tt-training`;
3. that the installed versions satisfy each other's declared ranges.

Cost: imports every installed tinytorch package once.
"""

from __future__ import annotations

import platform
import sys
from typing import Any, TextIO

from .course import Course
from .installed import InstalledPackage, find_installed, one_line, owns, try_import
from .table import format_table
from .versions import admits


def numpy_line() -> tuple[str, str]:
    """(description of NumPy and its BLAS, problem or '')."""
    try:
        import numpy as np
    except KeyboardInterrupt:
        raise
    except BaseException as exc:
        return "not importable", f"NumPy does not import: {one_line(exc)}"
    return f"{np.__version__}, BLAS: {_blas(np)}", ""


def _blas(np: Any) -> str:
    """The BLAS NumPy was built against, from `np.show_config(mode="dicts")` (NumPy >= 1.26)."""
    try:
        config = np.show_config(mode="dicts")
        blas = config["Build Dependencies"]["blas"]
    except Exception:  # older NumPy: no dict mode
        return "unknown (NumPy < 1.26 cannot report it)"
    name, version = blas.get("name", "?"), blas.get("version", "")
    found = "" if blas.get("found", True) else " (not found at build time)"
    return f"{name} {version}{found}".strip()


def import_names(pkg: InstalledPackage, course: Course) -> list[str]:
    """The tinytorch packages a distribution provides: from the course, else from its files."""
    try:
        return [course.module(pkg.dist).import_name]
    except KeyError:
        return [f"tinytorch.{name}" for name in pkg.packages]


def blame(
    culprit: str, name: str, course: Course, installed: dict[str, InstalledPackage]
) -> tuple[str, str] | None:
    """(distribution, description) of the package to blame when it is not `name`'s own.

    `culprit` is the `tinytorch.<x>` whose code raised (see
    `installed.culprit`); None when it is `name` itself or unknown.
    """
    if not culprit or culprit == name:
        return None
    short = culprit.split(".", 1)[1]
    dist = next((p.dist for p in installed.values() if short in p.packages), None)
    if dist is None:
        try:
            dist = course.module(short).dist
        except KeyError:
            return culprit, culprit
    pkg = installed.get(dist)
    if pkg is None:
        return dist, f"{dist} (not installed)"
    return dist, f"{dist} {pkg.version} ({pkg.kind}, {pkg.source})"


def check_packages(
    course: Course, installed: dict[str, InstalledPackage]
) -> tuple[list[tuple[str, ...]], list[str]]:
    """Import every installed package in chain order: (table rows, problems)."""
    order = {m.dist: m.number for m in course.modules}
    rows, problems = [], []
    for pkg in sorted(installed.values(), key=lambda p: (order.get(p.dist, 10**6), p.dist)):
        number = f"{order[pkg.dist]:02d}" if pkg.dist in order else "--"
        names = import_names(pkg, course)
        states = []
        for name in names:
            result = try_import(name)
            if not result.ok:
                blamed = blame(result.culprit, name, course, installed)
                if blamed is None:
                    states.append("FAILED")
                    problems.append(f"{pkg.dist} {pkg.version} ({pkg.kind}): import {name} "
                                    f"failed: {result.error}")
                else:
                    states.append(f"FAILED (in {blamed[0]})")
                    problems.append(f"{blamed[1]} breaks import {name} of {pkg.dist} "
                                    f"{pkg.version} ({pkg.kind}): {result.error}")
            elif owns(pkg, result.file) is False:
                states.append("SHADOWED")
                problems.append(f"{pkg.dist}: {name} is imported from {result.file}, "
                                f"not from the installed {pkg.dist} ({pkg.source})")
            else:
                states.append("ok")
        state = ", ".join(states) if states else "- (no tinytorch package)"
        rows.append((number, pkg.dist, pkg.version, pkg.kind, state, str(pkg.source)))
    return rows, problems


def check_ranges(installed: dict[str, InstalledPackage]) -> list[str]:
    """Problems with the declared `tt-*` ranges of the installed packages."""
    problems = []
    for pkg in installed.values():
        for dep, spec in pkg.requires:
            need = f"{pkg.dist} {pkg.version} needs {dep}{spec}"
            if dep not in installed:
                problems.append(f"{need}, which is not installed")
                continue
            have = installed[dep].version
            try:
                ok = admits(spec, have)
            except ValueError as exc:
                problems.append(f"{need}: {exc}")
                continue
            if not ok:
                problems.append(f"{need}, but {dep} {have} is installed")
    return problems


def doctor(course: Course, out: TextIO) -> int:
    """Run every check, print the findings; 0 when all is well, 1 otherwise."""
    problems: list[str] = []
    version = platform.python_version()
    out.write(f"Python   {version} ({sys.executable})\n")
    numpy_text, numpy_problem = numpy_line()
    out.write(f"NumPy    {numpy_text}\n")
    if numpy_problem:
        problems.append(numpy_problem)
    out.write(f"Course   {course.name}, {len(course.modules)} modules ({course.source})\n")

    installed = find_installed()
    n_course = sum(m.dist in installed for m in course.modules)
    out.write(f"\nInstalled tt-* distributions ({n_course} of {len(course.modules)} "
              "course modules; `tito status` lists the rest)\n")
    if installed:
        rows, import_problems = check_packages(course, installed)
        header = ("#", "distribution", "version", "kind", "import", "installed from")
        out.write(format_table(header, rows) + "\n")
        problems += import_problems
    else:
        out.write("  none: install the course packages first (pip install tt-tensor ...)\n")
    problems += check_ranges(installed)

    if problems:
        out.write(f"\n{len(problems)} problem{'s' if len(problems) > 1 else ''}:\n")
        for problem in problems:
            out.write(f"  - {problem}\n")
        return 1
    out.write("\nAll good: every installed package imports and the versions fit together.\n")
    return 0
