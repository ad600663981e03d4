"""Student starters: the `starters` session, and the starter check that `tests` runs.

    nox -s starters -- tt-activations tt-layers --dest ../starters
    nox -s starters -- --part 1              (the modules part 1 adds; into starters/)
    nox -s starters -- --all --force         (every module with a package folder)

Both use tt-setup's own generator (`tinytorch.setup.template`, imported from
the source tree like `manifest` does), so `tito template` and the sessions
make the same starters.

The starter check proves, for every package of course.toml that has a folder,
that its starter is what a student should get:

1. the starter builds (a wheel) and imports when swapped into the chain;
2. no line of a solution region survives in it;
3. the reference tests, run against it (the rest of the chain reference), fail
   without erroring at collection: pytest exits 1 with failures and no
   collection error, so a student starts from red tests, not a broken package;
4. refilling its regions from the reference gives the reference's files byte
   for byte (the reference tests, which pass, then prove the round trip);
5. a package without solution markers (tt-setup: the student's given tool) is
   reported as such, not failed.

It runs in the `tests` session's venv, where the reference chain is installed:
one package at a time, the starter's wheel is force-installed (`--no-deps`)
over the reference, probed and tested, then the reference wheel goes back.
The wheels are built two at a time (CI has two cores); PyTorch is hidden from
the test runs (its oracle tests skip, as with `--no-torch`). Cost: about 15 s
for the eight Part I packages, most of it pytest's start and the wheel builds.
"""

from __future__ import annotations

import importlib
import os
import re
import subprocess
import time
import xml.etree.ElementTree as ET
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .install import InstallFailure, Planned, build_wheels, pip_install, probe, venv_python
from .manifest import REPO, Course, Module, load, package_dir
from .options import Swap, UsageError, _Parser

# tt-setup's generator, from the source tree that `.manifest` put on sys.path
_markers = importlib.import_module("tinytorch.setup.markers")
_template = importlib.import_module("tinytorch.setup.template")
MarkerError, find_regions, refill = _markers.MarkerError, _markers.find_regions, _markers.refill
TemplateError, find_module = _template.TemplateError, _template.find_module
write_starter, STUDENT_KEYWORD = _template.write_starter, _template.STUDENT_KEYWORD

DEFAULT_DEST = "starters"
PYTEST_TIMEOUT = 900  # seconds; a starter's failing tests take a few


# ------------------------------------------------------------------ `nox -s starters`

@dataclass
class Request:
    """What `nox -s starters` was asked for."""

    modules: list[Module]
    dest: Path
    force: bool
    missing: list[Module] = field(default_factory=list)  # asked for by part, no folder yet


def parse_request(posargs: Sequence[str], base: Path, course: Course,
                  repo: Path = REPO) -> Request:
    """`[tt-x ...] [--part N ...] [--all] [--dest DIR] [--force]` into a Request."""
    parser = _Parser(prog="nox -s starters --", add_help=False)
    parser.add_argument("dists", nargs="*", metavar="tt-x")
    parser.add_argument("--part", type=int, action="append", default=[], metavar="N")
    parser.add_argument("--all", action="store_true")
    parser.add_argument("--dest", default=DEFAULT_DEST, metavar="DIR")
    parser.add_argument("--force", action="store_true")
    ns = parser.parse_args(list(posargs))
    if not (ns.dists or ns.part or ns.all):
        raise UsageError("name the starters to write: tt-x ..., --part N or --all\n"
                         + parser.format_usage().strip())
    try:
        chosen = [find_module(course, d) for d in ns.dists]
    except TemplateError as exc:
        raise UsageError(str(exc)) from None
    absent = [m.dist for m in chosen
              if not (package_dir(m.dist, repo) / "pyproject.toml").is_file()]
    if absent:
        raise UsageError(f"no package folder for {', '.join(absent)} in {repo / 'packages'}")
    for n in ns.part:
        try:
            chosen += course.part(n).new_modules
        except KeyError as exc:
            raise UsageError(str(exc.args[0])) from None
    if ns.all:
        chosen += course.modules
    modules = sorted({m.dist: m for m in chosen}.values(), key=lambda m: m.number)
    present = [m for m in modules if (package_dir(m.dist, repo) / "pyproject.toml").is_file()]
    missing = [m for m in modules if m not in present]
    return Request(present, (base / ns.dest).resolve(), ns.force, missing)


