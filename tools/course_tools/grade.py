"""Grade a student's packages, each one on its own, in the reference chain, in a sandbox.

    nox -s grade -- --student DIR [--report PATH] [--full] [--only-tests] [--no-torch]
                    [--timeout SECONDS] [--test-timeout SECONDS] [--memory GIB]

DIR holds the student's package folders (each with a `pyproject.toml` whose
`[project].name` is a module of course.toml, e.g. `tt-autograd`) and/or built
wheels (found by the name in their METADATA). For each of them, in course order:

1. intake (intake.py): refuse, with the reason, a package that ships what would
   run outside the code under test (build hooks, `.pth` files, entry points,
   stray files, foreign dependencies); nothing of it has run yet;
2. install the prefix of the chain through the end of the package's part, with
   that one package swapped in and every other module the reference
   (`install.install_chain`: built, installed non-editable, probed);
3. in the sandbox (sandbox.py: no network, its own processes, read-only course
   files without the module's reference source, limits on time, memory and
   output): the module's own reference tests, its differential cases, the
   integration tests of its part and the milestones it unlocks (`--quick`
   unless `--full`);
4. outside the sandbox, once its processes are gone: check the evidence. Test
   reports are held against the tests the trusted reference venv collects and
   against pytest's exit status (evidence.py); case outputs are compared
   value by value with the reference's (differential.py);
5. score: the weighted evidence of course.toml's `[grading]` (scoring.py).

`--only-tests` installs the prefix through the module only and runs only its
own tests and cases: the quick check, and what the tooling's own tests use.

The checkout is fingerprinted before and after (checkout.py): if grading
changed it, no grade is reported. Without bubblewrap grading still runs, and
the report's first line says it is unsandboxed and not tamper-proof.

One venv per graded package (under the session's temp folder, kept until
the next grade for a look inside): a student's package may pin or pull in
other dependencies, and in a shared venv those would stay for the packages
graded after it. One more venv holds the reference chain (reference.py).

Writes `PATH.json` (machine-readable, atomically) and `PATH.md` (the table,
also printed), and keeps in `PATH.files/<dist>/` the wheels, build/install
logs, JUnit XML, case outputs and milestone reports of each package (the logs
a reason names); PATH defaults to `reports/grade-<timestamp>`.
"""

from __future__ import annotations

import datetime
import json
import shutil
import sys
import time
import xml.etree.ElementTree as ET
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import nox.command

from . import checkout, classroom, differential, intake, sandbox, scoring
from .evidence import Counts, check, parse_junit
from .files import write_atomic
from .grade_report import files_dir, report_data, write_report
from .install import InstallFailure, Refused, install_chain, install_torch
from .intake import Skipped, Submission, discover
from .manifest import REPO, Course, Module, load, missing_packages, package_dir
from .options import Swap, UsageError, _Parser
from .reference import GRADING_EXTRAS, PYTEST_PLUGINS, Reference
from .sandbox import Limits, Outcome
from .steps import Steps, has_tests
from .workspace import Workspace

__all__ = ["Counts", "Grade", "GradeOptions", "Skipped", "Submission", "discover",
           "grade_session", "parse_junit"]


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
    test_timeout: int = 120  # seconds one test may take
    memory_gib: float = 6.0  # address space of each process of a step
    # a class (classroom.py): exactly one of student / class_dir / merge is the input
    class_dir: Path | None = None
    jobs: int = 1
    merge: Path | None = None
    slurm: Path | None = None
    github: Path | None = None
    passed_on: list[str] = field(default_factory=list)  # options a student's job gets

    def limits(self) -> Limits:
        return Limits(seconds=self.timeout, memory_bytes=int(self.memory_gib * 2**30))


