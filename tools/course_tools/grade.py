"""Grade a student's packages, each one on its own, in the reference chain.

    nox -s grade -- --student DIR [--report PATH] [--full] [--only-tests] [--no-torch]
                    [--timeout SECONDS]

DIR holds the student's package folders (each with a `pyproject.toml` whose
`[project].name` is a module of course.toml, e.g. `tt-autograd`) and/or built
wheels. For each of them, in course order:

1. install the prefix of the chain through the end of the package's part, with
   that one package swapped in and every other module the reference
   (`install.install_chain`: built, installed non-editable, probed);
2. run the module's own reference tests (`packages/<dist>/tests`, against the
   installed student package), the integration tests of its part and the
   milestones that need the module and that the part unlocks (`--quick`
   unless `--full`);
3. record counts from pytest's `--junitxml` and the milestones' JSON reports.

`--only-tests` installs the prefix through the module only and runs only its
own tests: the quick check, and what the tooling's own tests use.

Score: the fraction of the module's own tests that passed, counting failures
and errors (a test file that does not even import against the student's
package counts as all the tests the reference collects in it) and leaving
out skipped tests (the PyTorch oracle checks skip without PyTorch). The
integration tests and the milestones are reported beside the score, not in
it. A package that does not build, install or import scores 0, with the
one-paragraph reason from `InstallFailure`; the others are still graded.

One venv per graded package (under the session's temp folder, kept until
the next grade for a look inside): a student's package may pin or pull in
other dependencies (`numpy<2`), and in a shared venv those would stay for
the packages graded after it. With uv and its cache warm, a fresh venv with
NumPy and pytest costs about 1.5 s and PyTorch about 1 s more (measured), a
few percent of grading a package, which is mostly building the chain's wheels.

Writes `PATH.json` (machine-readable, atomically) and `PATH.md` (the table,
also printed), and keeps in `PATH.files/<dist>/` the wheels, build/install
logs, JUnit XML and milestone reports of each package (the logs a reason
names); PATH defaults to `reports/grade-<timestamp>`.
"""

from __future__ import annotations

import datetime
import json
import os
import re
import shutil
import sys
import time
import xml.etree.ElementTree as ET
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import nox.command

from .files import write_atomic
from .install import (
    InstallFailure,
    find_uv,
    install_chain,
    install_torch,
    pip_install,
    venv_python,
)
from .manifest import REPO, Course, Module, load, missing_packages, package_dir
from .options import Swap, UsageError, _Parser, normalize
from .steps import Steps, has_tests

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

SCORING = (
    "score = passed / (passed + failed + errors) of the module's own reference tests "
    "(skipped tests do not count; a test file that does not import counts as all the tests "
    "the reference collects in it); 0 when the package does not build, install or import; "
    "integration tests and milestones are reported beside it, not in it"
)


# --- arguments -------------------------------------------------------------------------


@dataclass
class GradeOptions:
    student: Path
    report: Path  # without suffix: PATH.json and PATH.md are written
    full: bool = False
    only_tests: bool = False
    torch: bool = True
    timeout: int = 900  # seconds one step (a test run, a milestone) may take
    pytest_args: list[str] = field(default_factory=list)


