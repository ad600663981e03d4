"""Score a class's competition submissions: the `compete` session.

    nox -s compete -- --submissions DIR --hidden-test FILE [--jobs N] [--out DIR]
                      [--use tt-x=PATH] [-- SCORER OPTIONS]

DIR holds one folder per submission (`spec.json` + `weights.npz`: data, never
code; see tinytorch.competition). FILE is the hidden test set the instructor
keeps back (an `.npz` of images and labels, or a `.txt` for TinyGPT). The
session checks its arguments first (a usage error installs nothing), installs
the whole chain, modules 01 to tt-competition, with the same machinery as the
part sessions (`--use` / `TT_USE` swap in a package, e.g. a student's
tt-compression), then runs

    python -m tinytorch.competition score --submissions DIR --hidden-test FILE ...

which scores every submission (a broken one is refused with its reason, the
rest are still scored), prints the Markdown table and writes leaderboard.json,
leaderboard.md and leaderboard.html into `--out` (default
reports/compete-<timestamp>). Options after a second `--` go to the scorer
unchanged (`-- --max-ms 50 --floor 0.9`: see `python -m tinytorch.competition
score --help`). Relative paths are read from the folder nox was started in.
BLAS runs one thread unless the caller's environment says otherwise, so
latencies are comparable and steady.
"""

from __future__ import annotations

import datetime
import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .manifest import REPO, Course, Module, load, missing_packages
from .options import ENV_VAR, Options, Swap, UsageError, _Parser, parse_swaps
from .sessions import install

COMPETITION = "tt-competition"
THREAD_VARS = ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS")
OWN = ("--submissions", "--hidden-test", "--jobs", "--out")  # the session's, not the scorer's


@dataclass
class CompeteOptions:
    """What `nox -s compete --` was asked to do, every path absolute."""

    submissions: Path
    hidden_test: Path
    out: Path
    jobs: int = 1
    swaps: dict[str, Swap] = field(default_factory=dict)
    scorer_args: list[str] = field(default_factory=list)  # after a second `--`, unchanged

    def score_args(self) -> list[str]:
        """The arguments of `python -m tinytorch.competition score`."""
        args = ["--submissions", str(self.submissions), "--hidden-test", str(self.hidden_test),
                "--jobs", str(self.jobs), "--out", str(self.out)]
        return args + self.scorer_args


def parse_compete_options(posargs: Sequence[str], env_use: str | None, base: Path,
                          now: datetime.datetime | None = None) -> CompeteOptions:
    """Parse and check the session's arguments; any problem is a `UsageError` with the usage."""
    args = list(posargs)
    scorer_args: list[str] = []
    if "--" in args:
        cut = args.index("--")
        args, scorer_args = args[:cut], args[cut + 1 :]
    p = _Parser(prog="nox -s compete --", add_help=False)
    p.add_argument("--submissions", required=True, metavar="DIR",
                   help="folder with one folder (spec.json + weights.npz) per submission")
    p.add_argument("--hidden-test", required=True, metavar="FILE",
                   help="the hidden test set: .npz (images, labels) or .txt (TinyGPT)")
    p.add_argument("--jobs", type=int, default=1, metavar="N",
                   help="measure accuracy of N submissions at once (latency: one at a time)")
    p.add_argument("--out", metavar="DIR",
                   help="where the leaderboard goes (default reports/compete-<timestamp>)")
    p.add_argument("--use", action="append", default=[], metavar="DIST=PATH",
                   help="install PATH (package folder or wheel) in place of the reference DIST")
    ns = p.parse_args(args)
    usage = p.format_usage().strip()
    submissions = (base / Path(ns.submissions).expanduser()).resolve()
    hidden = (base / Path(ns.hidden_test).expanduser()).resolve()
    if not submissions.is_dir():
        raise UsageError(f"--submissions {ns.submissions}: {submissions} is not a folder\n"
                         f"{usage}")
    if not hidden.is_file():
        raise UsageError(f"--hidden-test {ns.hidden_test}: {hidden} is not a file\n{usage}")
    if ns.jobs < 1:
        raise UsageError(f"--jobs {ns.jobs}: give a number >= 1\n{usage}")
    if ns.out:
        out = (base / Path(ns.out).expanduser()).resolve()
        if out.exists() and not out.is_dir():
            raise UsageError(f"--out {ns.out}: {out} exists and is not a folder\n{usage}")
    else:
        stamp = (now or datetime.datetime.now()).strftime("%Y%m%d-%H%M%S")
        out = REPO / "reports" / f"compete-{stamp}"
    for arg in scorer_args:
        if arg.split("=")[0] in OWN:
            raise UsageError(f"{arg.split('=')[0]} after the second `--`: give it before it "
                             f"(the session resolves its paths)\n{usage}")
    env_values = [v for v in (env_use or "").split(",") if v.strip()]
    try:
        swaps = parse_swaps(ns.use, env_values, base)
    except UsageError as exc:
        raise UsageError(f"{exc}\n{usage}") from None
    return CompeteOptions(submissions, hidden, out, ns.jobs, swaps, scorer_args)


def chain(course: Course) -> list[Module]:
    """Modules 01 to tt-competition: everything a submission's layers may come from."""
    return list(course.modules_through(course.module(COMPETITION).number))


def thread_env(environ: Mapping[str, str] = os.environ) -> dict[str, str]:
    """One BLAS thread for the scoring run, unless the caller set a count."""
    return {var: environ.get(var, "1") for var in THREAD_VARS}


def session(session: Any) -> None:
    """Score a class's submissions on the hidden test; write the leaderboard (JSON, MD, HTML)."""
    course = load()
    try:
        options = parse_compete_options(session.posargs, os.environ.get(ENV_VAR),
                                        Path(session.invoked_from))
    except UsageError as exc:
        session.error(str(exc))
    modules = chain(course)
    missing = missing_packages(modules)
    if missing:
        session.error(f"the competition needs modules 01-{modules[-1].number:02d}; "
                      f"no package in packages/ yet for: {', '.join(missing)}")
    install(session, course, modules, Options(swaps=options.swaps))
    options.out.mkdir(parents=True, exist_ok=True)
    session.log(f"scoring {options.submissions} on {options.hidden_test} "
                f"({options.jobs} job(s)); leaderboard -> {options.out}")
    session.run("python", "-m", "tinytorch.competition", "score", *options.score_args(),
                env=thread_env())
    session.log(f"leaderboard: {options.out / 'leaderboard.html'}")