def parse_grade_options(posargs: Sequence[str], base: Path, now: datetime.datetime | None = None
                        ) -> GradeOptions:
    """`--student DIR | --class DIR [--jobs N] [--slurm F | --github F] | --merge DIR`,
    `[--report PATH] [--full] [--only-tests] [--no-torch] [--timeout S] [--test-timeout S]
    [--memory GIB] [-- PYTEST ARGS]`."""
    args = list(posargs)
    pytest_args: list[str] = []
    if "--" in args:
        cut = args.index("--")
        args, pytest_args = args[:cut], args[cut + 1 :]
    p = _Parser(prog="nox -s grade --", add_help=False)
    which = p.add_mutually_exclusive_group(required=True)
    which.add_argument("--student", metavar="DIR",
                       help="folder with the student's tt-* package folders and/or wheels")
    which.add_argument("--class", dest="class_dir", metavar="DIR",
                       help="folder with one such folder per student: grade them all")
    which.add_argument("--merge", metavar="DIR",
                       help="combine the students' JSON reports in DIR into the gradebook")
    p.add_argument("--jobs", type=int, default=1, metavar="N",
                   help="--class: grade N students at once (default 1)")
    emit = p.add_mutually_exclusive_group()
    emit.add_argument("--slurm", metavar="FILE",
                      help="--class: write a Slurm job array (a task a student) instead")
    emit.add_argument("--github", metavar="FILE",
                      help="--class: write a GitHub Actions workflow (a matrix) instead")
    p.add_argument("--report", metavar="PATH",
                   help="write PATH.json and PATH.md (default reports/grade-<timestamp>)")
    p.add_argument("--full", action="store_true", help="milestones without --quick")
    p.add_argument("--only-tests", action="store_true",
                   help="each module's own tests and cases only: no integration tests, no "
                        "milestones")
    p.add_argument("--no-torch", action="store_true", help="do not install the PyTorch oracle")
    p.add_argument("--timeout", type=int, default=900, metavar="SECONDS",
                   help="stop a step that runs the student's code (the import, a test run, "
                        "the cases, a milestone) after this long (default 900): it fails, "
                        "the rest goes on")
    p.add_argument("--test-timeout", type=int, default=120, metavar="SECONDS",
                   help="stop one test after this long (default 120): it fails, the others run")
    p.add_argument("--memory", type=float, default=6.0, metavar="GIB",
                   help="address space each process of a step may use (default 6 GiB)")
    ns = p.parse_args(args)
    for flag, value in (("--timeout", ns.timeout), ("--test-timeout", ns.test_timeout),
                        ("--memory", ns.memory)):
        if value <= 0:
            raise UsageError(f"{flag} {value}: give a number > 0")
    if ns.jobs < 1:
        raise UsageError(f"--jobs {ns.jobs}: give a number >= 1")
    if (ns.slurm or ns.github or ns.jobs > 1) and not ns.class_dir:
        raise UsageError("--jobs, --slurm and --github go with --class DIR")
    folders = {}
    for flag, value in (("--student", ns.student), ("--class", ns.class_dir),
                        ("--merge", ns.merge)):
        if value is not None:
            folders[flag] = (base / Path(value).expanduser()).resolve()
            if not folders[flag].is_dir():
                raise UsageError(f"{flag} {value}: {folders[flag]} is not a folder")
    if ns.report:
        report = (base / Path(ns.report).expanduser()).resolve()
        if report.suffix in (".json", ".md"):
            report = report.with_suffix("")
    else:
        stamp = (now or datetime.datetime.now()).strftime("%Y%m%d-%H%M%S")
        report = REPO / "reports" / f"grade-{stamp}"
    passed_on = [flag for flag, on in (("--full", ns.full), ("--only-tests", ns.only_tests),
                                       ("--no-torch", ns.no_torch)) if on]
    passed_on += ["--timeout", str(ns.timeout), "--test-timeout", str(ns.test_timeout),
                  "--memory", f"{ns.memory:g}"]
    emitted = {k: (base / Path(v).expanduser()).resolve() if v else None
               for k, v in (("slurm", ns.slurm), ("github", ns.github))}
    return GradeOptions(folders.get("--student") or folders.get("--class")
                        or folders["--merge"], report, ns.full, ns.only_tests,
                        not ns.no_torch, ns.timeout, pytest_args, ns.test_timeout, ns.memory,
                        folders.get("--class"), ns.jobs, folders.get("--merge"),
                        emitted["slurm"], emitted["github"], passed_on)


# --- results ---------------------------------------------------------------------------


@dataclass
class Grade:
    """How one of the student's packages did."""

    dist: str
    module: int
    part: int
    source: str
    # graded | refused | install failed (build, install or import) | not graded
    status: str = "graded"
    score: float | None = None
    reason: str = ""
    tests: Counts | None = None
    cases: dict[str, Any] | None = None  # {passed, total, differ: [...], detail}
    integration: Counts | None = None
    milestones: dict[str, dict[str, Any]] = field(default_factory=dict)
    formula: str = ""
    limits: list[str] = field(default_factory=list)  # "tests: time limit (900 s)"
    notes: list[str] = field(default_factory=list)
    seconds: float = 0.0