def parse_grade_options(posargs: Sequence[str], base: Path, now: datetime.datetime | None = None
                        ) -> GradeOptions:
    """`--student DIR [--report PATH] [--full] [--only-tests] [--no-torch] [--timeout S]
    [-- PYTEST ARGS]`."""
    args = list(posargs)
    pytest_args: list[str] = []
    if "--" in args:
        cut = args.index("--")
        args, pytest_args = args[:cut], args[cut + 1 :]
    p = _Parser(prog="nox -s grade --", add_help=False)
    p.add_argument("--student", required=True, metavar="DIR",
                   help="folder with the student's tt-* package folders and/or wheels")
    p.add_argument("--report", metavar="PATH",
                   help="write PATH.json and PATH.md (default reports/grade-<timestamp>)")
    p.add_argument("--full", action="store_true", help="milestones without --quick")
    p.add_argument("--only-tests", action="store_true",
                   help="each module's own tests only: no integration tests, no milestones")
    p.add_argument("--no-torch", action="store_true", help="do not install the PyTorch oracle")
    p.add_argument("--timeout", type=int, default=900, metavar="SECONDS",
                   help="stop a test run or milestone of a student's package after this long "
                        "(default 900): a package that hangs fails that step, the rest goes on")
    ns = p.parse_args(args)
    if ns.timeout <= 0:
        raise UsageError(f"--timeout {ns.timeout}: give a number of seconds > 0")
    student = (base / Path(ns.student).expanduser()).resolve()
    if not student.is_dir():
        raise UsageError(f"--student {ns.student}: {student} is not a folder")
    if ns.report:
        report = (base / Path(ns.report).expanduser()).resolve()
        if report.suffix in (".json", ".md"):
            report = report.with_suffix("")
    else:
        stamp = (now or datetime.datetime.now()).strftime("%Y%m%d-%H%M%S")
        report = REPO / "reports" / f"grade-{stamp}"
    return GradeOptions(student, report, ns.full, ns.only_tests, not ns.no_torch, ns.timeout,
                        pytest_args)


# --- what is in DIR --------------------------------------------------------------------


@dataclass(frozen=True)
class Submission:
    """One package of the student's: a course module and the folder or wheel holding it."""

    module: Module
    path: Path


@dataclass(frozen=True)
class Skipped:
    path: str
    reason: str


def identify(path: Path, course: Course) -> tuple[Module | None, str]:
    """The course module a folder or wheel holds, or None and why not."""
    dists = {m.dist: m for m in course.modules}
    if path.is_dir():
        pyproject = path / "pyproject.toml"
        if not pyproject.is_file():
            return None, "no pyproject.toml: not a package folder"
        try:
            name = str(tomllib.loads(pyproject.read_text(encoding="utf-8"))["project"]["name"])
        except (tomllib.TOMLDecodeError, KeyError, TypeError, UnicodeDecodeError) as exc:
            # a broken pyproject in a folder named after a module is graded (and fails to
            # build, with the reason); anything else is not ours to guess
            if normalize(path.name) in dists:
                return dists[normalize(path.name)], ""
            return None, f"cannot read [project].name from pyproject.toml ({exc})"
    elif path.suffix == ".whl":
        name = path.name.split("-")[0]
    else:
        return None, "neither a package folder nor a wheel (.whl)"
    module = dists.get(normalize(name))
    if module is None:
        return None, f"{name!r} is not a tt-* module of course.toml"
    return module, ""


def discover(folder: Path, course: Course) -> tuple[list[Submission], list[Skipped]]:
    """The student's packages in course order, and the entries that are not graded.

    Hidden entries (`.git`, `.DS_Store`) are ignored; a module given twice is an error
    that names both paths.
    """
    found: dict[str, Submission] = {}
    skipped: list[Skipped] = []
    for path in sorted(folder.iterdir()):
        if path.name.startswith("."):
            continue
        module, reason = identify(path, course)
        if module is None:
            skipped.append(Skipped(str(path), reason))
            continue
        if module.dist in found:
            raise UsageError(
                f"{module.dist} appears twice in {folder}: {found[module.dist].path} and "
                f"{path}; keep one of them"
            )
        found[module.dist] = Submission(module, path)
    return sorted(found.values(), key=lambda s: s.module.number), skipped


# --- results ---------------------------------------------------------------------------


@dataclass
class Counts:
    """pytest's outcome counts, one per test case of a JUnit XML report."""

    passed: int = 0
    failed: int = 0
    errors: int = 0
    skipped: int = 0
    status: str = "passed"  # passed | failed | skipped (what the step did)
    detail: str = ""
    # Test files that failed to import against the student's package: pytest
    # reports each as ONE error, but it holds many tests. `uncollected` is how
    # many tests the reference collects in those files, counted as failed.
    broken_files: list[str] = field(default_factory=list)
    uncollected: int = 0

    @property
    def ran(self) -> int:
        return self.passed + self.failed + self.errors + self.uncollected

    def summary(self) -> str:
        if self.status == "skipped":
            return f"skipped ({self.detail})"
        text = f"{self.passed}/{self.ran}"
        bad = [f"{n} {w}" for n, w in ((self.failed, "failed"), (self.errors, "errors"),
                                       (self.uncollected, "in files that did not import"),
                                       (self.skipped, "skipped")) if n]
        return text + (f" ({', '.join(bad)})" if bad else "") + (
            f" [{self.detail}]" if self.detail else "")


