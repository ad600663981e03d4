"""The bodies of the nox sessions; noxfile.py registers them from course.toml.

- `partN`: install the chain of part N (01..through), run every package's
  tests, the integration tests of parts 1..N and the milestones it unlocks;
- `<dist>` (e.g. `tt-autograd`): install the chain up to that module, run the
  tests of every package in it, the integration tests that prefix covers and
  the milestones it unlocks, then say what passing it unlocked and what to run
  next (see `unlock.py`);
- `tests`: every package, all integration tests, the tooling's own tests,
  with PyTorch as the optional oracle, then the starter check (what CI runs);
- `lint`: ruff and the contract check;
- `build`: wheel and sdist of every package into dist/, `twine check --strict`;
- `benchmark`: the MLP training-step benchmark against PyTorch, on the
  installed Part I chain (with `--use` swaps: benchmark your own package).
"""

from __future__ import annotations

import ast
import os
import shutil
import subprocess
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import Any

import nox.command

from . import artifacts, contract, unlock
from .install import InstallFailure, install_chain, install_torch, venv_python
from .manifest import PACKAGES, REPO, TEST_HELPERS_DIR, Course, Module, load
from .options import ENV_VAR, Options, UsageError, check_swaps, parse_options
from .starters import starter_check_step
from .steps import Steps, has_tests

RUFF = "ruff==0.17.5"  # pinned: a new ruff must not turn CI red by itself
SessionFunc = Callable[[Any], None]


def options_for(session: Any, allow: Iterable[str]) -> Options:
    """The session's options, or a clean `session.error` with the usage."""
    try:
        return parse_options(
            session.posargs, os.environ.get(ENV_VAR), Path(session.invoked_from),
            session.name, allow,
        )
    except UsageError as exc:
        session.error(str(exc))


def install(session: Any, course: Course, modules: Sequence[Module], options: Options,
            extra: Sequence[str] = ()) -> None:
    """Install `modules` with the session's swaps, or fail with one paragraph."""
    try:
        check_swaps(options.swaps, course, modules)
        install_chain(session, modules, options.swaps, extra)
    except (UsageError, InstallFailure) as exc:
        session.error(str(exc))


def part_session(number: int) -> SessionFunc:
    """The body of `partN`."""

    def run(session: Any) -> None:
        course = load()
        part = course.part(number)
        options = options_for(session, ("use", "full"))
        session.log(f"part {number}: {part.title}, modules 01-{part.through:02d}")
        install(session, course, part.modules, options)
        steps = Steps(session, options.pytest_args)
        steps.package_tests(part.modules)
        steps.integration(range(1, number + 1))
        reports = Path(session.create_tmp()).resolve() / "milestones"
        reports.mkdir(parents=True, exist_ok=True)
        steps.milestones(course.milestones_unlocked_by(part.through), reports, options.full)
        steps.finish()

    run.__doc__ = f"Part {number}: install its chain, run package/integration tests, milestones."
    return run


def module_session(dist: str) -> SessionFunc:
    """The body of the session named after a module's distribution."""

    def run(session: Any) -> None:
        course = load()
        module = course.module(dist)
        chain = course.modules_through(module.number)
        options = options_for(session, ("use", "full"))
        if not (PACKAGES / dist / "pyproject.toml").is_file():
            session.error(
                f"{dist} (module {module.number:02d}) has no package in packages/{dist} yet"
            )
        install(session, course, chain, options)
        steps = Steps(session, options.pytest_args)
        steps.package_tests(chain)
        for run_ in unlock.integration_runs(course, module):
            if run_.skip:
                steps.skip(run_.name, run_.skip)
            else:
                steps.pytest(run_.name, [run_.folder], through=run_.through)
        reports = Path(session.create_tmp()).resolve() / "milestones"
        reports.mkdir(parents=True, exist_ok=True)
        steps.milestones(course.milestones_unlocked_by(module.number), reports, options.full)
        steps.finish(unlock.closing_lines(course, module, steps.failed(), options.swaps,
                                          Path(session.invoked_from)))

    module = load().module(dist)
    run.__doc__ = (f"Module {module.number:02d}: install 01-{module.number:02d}, their tests, "
                   "the integration tests and milestones they unlock.")
    return run


def tests(session: Any) -> None:
    """Every package's tests, all integration tests and tools/tests (what CI runs)."""
    course = load()
    options = options_for(session, ("use", "torch"))
    present = [m for m in course.modules if (PACKAGES / m.dist / "pyproject.toml").is_file()]
    if not present:
        session.error("no packages in packages/ yet")
    # hatch, twine, pypiserver, passlib: tools/tests release, publish and serve real packages;
    # selenium drives chromium in integration/part4/test_leaderboard_browser.py
    install(session, course, present, options,
            extra=("nox", "packaging", "hatch", "twine", "pypiserver", "passlib", "selenium"))
    if options.torch:
        install_torch(session)
    else:
        session.log("--no-torch: PyTorch not installed; the oracle tests will skip")
    steps = Steps(session, options.pytest_args)
    steps.package_tests(present)
    if has_tests(REPO / "integration"):
        steps.pytest("integration", [REPO / "integration"])
    else:
        steps.skip("integration", "integration/ has no tests yet")
    steps.pytest("tools/tests", [REPO / "tools" / "tests"])
    starter_check_step(session, steps, present, options.swaps)
    steps.finish()