def score(tests: Counts | None) -> float:
    """Passed over ran (skipped left out); 0 when nothing ran."""
    if tests is None or tests.ran == 0:
        return 0.0
    return round(tests.passed / tests.ran, 4)


def evidence(grade: Grade) -> dict[str, float | None]:
    """The fraction passed of each kind of evidence that ran (None: did not run)."""
    def ran(counts: Counts | None) -> float | None:
        return None if counts is None or counts.status == "skipped" else score(counts)

    ms = [r for r in grade.milestones.values() if r["status"] != "skipped"]
    cases = grade.cases
    return {"tests": ran(grade.tests),
            "cases": None if not cases or not cases["total"] else cases["passed"] / cases["total"],
            "integration": ran(grade.integration),
            "milestones": sum(r["passed"] for r in ms) / len(ms) if ms else None}


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


def readable(module: Module) -> list[Path]:
    """The course files a module's sandboxed steps may read: never the reference source."""
    pkg = package_dir(module.dist)
    return [REPO / "course.toml", REPO / "pyproject.toml", pkg / "pyproject.toml", pkg / "tests",
            REPO / "integration", REPO / "milestones", REPO / "grading"]


def grade_one(session: Any, course: Course, sub: Submission, options: GradeOptions,
              tmp: Path, venv: Path, ref: Reference, isolate: bool = True) -> Grade:
    """Install the chain with this one package swapped in, run its checks sandboxed, count.

    `tmp` receives the wheels, logs and reports of this package; `venv` is its venv;
    `ref` the trusted reference venv the evidence is checked against.
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
    refusals = intake.refusals_of_folder(sub.path, m) if sub.path.is_dir() else []
    if refusals:
        grade.status, grade.score = "refused", 0.0
        grade.reason = f"{m.dist} is refused: {'; '.join(refusals)}"
        return grade
    session.log(f"=== grading {m.label} from {sub.path}")
    ref.ensure(chain)
    ws = Workspace(session, tmp, venv, options.limits(), isolate)
    ws.readable = readable(m)
    ws.wheel_cache = ref.wheel_cache
    ws.create_venv()
    try:
        install_chain(ws, chain, {m.dist: Swap(m.dist, sub.path, "--student")},
                      extra=GRADING_EXTRAS,
                      vet=lambda p, wheel: intake.refusals_of_wheel(wheel, p.module, course))
    except InstallFailure as exc:
        session.warn(f"{m.dist}: {exc}")
        grade.status = "refused" if isinstance(exc, Refused) else "install failed"
        grade.score, grade.reason = 0.0, str(exc)
        _limit(grade, "import probe", ws.last, ws.sandbox().limits)
        if "MemoryError" in str(exc) and not grade.limits:
            grade.limits.append(f"import probe: {ws.sandbox().limits.describe('memory')} hit")
        return grade
    if options.torch:
        install_torch(ws)

    grade.tests = _pytest(ws, ref, "tests", tests_dir, tmp, options, grade)
    grade.cases = _cases(ws, ref, m, tmp, grade)
    if not (options.only_tests or note):
        _part_checks(ws, ref, course, m, tmp, options, grade)
    weights = scoring.weights()
    parts, notes = scoring.corroborate(evidence(grade), weights["corroboration"])
    grade.notes += notes
    grade.score, grade.formula = scoring.combine(parts, weights)
    if grade.tests.ran == 0:
        grade.reason = "no test ran: " + (grade.tests.detail or "pytest collected nothing")
    return grade


def _part_checks(ws: Workspace, ref: Reference, course: Course, m: Module, tmp: Path,
                 options: GradeOptions, grade: Grade) -> None:
    """The part's integration tests and the milestones the module unlocks, sandboxed."""
    part = course.part(m.part)
    folder = REPO / "integration" / f"part{part.number}"
    if has_tests(folder):
        grade.integration = _pytest(ws, ref, "integration", folder, tmp, options, grade)
    else:
        grade.integration = Counts(status="skipped",
                                   detail=f"integration/part{part.number}/ has no tests yet")
    steps = Steps(ws)
    ws.outdir = tmp / "milestones"
    for ms in [ms for ms in course.milestones if m.number <= ms.requires <= part.through]:
        report = ws.outdir / f"{ms.name}.json"
        ws.last = None
        steps.milestones([ms], ws.outdir, options.full)
        _limit(grade, f"milestone {ms.name}", ws.last, options.limits())
        grade.milestones[ms.name] = milestone_result(report, steps.done[-1].status,
                                                     steps.done[-1].detail)