def parse_junit(path: Path) -> Counts:
    """Count the test cases of a pytest `--junitxml` file by outcome."""
    counts = Counts()
    for case in ET.parse(path).getroot().iter("testcase"):
        tags = {child.tag for child in case}
        error = case.find("error")
        if error is not None and error.get("message") == "collection failure":
            counts.broken_files.append(case.get("name", ""))  # dotted: pkg.tests.test_x
            continue
        if "failure" in tags:
            counts.failed += 1
        elif "error" in tags:
            counts.errors += 1
        elif "skipped" in tags:
            counts.skipped += 1
        else:
            counts.passed += 1
    bad = counts.failed or counts.errors or counts.broken_files
    counts.status = "failed" if bad else "passed"
    return counts


@dataclass
class Grade:
    """How one of the student's packages did."""

    dist: str
    module: int
    part: int
    source: str
    status: str = "graded"  # graded | install failed (build, install or import) | not graded
    score: float | None = None
    reason: str = ""
    tests: Counts | None = None
    integration: Counts | None = None
    milestones: dict[str, dict[str, Any]] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    seconds: float = 0.0


def score(tests: Counts | None) -> float:
    """Passed over ran (skipped left out); 0 when nothing ran."""
    if tests is None or tests.ran == 0:
        return 0.0
    return round(tests.passed / tests.ran, 4)