def starters_session(session: Any) -> None:
    """Write starters for modules or whole parts: `-- tt-x ... | --part N | --all [--dest DIR]`."""
    course = load()
    try:
        request = parse_request(session.posargs, Path(session.invoked_from), course)
    except UsageError as exc:
        session.error(str(exc))
    if request.missing:
        names = ", ".join(f"{m.dist} ({m.number:02d})" for m in request.missing)
        session.warn(f"skipped, no package in packages/ yet: {names}")
    if not request.modules:
        session.error("none of the chosen modules has a package in packages/ yet")
    written = []
    for m in request.modules:
        try:
            starter = write_starter(course, m.dist, request.dest / m.dist,
                                    source=package_dir(m.dist), force=request.force)
        except TemplateError as exc:
            session.error(f"{m.dist}: {exc}")
        todo = (f"{len(starter.todos)} function(s) to write" if starter.todos
                else "no solution regions: given as it is")
        session.log(f"{m.dist} -> {starter.dest}: {todo}")
        written.append(m.dist)
    session.log(f"wrote {len(written)} starter(s) into {request.dest}; each README says what "
                "to implement and how to test and swap it in")


# ------------------------------------------------------------------ static checks

def source_texts(folder: Path) -> dict[str, str]:
    """Every `src/**/*.py` of a package: relative path -> text."""
    src = folder / "src"
    return {p.relative_to(folder).as_posix(): p.read_bytes().decode("utf-8")
            for p in sorted(src.rglob("*.py")) if "__pycache__" not in p.parts}


def count_regions(folder: Path) -> int:
    """How many solution regions a package's source holds."""
    return sum(len(find_regions(text, f"{folder.name}/{rel}"))
               for rel, text in source_texts(folder).items())


def leaks(reference: Path, starter: Path) -> list[str]:
    """Lines of the reference's solution regions found in the starter: `path:line: text`.

    A line that the reference also has outside its regions (`return out`) is
    not a solution line, so only the others count.
    """
    found = []
    ref_texts, starter_texts = source_texts(reference), source_texts(starter)
    for rel, text in ref_texts.items():
        lines = text.splitlines(keepends=True)
        regions = find_regions(text, rel)
        if not regions:
            continue
        inside: set[int] = set()
        for r in regions:
            inside.update(range(r.begin, r.end - 1))  # 0-based indices of the body lines
        # lines with a word in them: a lone `)` proves nothing
        solution = {lines[i].strip() for i in inside if re.search(r"\w", lines[i])} - {
            line.strip() for i, line in enumerate(lines) if i not in inside
        }
        for n, line in enumerate(starter_texts.get(rel, "").splitlines(), start=1):
            if line.strip() in solution:
                found.append(f"{rel}:{n}: {line.strip()}")
    return found


def round_trip(reference: Path, starter: Path) -> list[str]:
    """Differences between the reference and the starter with its regions refilled."""
    problems = []
    ref_texts, starter_texts = source_texts(reference), source_texts(starter)
    if set(ref_texts) != set(starter_texts):
        odd = sorted(set(ref_texts) ^ set(starter_texts))
        problems.append(f"source files differ: {', '.join(odd)}")
    for rel in sorted(set(ref_texts) & set(starter_texts)):
        try:
            back = refill(starter_texts[rel], ref_texts[rel], rel)
        except MarkerError as exc:
            problems.append(str(exc))
            continue
        if back != ref_texts[rel]:
            problems.append(f"{rel}: refilled from the reference, it differs from the reference")
    for test in sorted((reference / "tests").rglob("*.py")):
        rel = test.relative_to(reference)
        twin = starter / rel
        if not twin.is_file() or twin.read_bytes() != test.read_bytes():
            problems.append(f"{rel.as_posix()}: not the reference's test file")
    return problems


# ------------------------------------------------------------------ pytest's verdict

@dataclass
class Outcome:
    """A pytest run, read from its exit code and junit XML."""

    code: int
    tests: int = 0
    failures: int = 0
    errors: int = 0  # in setup/teardown, or at collection
    collection_errors: list[str] = field(default_factory=list)
    skipped: int = 0

    @property
    def passed(self) -> int:
        return self.tests - self.failures - self.errors - self.skipped

    def summary(self) -> str:
        return (f"{self.failures} failed, {self.passed} passed, {self.skipped} skipped, "
                f"{self.errors} error(s), {len(self.collection_errors)} at collection "
                f"(pytest exit {self.code})")