def _limit(grade: Grade, step: str, outcome: Outcome | None, limits: Limits) -> None:
    """Name, in the grade, a limit the step hit."""
    if outcome is not None and outcome.limit:
        grade.limits.append(f"{step}: {limits.describe(outcome.limit)} hit")


def _pytest(ws: Workspace, ref: Reference, name: str, folder: Path, tmp: Path,
            options: GradeOptions, grade: Grade) -> Counts:
    """One sandboxed pytest step, its JUnit report checked against the reference.

    `--continue-on-collection-errors`: a test file that does not import against
    the student's package must not stop the others from running.
    """
    ws.outdir = tmp / "steps" / name
    shutil.rmtree(ws.outdir, ignore_errors=True)
    xml = ws.outdir / "junit.xml"
    steps = Steps(ws, [f"--junitxml={xml}", "--continue-on-collection-errors", *PYTEST_PLUGINS,
                       f"--timeout={options.test_timeout}", *options.pytest_args])
    ws.last = None
    steps.pytest(name, [folder])
    outcome = ws.last
    _limit(grade, name, outcome, options.limits())
    ids = ref.test_ids(folder, options.pytest_args)
    cases: dict[tuple[str, str], str] = {}
    counts = Counts(status="failed", detail="pytest wrote no report (crashed? see the log)")
    if xml.is_file():
        shutil.copyfile(xml, tmp / f"{name}.xml")  # kept beside the report
        try:
            counts, cases = parse_junit(xml)
        except ET.ParseError as exc:
            counts.detail = f"unreadable JUnit report: {exc}"
    return check(counts, cases, ids, None if outcome is None else outcome.code)


def _cases(ws: Workspace, ref: Reference, m: Module, tmp: Path, grade: Grade
           ) -> dict[str, Any] | None:
    """The module's differential cases: computed in the sandbox, compared out here."""
    if ref.case_outputs(m) is None:
        return None
    ws.outdir = tmp / "steps" / "cases"
    shutil.rmtree(ws.outdir, ignore_errors=True)
    out = ws.outdir / "cases.npz"
    ws.last = None
    try:
        ws.run(*differential.runner_command("python", m.name, out), silent=True)
    except nox.command.CommandFailed:
        pass  # judged by what it wrote
    _limit(grade, "cases", ws.last, ws.sandbox().limits)
    results, error = ref.compare_cases(m, out, tmp / "cases.json")
    total = len(differential.case_infos(m.name))
    return {"passed": sum(r.passed for r in results), "total": len(results) or total,
            "differ": [f"{r.name}: {r.detail}" for r in results if not r.passed],
            "detail": error}


# --- the session -----------------------------------------------------------------------


def grade_student(session: Any, course: Course, options: GradeOptions, ref: Reference,
                  venvs: Path, isolate: bool) -> tuple[list[Grade], list[Skipped], list[str]]:
    """Every package of one student (intake never aborts); the grades, skipped entries and
    the modules on which the grader itself crashed."""
    subs, skipped = discover(options.student, course)
    for s in skipped:
        session.log(f"skipping {s.path}: {s.reason}")
    files = files_dir(options.report)
    shutil.rmtree(files, ignore_errors=True)
    grades, crashed = [], []
    for sub in subs:
        t0 = time.perf_counter()
        try:
            grade = grade_one(session, course, sub, options, files / sub.module.dist,
                              venvs / sub.module.dist, ref, isolate)
        except Exception as exc:  # the grader's own failure: still grade the others
            crashed.append(sub.module.dist)
            session.warn(f"grading {sub.module.dist} crashed: {type(exc).__name__}: {exc}")
            grade = Grade(sub.module.dist, sub.module.number, sub.module.part, str(sub.path),
                          status="not graded",
                          reason=f"the grader failed: {type(exc).__name__}: {exc}")
        grade.seconds = round(time.perf_counter() - t0, 1)
        grades.append(grade)
    return grades, skipped, crashed


def _report(options: GradeOptions, grades: Sequence[Grade], skipped: Sequence[Skipped],
            started: float, unsandboxed: str, changed: Sequence[str]) -> dict[str, Any]:
    """One student's report, written (`--report` PATH.json and PATH.md); its data."""
    stamp = datetime.datetime.fromtimestamp(started).isoformat(timespec="seconds")
    data = report_data(options.student, options, grades, skipped, stamp, time.time() - started,
                       scoring.describe(scoring.weights()), unsandboxed)
    data["files"] = str(files_dir(options.report))
    if changed:  # no grade stands on a checkout that grading changed
        data["checkout_changes"] = list(changed)
        for m in data["modules"]:
            m["score"], m["status"] = None, "not graded"
            m["reason"] = "grading changed the course's checkout: no grade"
    write_report(options.report, data)
    return data