def milestone_result(report: Path, status: str, detail: str) -> dict[str, Any]:
    """name -> {passed, value, target, metric, status} from a milestone's JSON report."""
    out: dict[str, Any] = {"status": status, "passed": status == "passed",
                           "value": None, "target": None, "metric": None}
    try:
        data = json.loads(report.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        data = None
    if isinstance(data, dict):
        out.update({k: data.get(k) for k in ("value", "target", "metric")})
        out["passed"] = bool(data.get("passed")) and status == "passed"
    elif status != "skipped":
        out["detail"] = "no report: the script failed before writing it (see the log)"
    if detail and status == "skipped":
        out["detail"] = detail
    return out


# --- grading one package ---------------------------------------------------------------


class _Workspace:
    """A nox session, seen by `install_chain` and `Steps`, that works in a venv of its own.

    `bin` and `run` point at the package's venv; `create_tmp` at its folder of the
    report's files (wheels, logs, JUnit XML, milestone reports: kept with the report,
    so the log a reason names is still there later); logging goes to the real session.
    """

    def __init__(self, session: Any, files: Path, venv: Path, timeout: int | None = None) -> None:
        self._session = session
        self._tmp = files
        self.venv = venv
        self.timeout = timeout

    @property
    def bin(self) -> str:
        return str(self.venv / ("Scripts" if sys.platform == "win32" else "bin"))

    def create_tmp(self) -> str:
        self._tmp.mkdir(parents=True, exist_ok=True)
        return str(self._tmp)

    def create_venv(self) -> None:
        """A bare venv with the session's Python (uv when there is one)."""
        uv, python = find_uv(), venv_python(self._session)
        if uv:
            cmd = [uv, "venv", "-q", "--python", python, str(self.venv)]
        else:
            cmd = [python, "-m", "venv", str(self.venv)]
        self._session.run(*cmd, silent=True, external=True)

    def run(self, *args: str, env: dict[str, str | None] | None = None,
            success_codes: Sequence[int] | None = None, silent: bool = False, **_: Any) -> Any:
        """`session.run` in this venv: its bin first on PATH, commands found there first."""
        full: dict[str, str | None] = {**os.environ, **(env or {})}
        full["PATH"] = self.bin + os.pathsep + os.environ.get("PATH", "")
        full["VIRTUAL_ENV"] = str(self.venv)
        return nox.command.run(self._limited(list(args)), env=full, paths=[self.bin],
                               silent=silent, success_codes=success_codes, external=True)

    def _limited(self, args: list[str]) -> list[str]:
        """`args` under coreutils' `timeout` (TERM, then KILL 10 s later), where it exists.

        The student's code runs inside these commands, and a loop that never
        ends must cost one step, not the whole class's grading.
        """
        limiter = shutil.which("timeout")
        if not self.timeout or limiter is None:
            return args
        return [limiter, "--kill-after=10", str(self.timeout), *args]

    def __getattr__(self, name: str) -> Any:
        return getattr(self._session, name)


def chain_for(course: Course, sub: Submission, only_tests: bool) -> tuple[tuple[Module, ...],
                                                                          str]:
    """The prefix to install (through the part's end), or the module's, and why it is shorter."""
    own = course.modules_through(sub.module.number)
    if only_tests:
        return own, ""
    whole = course.part(sub.module.part).modules
    missing = [d for d in missing_packages(whole) if d != sub.module.dist]
    if not missing:
        return whole, ""
    return own, (f"part {sub.module.part} is not complete in packages/ (no {', '.join(missing)}"
                 "): installed through this module only; no integration tests or milestones")


def grade_one(session: Any, course: Course, sub: Submission, options: GradeOptions,
              tmp: Path, venv: Path) -> Grade:
    """Install the chain with this one package swapped in, run its checks, count.

    `tmp` receives the wheels, logs and reports of this package; `venv` is its venv.
    """
    m = sub.module
    grade = Grade(m.dist, m.number, m.part, str(sub.path))
    tests_dir = package_dir(m.dist) / "tests"
    if not has_tests(tests_dir):
        grade.status, grade.reason = "not graded", f"no reference tests in packages/{m.dist}/tests"
        return grade
    chain, note = chain_for(course, sub, options.only_tests)
    missing = [d for d in missing_packages(chain) if d != m.dist]
    if missing:
        grade.status = "not graded"
        grade.reason = f"the reference packages {', '.join(missing)} are not in packages/ yet"
        return grade
    if note:
        grade.notes.append(note)
    session.log(f"=== grading {m.label} from {sub.path}")
    ws = _Workspace(session, tmp, venv, options.timeout)
    ws.create_venv()
    try:
        install_chain(ws, chain, {m.dist: Swap(m.dist, sub.path, "--student")})
    except InstallFailure as exc:
        session.warn(f"{m.dist}: {exc}")
        grade.status, grade.score, grade.reason = "install failed", 0.0, str(exc)
        return grade
    if options.torch:
        install_torch(ws)

    grade.tests = _pytest(ws, f"{m.dist} tests", tests_dir, tmp / "tests.xml", options)
    if grade.tests.broken_files:
        count_broken_files(ws, m, grade.tests, tmp)
    grade.score = score(grade.tests)
    if grade.tests.ran == 0:
        grade.reason = "no test ran: " + (grade.tests.detail or "pytest collected nothing")
    if options.only_tests or note:
        return grade
    part = course.part(m.part)
    folder = REPO / "integration" / f"part{part.number}"
    if has_tests(folder):
        grade.integration = _pytest(ws, f"integration part{part.number}", folder,
                                    tmp / "integration.xml", options)
    else:
        grade.integration = Counts(status="skipped",
                                   detail=f"integration/part{part.number}/ has no tests yet")
    wanted = [ms for ms in course.milestones if m.number <= ms.requires <= part.through]
    steps = Steps(ws)
    reports = tmp / "milestones"
    reports.mkdir(parents=True, exist_ok=True)
    steps.milestones(wanted, reports, options.full)
    for ms, step in zip(wanted, steps.done, strict=True):
        grade.milestones[ms.name] = milestone_result(reports / f"{ms.name}.json", step.status,
                                                     step.detail)
    return grade


def count_broken_files(ws: Any, module: Module, tests: Counts, tmp: Path) -> None:
    """Count, with the reference installed, the tests of files that did not import.

    A test file that fails to import against the student's package (a missing
    public name, an error at import time) is one "collection failure" in
    pytest's report, however many tests it holds; counting it as one would
    let a student lose one test where the reference has fifty. So the
    reference package goes back into this package's venv (the venv is this
    submission's alone and is not used after), pytest collects those files,
    and each collected test counts as failed.
    """
    # JUnit names are dotted paths from pytest's rootdir: the package folder
    # (its pyproject.toml configures pytest) or, failing that, the repository.
    files = []
    for name in tests.broken_files:
        rel = name.replace(".", "/") + ".py"
        found = [base / rel for base in (package_dir(module.dist), REPO) if (base / rel).is_file()]
        files += found[:1]
    log = tmp / "reference-collect.log"
    code, _ = pip_install(venv_python_of(ws), ["--force-reinstall", "--no-deps",
                                               str(package_dir(module.dist))], log)
    if code != 0 or not files:
        tests.uncollected = len(tests.broken_files)  # at least one each
        tests.detail = f"could not count the tests of files that did not import (see {log})"
        return
    out = ws.run("python", "-m", "pytest", "--collect-only", "-q", "--import-mode=importlib",
                 "-p", "no:cacheprovider", *map(str, files), silent=True, success_codes=[0, 5])
    tests.uncollected = sum(1 for line in str(out or "").splitlines() if "::" in line)
    tests.uncollected = max(tests.uncollected, len(tests.broken_files))


def venv_python_of(ws: Any) -> str:
    return str(Path(ws.bin) / ("python.exe" if sys.platform == "win32" else "python"))


def _pytest(ws: Any, name: str, folder: Path, xml: Path, options: GradeOptions) -> Counts:
    """One pytest step through `Steps`, counted from its JUnit XML.

    `--continue-on-collection-errors`: a test file that does not import against
    the student's package must not stop the others from running.
    """
    xml.unlink(missing_ok=True)
    steps = Steps(ws, [f"--junitxml={xml}", "--continue-on-collection-errors",
                       *options.pytest_args])
    steps.pytest(name, [folder])
    if not xml.is_file():
        return Counts(status="failed", detail="pytest wrote no report (crashed? see the log)")
    try:
        return parse_junit(xml)
    except ET.ParseError as exc:
        return Counts(status="failed", detail=f"unreadable JUnit report {xml}: {exc}")


# --- the report ------------------------------------------------------------------------


def report_data(student: Path, options: GradeOptions, grades: Sequence[Grade],
                skipped: Sequence[Skipped], started: float, seconds: float) -> dict[str, Any]:
    """Everything graded, as plain JSON-able data."""
    def one(g: Grade) -> dict[str, Any]:
        d = asdict(g)
        for key in ("tests", "integration"):
            counts = getattr(g, key)
            if counts is not None:
                d[key]["ran"] = counts.ran
        return d

    return {
        "student": str(student),
        "started": datetime.datetime.fromtimestamp(started).isoformat(timespec="seconds"),
        "seconds": round(seconds, 1),
        "options": {"full": options.full, "only_tests": options.only_tests,
                    "torch": options.torch, "pytest_args": options.pytest_args},
        "scoring": SCORING,
        "modules": [one(g) for g in grades],
        "skipped": [asdict(s) for s in skipped],
    }


def _cell(text: str) -> str:
    return re.sub(r"\s+", " ", text).replace("|", "\\|").strip()


def _milestones_cell(milestones: dict[str, dict[str, Any]]) -> str:
    cells = []
    for name, r in milestones.items():
        if r["status"] == "skipped":
            cells.append(f"{name} skipped")
            continue
        value = "?" if r.get("value") is None else f"{r['value']:.4g}"
        target = "?" if r.get("target") is None else f"{r['target']:.4g}"
        cells.append(f"{name} {'passed' if r['passed'] else 'FAILED'} {value}/{target}")
    return ", ".join(cells) or "-"


def table(data: dict[str, Any]) -> str:
    """The report as Markdown: one row per graded package, then the skipped entries."""
    lines = [
        f"# Grades for {data['student']}",
        "",
        f"Started {data['started']}, {data['seconds']} s. {data['scoring']}.",
        "",
        "| module | tests passed/ran | integration | milestones | score | reason / notes |",
        "|---|---|---|---|---|---|",
    ]
    for g in data["modules"]:
        tests = _counts_cell(g["tests"])
        integration = _counts_cell(g["integration"])
        score_text = "-" if g["score"] is None else f"{g['score']:g}"
        why = "; ".join([g["reason"], *g["notes"]] if g["reason"] else g["notes"])
        if g["status"] != "graded":
            why = f"{g['status'].upper()}: {why}"
        lines.append(
            f"| {g['module']:02d} {g['dist']} | {tests} | {integration} | "
            f"{_cell(_milestones_cell(g['milestones']))} | {score_text} | {_cell(why)} |"
        )
    if not data["modules"]:
        lines.append("| (no package of the course found) | | | | | |")
    if data["skipped"]:
        lines += ["", "Skipped entries (not graded):", ""]
        lines += [f"- `{s['path']}`: {s['reason']}" for s in data["skipped"]]
    return "\n".join(lines) + "\n"


def _counts_cell(counts: dict[str, Any] | None) -> str:
    if counts is None:
        return "-"
    return _cell(Counts(**{k: v for k, v in counts.items() if k != "ran"}).summary())


def files_dir(base: Path) -> Path:
    """`PATH.files/`: what grading each package left (wheels, logs, JUnit XML, reports)."""
    return base.with_name(base.name + ".files")


def write_report(base: Path, data: dict[str, Any]) -> tuple[Path, Path, str]:
    """`base.json` and `base.md`; returns both paths and the table."""
    text = table(data)
    json_path, md_path = base.with_name(base.name + ".json"), base.with_name(base.name + ".md")
    write_atomic(json_path, json.dumps(data, indent=2) + "\n")
    write_atomic(md_path, text)
    return json_path, md_path, text


# --- the session -----------------------------------------------------------------------


def grade_session(session: Any) -> None:
    """Grade a student's packages: `-- --student DIR [--report PATH] [--full] [--only-tests]`."""
    try:
        options = parse_grade_options(session.posargs, Path(session.invoked_from))
        course = load()
        subs, skipped = discover(options.student, course)
    except UsageError as exc:
        session.error(str(exc))
    started = time.time()
    for s in skipped:
        session.log(f"skipping {s.path}: {s.reason}")
    venvs = Path(session.create_tmp()).resolve() / "grade-venvs"
    shutil.rmtree(venvs, ignore_errors=True)
    files = files_dir(options.report)
    shutil.rmtree(files, ignore_errors=True)
    grades, crashed = [], []
    for sub in subs:
        t0 = time.perf_counter()
        try:
            grade = grade_one(session, course, sub, options, files / sub.module.dist,
                              venvs / sub.module.dist)
        except Exception as exc:  # the grader's own failure: still grade the others
            crashed.append(sub.module.dist)
            session.warn(f"grading {sub.module.dist} crashed: {type(exc).__name__}: {exc}")
            grade = Grade(sub.module.dist, sub.module.number, sub.module.part, str(sub.path),
                          status="not graded",
                          reason=f"the grader failed: {type(exc).__name__}: {exc}")
        grade.seconds = round(time.perf_counter() - t0, 1)
        grades.append(grade)
    data = report_data(options.student, options, grades, skipped, started, time.time() - started)
    data["files"] = str(files)
    json_path, md_path, text = write_report(options.report, data)
    print("\n" + text, flush=True)
    session.log(f"report: {json_path} and {md_path}")
    if not subs:
        session.error(f"no package of the course in {options.student}; see the skipped entries")
    if crashed:
        session.error(f"the grader itself failed on {', '.join(crashed)} (see above); "
                      "the others are graded in the report")