def benchmark_scripts(course: Course, bench_dir: Path = REPO / "benchmarks"
                      ) -> list[tuple[Path, Module]]:
    """Each benchmark script with the last module it needs, in chain order.

    A script says what it needs in one module-level line, `REQUIRES = "tt-spatial"`,
    so the session installs just the prefix of the chain that the present
    benchmarks need; a script without that line is an error, not a guess.
    Files whose name starts with `_` are shared helpers, not benchmarks.
    """
    found = []
    for script in sorted(bench_dir.glob("[!_]*.py")):  # `_timing.py` is a helper
        tree = ast.parse(script.read_text(encoding="utf-8"), filename=str(script))
        needs = [node.value.value for node in tree.body
                 if isinstance(node, ast.Assign) and isinstance(node.value, ast.Constant)
                 and any(isinstance(t, ast.Name) and t.id == "REQUIRES" for t in node.targets)]
        if len(needs) != 1:
            raise UsageError(f"benchmarks/{script.name}: needs one line "
                             '`REQUIRES = "tt-<module>"` naming the last module it uses')
        found.append((script, course.module(needs[0])))
    return sorted(found, key=lambda sm: (sm[1].number, sm[0].name))


def benchmark(session: Any) -> None:
    """Every benchmark in benchmarks/ on the chain they need (swaps allowed), against PyTorch."""
    course = load()
    options = options_for(session, ("use",))
    try:
        scripts = [(s, m) for s, m in benchmark_scripts(course)
                   if (PACKAGES / m.dist / "pyproject.toml").is_file()]
    except UsageError as exc:
        session.error(str(exc))
    if not scripts:
        session.error("no benchmark in benchmarks/ has its packages in packages/ yet")
    last = max(m.number for _, m in scripts)
    install(session, course, course.modules_through(last), options)
    if not install_torch(session):
        session.error("the benchmarks need PyTorch (torch==2.13.0, the CPU build) as their peer")
    session.install("nox[uv]")  # grade_class.py times `nox -s grade` itself
    reports = Path(session.create_tmp()).resolve() / "benchmarks"
    reports.mkdir(parents=True, exist_ok=True)
    missed = []
    for script, _ in scripts:
        session.log(f"--- {script.name}")
        # run directly, not with session.run: nox does not hand back the exit code
        code = subprocess.run([venv_python(session), str(script), "--report",
                               str(reports / f"{script.stem}.json"), *options.pytest_args],
                              check=False).returncode
        if code == 1:  # the script ran and says a ratio missed its target
            missed.append(script.stem)
        elif code:
            session.error(f"{script.name} failed (exit status {code}), see above")
    session.log(f"reports: {reports}")
    if missed:
        session.error(f"below target: {', '.join(missed)} (see the tables above)")


def lint(session: Any) -> None:
    """ruff over the repository, then the contract between packages."""
    options_for(session, ())
    session.install(RUFF)
    try:
        session.run("ruff", "check", str(REPO))
        ruff_failed = False
    except nox.command.CommandFailed:  # still run the contract check, then fail
        ruff_failed = True
    errors = contract.check(REPO)
    for error in errors:
        session.log(f"contract: {error}")
    n = len(contract.package_folders(REPO))
    session.log(f"contract check: {n} packages, {len(errors)} problem(s)")
    if ruff_failed or errors:
        failed = ["ruff"] * ruff_failed + ["the contract check"] * bool(errors)
        session.error(f"lint failed: {' and '.join(failed)}, see above")


def build(session: Any) -> None:
    """Wheel and sdist of every package into dist/ (hatch), then `twine check --strict`."""
    options_for(session, ())
    course = load()
    session.install("hatch", "twine")
    dist = REPO / "dist"
    shutil.rmtree(dist, ignore_errors=True)
    dist.mkdir()
    folders = [TEST_HELPERS_DIR, *contract.package_folders(REPO)]  # the starters need tt-testing
    order = {TEST_HELPERS_DIR.name: 0, **{m.dist: m.number for m in course.modules}}
    # hatch keeps its build environments in a data dir of this session, and must not see
    # the venv variables nox sets (its uv installer would fill nox's venv, not its own)
    hatch_data = Path(session.create_tmp()).resolve() / "hatch"
    shutil.rmtree(hatch_data, ignore_errors=True)
    env = {"VIRTUAL_ENV": None, "UV_PYTHON": None, "UV_PROJECT_ENVIRONMENT": None,
           "HATCH_DATA_DIR": str(hatch_data)}
    for folder in sorted(folders, key=lambda f: (order.get(f.name, 10**6), f.name)):
        with session.chdir(folder):
            session.run("hatch", "build", "-t", "wheel", "-t", "sdist", str(dist), env=env)
    files = sorted(str(p) for p in dist.iterdir())
    session.run("twine", "check", "--strict", *files)
    problems = artifacts.check_setup_manifest(dist, REPO / "course.toml", venv_python(session))
    for problem in problems:
        session.log(f"artifacts: {problem}")
    if problems:
        session.error(f"{len(problems)} problem(s) with the built artifacts, listed above")
    session.log(f"built {len(files)} files into dist/ and checked them")