def prepare(ref: Reference, course: Course, folders: Sequence[Path],
            options: GradeOptions) -> None:
    """Build the reference chain once, as long as the longest any package needs (before
    students are graded side by side, and so that it is never rebuilt in between)."""
    chains = [chain for folder in folders for sub in discover(folder, course)[0]
              for chain, _ in [chain_for(course, sub, options.only_tests)]
              if not missing_packages([m for m in chain if m.dist != sub.module.dist])]
    if chains:
        ref.ensure(max(chains, key=len))


def class_session(session: Any, course: Course, options: GradeOptions, ref: Reference,
                  venvs: Path, unsandboxed: str, before: dict[str, str]) -> None:
    """`--class DIR [--jobs N]`: every student, one reference chain, one gradebook."""
    assert options.class_dir is not None

    def one(folder: Path, report: Path) -> dict[str, Any]:
        opts = replace(options, student=folder, report=report, class_dir=None)
        started = time.time()
        grades, skipped, _ = grade_student(session, course, opts, ref, venvs / folder.name,
                                           isolate=not unsandboxed)
        return _report(opts, grades, skipped, started, unsandboxed, [])

    rows = classroom.grade_class(options.class_dir, options.report, options.jobs, one,
                                 session.log)
    changed = checkout.changes(before, checkout.fingerprint(REPO))
    for row in rows if changed else []:
        row["status"], row["total"] = "NO GRADE: grading changed the checkout", None
    path = classroom.write_gradebook(options.report, rows, course)
    print("\n" + path.read_text(encoding="utf-8"), flush=True)
    session.log(f"gradebook: {path} (and .json); each student's report in "
                f"{options.report / 'students'}")
    if changed:
        session.error(f"grading changed the checkout ({', '.join(changed[:5])}): no grade")


def grade_session(session: Any) -> None:
    """Grade a student's packages (`--student DIR`), or a class (`--class DIR`, `--merge DIR`)."""
    try:
        options = parse_grade_options(session.posargs, Path(session.invoked_from))
        course = load()
        scoring.weights()
    except UsageError as exc:
        session.error(str(exc))
    if options.merge is not None:
        path = classroom.write_gradebook(options.report, classroom.merge(options.merge), course)
        print(path.read_text(encoding="utf-8"), flush=True)
        return
    if options.class_dir is not None and (options.slurm or options.github):
        target = options.slurm or options.github
        assert target is not None
        text = (classroom.slurm_script(options.class_dir, options.report, options.passed_on,
                                       sys.executable)
                if options.slurm else classroom.github_workflow(options.passed_on))
        write_atomic(target, text)
        session.log(f"wrote {target}")
        return
    started = time.time()
    unsandboxed = sandbox.status()
    if unsandboxed:
        session.warn(f"UNSANDBOXED: {unsandboxed}; the grades are not tamper-proof")
    before = checkout.fingerprint(REPO)
    tmp = Path(session.create_tmp()).resolve()
    venvs = tmp / "grade-venvs"
    shutil.rmtree(venvs, ignore_errors=True)
    ref = Reference(session, tmp / "grade-reference", options.torch)
    try:
        prepare(ref, course, classroom.students(options.class_dir) if options.class_dir
                else [options.student], options)
    except InstallFailure as exc:
        session.error(f"the reference chain, which every grade is checked against, does not "
                      f"install: {exc}")
    if options.class_dir is not None:
        class_session(session, course, options, ref, venvs, unsandboxed, before)
        return
    grades, skipped, crashed = grade_student(session, course, options, ref, venvs,
                                             isolate=not unsandboxed)
    changed = checkout.changes(before, checkout.fingerprint(REPO))
    _report(options, grades, skipped, started, unsandboxed, changed)
    report = options.report
    print("\n" + report.with_name(report.name + ".md").read_text(encoding="utf-8"), flush=True)
    session.log(f"report: {report}.json and {report}.md")
    if changed:
        session.error(f"grading changed the checkout ({', '.join(changed[:5])}): no grade "
                      "reported; restore the checkout (git status) and grade again")
    if not grades:
        session.error(f"no package of the course in {options.student}; see the skipped entries")
    if crashed:
        session.error(f"the grader itself failed on {', '.join(crashed)} (see above); "
                      "the others are graded in the report")