def read_junit(path: Path, code: int) -> Outcome:
    """The counts of a junit XML report; collection errors named by their file."""
    out = Outcome(code)
    if not path.is_file():
        return out
    try:
        root = ET.parse(path).getroot()
    except ET.ParseError:
        return out
    suites = [root] if root.tag == "testsuite" else root.findall("testsuite")
    for suite in suites:
        out.tests += int(suite.get("tests", 0))
        out.failures += int(suite.get("failures", 0))
        out.errors += int(suite.get("errors", 0))
        out.skipped += int(suite.get("skipped", 0))
        for case in suite.iter("testcase"):
            error = case.find("error")
            if error is not None and error.get("message") == "collection failure":
                where = re.search(r"^(\S+\.py:\d+): in <module>", error.text or "", re.M)
                name = case.get("name", "?")
                out.collection_errors.append(where.group(1) if where else name)
    return out


def judge(outcome: Outcome) -> str | None:
    """None when the tests fail as a starter's should; else what is wrong."""
    if outcome.collection_errors:
        return ("its tests error at collection (" + ", ".join(outcome.collection_errors)
                + "): a test module must import and build its parameters without the "
                "student's code")
    if outcome.code == 0:
        return f"its tests pass against the starter ({outcome.summary()}): nothing to write?"
    if outcome.code != 1 or outcome.failures == 0:
        return f"its tests do not fail cleanly: {outcome.summary()}"
    return None


# ------------------------------------------------------------------ the check

@dataclass
class Result:
    """The check of one package's starter."""

    module: Module
    status: str  # passed | failed | reported
    detail: str = ""
    problems: list[str] = field(default_factory=list)


# PyTorch is hidden from these runs: its oracle tests skip (against a starter they
# could only fail), which saves importing it in every run; as with `--no-torch`.
PYTEST_WITHOUT_TORCH = (
    "import sys; sys.modules['torch'] = None; import pytest; sys.exit(pytest.main(sys.argv[1:]))"
)


def _pytest(python: str, tests: Path, xml: Path, log: Path, repo: Path) -> Outcome:
    cmd = [python, "-c", PYTEST_WITHOUT_TORCH, str(tests), "-q", "-p", "no:cacheprovider",
           "--import-mode=importlib", f"--junitxml={xml}"]
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    try:
        proc = subprocess.run(cmd, cwd=repo, env=env, stdout=subprocess.PIPE,
                              stderr=subprocess.STDOUT, text=True, timeout=PYTEST_TIMEOUT,
                              check=False)
        output, code = proc.stdout, proc.returncode
    except subprocess.TimeoutExpired as exc:
        output, code = str(exc.output or ""), -1
    log.parent.mkdir(parents=True, exist_ok=True)
    log.write_text(" ".join(cmd) + "\n\n" + output, encoding="utf-8")
    return read_junit(xml, code)


def _reinstall(python: str, wheel: Path, log: Path) -> str | None:
    code, _output = pip_install(python, ["--force-reinstall", "--no-deps", str(wheel)], log)
    return None if code == 0 else f"installing {wheel.name} failed (log: {log})"


def _build(planned: Planned, python: str, work: Path) -> Path | str:
    """A wheel of `planned`, or why it does not build."""
    try:
        return build_wheels([planned], python, work)[planned.module.dist]
    except InstallFailure as exc:
        return str(exc)


def _static(module: Module, course: Course, work: Path, repo: Path) -> tuple[Result, Path | None]:
    """Write the starter and check its text (checks 2, 4 and 5); the starter folder."""
    ref = package_dir(module.dist, repo)
    try:
        n = count_regions(ref)
        if n == 0:
            return Result(module, "reported", "no solution markers: given to students as it "
                          "is, nothing to strip"), None
        starter = write_starter(course, module.dist, work / "starters" / module.dist,
                                source=ref, force=True).dest
    except (TemplateError, MarkerError) as exc:
        return Result(module, "failed", "no starter", [str(exc)]), None
    problems = [f"solution line left in the starter: {x}" for x in leaks(ref, starter)]
    problems += round_trip(ref, starter)
    return Result(module, "passed", f"{n} regions", problems), starter


def _swapped_in(result: Result, starter: Path, wheel: Path, ref_wheel: Path, python: str,
                work: Path, repo: Path) -> None:
    """Install the starter over the reference, import it, run the tests, put the reference back.

    Checks 1 and 3; what goes wrong is added to `result.problems`.
    """
    m = result.module
    logs = work / "logs"
    problem = _reinstall(python, wheel, logs / f"{m.dist}-install-starter.log")
    if problem is None:
        (work / "probe" / m.dist).mkdir(parents=True, exist_ok=True)
        try:
            found = probe([Planned(m, starter, Swap(m.dist, starter, "starter"))], python,
                          work / "probe" / m.dist)[m.dist]
        except InstallFailure as exc:
            found = {"error": str(exc)}
        if "error" in found:
            problem = (f"the starter is installed but {m.import_name} does not import: "
                       f"{found['error']}")
        elif STUDENT_KEYWORD not in found.get("keywords", []):
            problem = f"the installed starter lacks the keyword {STUDENT_KEYWORD}"
    if problem is None:
        outcome = _pytest(python, package_dir(m.dist, repo) / "tests",
                          work / "junit" / f"{m.dist}.xml", logs / f"{m.dist}-pytest.log", repo)
        problem = judge(outcome)
        result.detail += f"; reference tests on the starter: {outcome.summary()}"
    if problem:
        result.problems.append(problem)
    restored = _reinstall(python, ref_wheel, logs / f"{m.dist}-install-reference.log")
    if restored:
        result.problems.append(f"putting the reference back: {restored}")


