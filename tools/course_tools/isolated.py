"""Each package alone: only what it declares is installed, and its tests must pass.

    nox -s isolated                  every package of course.toml, one venv each
    nox -s "isolated(tt-losses)"     one package

For each package: a fresh venv with the package, the tt-* packages it declares
(transitively, built from their reference folders), NumPy, pytest and
tt-testing, nothing else; then the package's own tests. This is the proof
behind "a short course installs only what it needs": a package or a test that
quietly relies on an undeclared package fails here, even where the full chain
is installed and everything passes.

A test that fails because it imports something not installed is named with
what it imported and the fix (pytest writes a JUnit report, read afterwards).
The contract check (`nox -s lint`) finds such imports in the source; this
session finds them by running the code.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections import Counter
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from .manifest import PACKAGES, REPO, Course, Module, load

MISSING = re.compile(r"No module named '([\w.]+)'")
# a test file that cannot be imported must not hide the failures of the others
PYTEST_OPTS = ("--continue-on-collection-errors",)


def closure(course: Course, declared: Mapping[str, set[str]], dist: str) -> tuple[Module, ...]:
    """`dist` and the tt-* packages it declares, transitively, in chain order."""
    need, todo = {dist}, [dist]
    while todo:
        for dep in declared.get(todo.pop(), set()):
            if dep not in need:
                need.add(dep)
                todo.append(dep)
    return tuple(m for m in course.modules if m.dist in need)


def missing_modules(junit: Path) -> Counter[str]:
    """Module -> number of failed or erroring tests that raised `No module named <module>`."""
    try:
        root = ET.parse(junit).getroot()
    except (OSError, ET.ParseError):
        return Counter()
    found: Counter[str] = Counter()
    for case in root.iter("testcase"):
        for bad in [*case.findall("failure"), *case.findall("error")]:
            names = set(MISSING.findall((bad.get("message") or "") + "\n" + (bad.text or "")))
            found.update(names)
    return found


def explain(missing: Counter[str], course: Course, module: Module, chain: tuple[Module, ...],
            versions: Mapping[str, str] | None = None) -> list[str]:
    """One line per module the tests missed: what it is, and the fix.

    `versions` (dist -> current version) turns the suggested range into a real one.
    """
    from .release import compatible_range

    installed = {m.name for m in chain}
    lines = []
    for name, n in sorted(missing.items()):
        head = f"{module.dist} tests: {n} failure(s) with `No module named '{name}'`"
        top, _, rest = name.partition(".")
        if top == "tinytorch" and rest:
            sub = rest.split(".")[0]
            if sub in installed:
                continue  # a private module of an installed package: not a missing install
            try:
                other = course.module(sub)
            except KeyError:
                lines.append(f"{head}: tinytorch.{sub} is not a module of course.toml")
                continue
            version = (versions or {}).get(other.dist)
            spec = compatible_range(version) if version else ">=X,<Y"
            lines.append(
                f"{head}: tinytorch.{sub} is {other.dist} (module {other.number:02d}), which "
                f"{module.dist} does not declare, so it is not installed here. Declare "
                f"\"{other.dist}{spec}\" in packages/{module.dist}/pyproject.toml if the package "
                "needs it, or stop importing it"
            )
        else:
            lines.append(
                f"{head}: {top} is not installed here (only {module.dist}, its declared tt-* "
                "dependencies, NumPy, pytest and tt-testing are); declare it or stop importing it"
            )
    return lines


def declared_deps(course: Course) -> dict[str, set[str]]:
    """Each package's declared tt-* dependencies, from its pyproject.toml."""
    from .release import read_packages

    return {d: set(p.deps) for d, p in read_packages(REPO, course).items()}


def versions(course: Course) -> dict[str, str]:
    """Each package's current version."""
    from .release import read_packages

    return {d: p.version for d, p in read_packages(REPO, course).items()}


def present(course: Course) -> list[str]:
    """The modules of course.toml that have a package folder."""
    return [m.dist for m in course.modules if (PACKAGES / m.dist / "pyproject.toml").is_file()]


def run(session: Any, dist: str) -> None:
    """Install `dist` with only its declared dependencies; run its tests."""
    from .sessions import install, options_for
    from .steps import Steps

    course = load()
    module = course.module(dist)
    options = options_for(session, ())
    chain = closure(course, declared_deps(course), dist)
    session.log(f"{dist} alone: {', '.join(m.dist for m in chain)} (declared, transitively), "
                "with NumPy, pytest and tt-testing")
    install(session, course, chain, options)
    junit = Path(session.create_tmp()).resolve() / "junit.xml"
    junit.unlink(missing_ok=True)
    addopts = session.env.get("PYTEST_ADDOPTS", "")
    session.env["PYTEST_ADDOPTS"] = " ".join([addopts, *PYTEST_OPTS, f"--junitxml={junit}"]).strip()
    steps = Steps(session, options.pytest_args)
    steps.package_tests([module])
    lines = explain(missing_modules(junit), course, module, chain, versions(course))
    for line in lines:
        session.warn(line)
    if lines and steps.done:
        steps.done[-1].detail = f"imports what {dist} does not declare (see above)"
    steps.finish()


def parametrized() -> Callable[..., None]:
    """The session body, parametrized over the packages present: `isolated(tt-tensor)`, ..."""
    import nox

    dists = present(load())

    def isolated(session: Any, dist: str) -> None:
        """Each package alone, with only its declared dependencies: its tests pass."""
        run(session, dist)

    return nox.parametrize("dist", dists, ids=dists)(isolated)