def check(modules: Sequence[Module], python: str, work: Path, course: Course | None = None,
          log: Callable[[str], None] = print, repo: Path = REPO,
          reference_wheels: dict[str, Path] | None = None) -> list[Result]:
    """Check the starter of every module (see the module docstring); one Result each.

    `python` is a venv's interpreter where the reference chain of `modules`
    is installed; each module's reference wheel (from `reference_wheels`, or
    built here) is back in place at the end.
    """
    course = course or load(repo)
    (work / "logs").mkdir(parents=True, exist_ok=True)
    results: dict[str, Result] = {}
    todo: list[tuple[Result, Path]] = []
    for m in modules:
        results[m.dist], starter = _static(m, course, work, repo)
        if starter is not None:
            todo.append((results[m.dist], starter))

    # the starters' wheels, and the references' not given, two at a time (CI has two cores)
    given = reference_wheels or {}
    jobs = [(Planned(r.module, st, Swap(r.module.dist, st, "starter")), work / "starter")
            for r, st in todo]
    jobs += [(Planned(r.module, package_dir(r.module.dist, repo), None), work / "reference")
             for r, _st in todo if r.module.dist not in given]
    with ThreadPoolExecutor(max_workers=2) as pool:
        built = list(pool.map(lambda job: _build(job[0], python, job[1] / job[0].module.dist),
                              jobs))
    n = len(todo)
    starter_wheels = {p.module.dist: w for (p, _), w in zip(jobs[:n], built[:n], strict=True)}
    ref_wheels = {p.module.dist: w for (p, _), w in zip(jobs[n:], built[n:], strict=True)}
    ref_wheels.update(given)

    for result, starter in todo:
        wheel, ref_wheel = starter_wheels[result.module.dist], ref_wheels[result.module.dist]
        if isinstance(wheel, str):
            result.problems.append(f"the starter does not build: {wheel}")
        elif isinstance(ref_wheel, str):
            result.problems.append(f"cannot put the reference back: {ref_wheel}")
        else:
            _swapped_in(result, starter, wheel, ref_wheel, python, work, repo)
    out = []
    for m in modules:
        r = results[m.dist]
        if r.problems and r.status != "reported":
            r.status = "failed"
        out.append(r)
        log(f"{m.dist} starter: {r.status}, {r.detail}")
        for p in r.problems:
            log(f"    {p}")
    return out


def chain_wheels(session: Any, modules: Sequence[Module]) -> dict[str, Path]:
    """The wheels `install_chain` built for this session's chain (reused to restore)."""
    found = {}
    for m in modules:
        wheels = sorted((Path(session.create_tmp()).resolve() / "chain" / "wheels" /
                         m.dist).glob("*.whl"))
        if len(wheels) == 1:
            found[m.dist] = wheels[0]
    return found


def starter_check_step(session: Any, steps: Any, modules: Sequence[Module],
                       swaps: dict[str, Swap] | None = None) -> None:
    """The starter check as steps of the `tests` session (the chain is installed)."""
    from .steps import Step

    if swaps:
        steps.skip("starter check", "the chain has swapped packages (--use); it checks the "
                   "reference's starters")
        return
    work = Path(session.create_tmp()).resolve() / "starter-check"
    session.log(f"--- starter check: {len(modules)} packages")
    start = time.monotonic()
    results = check(modules, venv_python(session), work, log=session.log,
                    reference_wheels=chain_wheels(session, modules))
    session.log(f"starter check: {len(results)} packages in {time.monotonic() - start:.1f} s "
                f"(logs in {work / 'logs'})")
    for r in results:
        status = "skipped" if r.status == "reported" else r.status
        detail = f"reported: {r.detail}" if r.status == "reported" else r.detail
        if r.problems:
            detail += f"; {len(r.problems)} problem(s), listed above"
        steps.done.append(Step(f"{r.module.dist} starter", status, detail))
