"""Upload built packages to an index (PyPI or a course's own), dependencies first.

    nox -s publish -- --repository-url https://pypi.example.edu/ [--dist DIR] [--simple-url URL]
    nox -s publish -- --repository pypi           (a section of ~/.pypirc, or pypi/testpypi)

- The files in `--dist` (default `dist/`, as `nox -s build` or `nox -s release`
  leave it) are grouped per package and uploaded in the order of course.toml,
  after tt-testing (the test helpers), so that every package's dependencies
  are on the index before it; a file that is not a package of the course (or
  tt-testing) stops the upload before anything is sent.
- Credentials come from the environment (`TWINE_USERNAME`, `TWINE_PASSWORD`)
  or from `~/.pypirc`, never from the command line: twine reads them itself,
  and nothing here prints them (the saved twine logs have the password blanked
  out). A URL with a user or password in it is refused. With
  `--repository-url`, a section of `~/.pypirc` whose `repository` is that URL
  supplies the credentials that the environment does not.
- Before each file, the index's simple page of its project is read (see
  `index.py`; `--simple-url`, else derived from the upload URL): a file
  already there with the same sha256 is skipped; with different bytes (the
  same version rebuilt) it is an error naming the file, never "skipped".
  A file the index says exists (a 409, or a 400/403 saying so) that could not
  be compared is an error too. One file per twine call.
- A package half on the index (its wheel without its sdist, after an
  interrupted publish) is reported as "half on the index", and the next run
  uploads what is missing and says it completed it.
- When a package fails, the packages that depend on it (declared in the
  built wheel, transitively) are not attempted; the others still go. When
  the failure is the repository's (credentials refused, no credentials, the
  index unreachable), every later package would fail the same way, so nothing
  after it is attempted. The session ends with a table (uploaded, skipped,
  failed, not attempted and why) and fails if anything failed or was not
  attempted.
"""

from __future__ import annotations

import argparse
import configparser
import email.message
import email.parser
import os
import re
import subprocess
import tarfile
import zipfile
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from packaging.requirements import InvalidRequirement, Requirement
from packaging.utils import (
    InvalidSdistFilename,
    InvalidWheelFilename,
    canonicalize_name,
    parse_sdist_filename,
    parse_wheel_filename,
)
from packaging.version import Version

from .index import Index, Seen, simple_url_for
from .manifest import REPO, TEST_HELPERS, Course
from .options import UsageError, _Parser

Log = Callable[[str], None]
# the answers of indexes that mean "this file is there already"
EXISTS = ("already exists", "cannot be overridden", "does not allow updating assets",
          "not enough permissions to overwrite artifact")
UNREACHABLE = ("connectionerror", "connection refused", "max retries exceeded",
               "name or service not known", "failed to resolve", "timed out")
ANSI = re.compile(r"\x1b\[[0-9;]*m")


@dataclass(frozen=True)
class Target:
    """Where to upload: twine's arguments and how to name it in messages."""

    args: tuple[str, ...]
    label: str
    credentials: str  # where the credentials come from, for messages


@dataclass
class Upload:
    """One package version: its files (wheel first) and the tt-* packages it requires."""

    dist: str
    version: str
    files: list[Path]
    requires: set[str] = field(default_factory=set)


@dataclass
class Outcome:
    """The answer to one file's upload."""

    # uploaded | exists (same bytes) | differs | unverified | refused | no-credentials |
    # unreachable | wrong-url | failed
    kind: str
    reason: str = ""

    @property
    def repository_level(self) -> bool:
        """A failure every later upload would meet as well."""
        return self.kind in ("refused", "no-credentials", "unreachable", "wrong-url")


@dataclass
class Result:
    """How one package went."""

    dist: str
    version: str
    status: str  # uploaded | skipped | failed | not attempted
    detail: str = ""


# -- where to --------------------------------------------------------------------------
def pypirc_sections(path: Path) -> dict[str, str]:
    """Section -> repository URL of a `.pypirc` (sections without a URL left out)."""
    parser = configparser.RawConfigParser()
    try:
        parser.read(path, encoding="utf-8")
    except configparser.Error:
        return {}
    return {s: parser.get(s, "repository") for s in parser.sections()
            if parser.has_option(s, "repository")}


def _same_url(a: str, b: str) -> bool:
    return a.rstrip("/") == b.rstrip("/")


def target_for(url: str | None, name: str | None, pypirc: Path) -> Target:
    """The twine arguments for `--repository-url URL` or `--repository NAME`."""
    if bool(url) == bool(name):
        raise UsageError("give exactly one of --repository-url URL and --repository NAME "
                         "(a section of ~/.pypirc, or pypi/testpypi)")
    if name:
        return Target(("--repository", name), f"repository {name!r}",
                      f"TWINE_USERNAME/TWINE_PASSWORD or the [{name}] section of {pypirc}")
    assert url is not None
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise UsageError(f"--repository-url {url!r}: expected an http(s) URL")
    if parts.username or parts.password:
        raise UsageError("--repository-url must not hold credentials (they would be printed); "
                         "set TWINE_USERNAME and TWINE_PASSWORD, or use ~/.pypirc")
    section = next((s for s, u in pypirc_sections(pypirc).items() if _same_url(u, url)), None)
    if section:
        return Target(("--config-file", str(pypirc), "--repository", section), url,
                      f"TWINE_USERNAME/TWINE_PASSWORD or the [{section}] section of {pypirc}")
    return Target(("--repository-url", url), url, "TWINE_USERNAME/TWINE_PASSWORD")


# -- what to ---------------------------------------------------------------------------
def _metadata(path: Path) -> email.message.Message | None:
    """The core metadata of a wheel (METADATA) or sdist (PKG-INFO)."""
    try:
        if path.name.endswith(".whl"):
            with zipfile.ZipFile(path) as zf:
                name = next(n for n in zf.namelist() if n.endswith(".dist-info/METADATA"))
                return email.parser.BytesParser().parsebytes(zf.read(name))
        with tarfile.open(path) as tf:
            member = next(m for m in tf.getmembers() if m.name.count("/") == 1
                          and m.name.endswith("/PKG-INFO"))
            extracted = tf.extractfile(member)
            return email.parser.BytesParser().parsebytes(extracted.read()) if extracted else None
    except (OSError, StopIteration, zipfile.BadZipFile, tarfile.TarError):
        return None


def requirements(path: Path) -> list[str]:
    """The `Requires-Dist` lines of a built file."""
    meta = _metadata(path)
    return list(meta.get_all("Requires-Dist", [])) if meta else []


def requires_of(path: Path) -> set[str]:
    """The tt-* distributions a built file requires."""
    found = set()
    for text in requirements(path):
        try:
            name = canonicalize_name(Requirement(text).name)
        except InvalidRequirement:
            continue
        if name.startswith("tt-"):
            found.add(name)
    return found


def collect(dist_dir: Path, course: Course) -> list[Upload]:
    """The packages in `dist_dir`, in course order (versions ascending); stray files refused."""
    if not dist_dir.is_dir():
        raise UsageError(f"{dist_dir} does not exist: run `nox -s build` or `nox -s release`")
    order = {TEST_HELPERS: 0, **{m.dist: m.number for m in course.modules}}
    groups: dict[tuple[str, str], Upload] = {}
    strays = []
    for path in sorted(dist_dir.iterdir()):
        if path.name.startswith("."):
            continue
        try:
            if path.name.endswith(".whl"):
                name, version, *_ = parse_wheel_filename(path.name)
            elif path.name.endswith(".tar.gz"):
                name, version = parse_sdist_filename(path.name)
            else:
                strays.append(path.name)
                continue
        except (InvalidWheelFilename, InvalidSdistFilename):
            strays.append(path.name)
            continue
        if name not in order:
            strays.append(path.name)
            continue
        up = groups.setdefault((name, str(version)), Upload(name, str(version), []))
        up.files.append(path)
    if strays:
        raise UsageError(f"{dist_dir} holds files that are not packages of course.toml: "
                         f"{', '.join(strays)}; remove them first")
    if not groups:
        raise UsageError(f"{dist_dir} holds no built packages: run `nox -s build` first")
    uploads = sorted(groups.values(), key=lambda u: (order[u.dist], Version(u.version)))
    for up in uploads:
        up.files.sort(key=lambda p: (not p.name.endswith(".whl"), p.name))
        up.requires = set().union(*(requires_of(p) for p in up.files)) - {up.dist}
    return uploads


# -- one file ----------------------------------------------------------------------------
def classify(code: int, output: str, target: str) -> Outcome:
    """What twine's exit code and output (`--verbose`) say about one upload."""
    text = " ".join(ANSI.sub("", output).split())
    low = text.lower()
    if code == 0:
        return Outcome("uploaded")
    status = re.search(r"HTTPError: (\d{3}) ([^\n]*?) from (\S+)", text)
    if status:
        code_s, phrase = status[1], status[2].strip()
        if code_s == "409" or (code_s in ("400", "403") and any(m in low for m in EXISTS)):
            return Outcome("exists", f"{code_s} {phrase}: already on the index")
        if code_s in ("401", "403"):
            return Outcome("refused", f"{target} refused the credentials ({code_s} {phrase})")
        if code_s in ("404", "405"):
            return Outcome("wrong-url", f"{target} answered {code_s} {phrase}: is it the "
                                          "index's upload URL?")
        return Outcome("failed", f"{target} answered {code_s} {phrase}")
    if "credential not found" in low or "noninteractive" in low:
        return Outcome("no-credentials", f"no credentials for {target}")
    if any(m in low for m in UNREACHABLE):
        return Outcome("unreachable", f"cannot reach {target}")
    errors = [line.split("ERROR", 1)[1].strip() for line in ANSI.sub("", output).splitlines()
              if "ERROR" in line]
    lines = [line.strip() for line in ANSI.sub("", output).splitlines() if line.strip()]
    return Outcome("failed", errors[-1] if errors else (lines[-1] if lines else "twine failed"))


def scrub(text: str, env: Mapping[str, str]) -> str:
    """`text` with the password from the environment blanked out."""
    secret = env.get("TWINE_PASSWORD", "")
    return text.replace(secret, "<hidden>") if len(secret) >= 3 else text


def twine_upload(twine: Sequence[str], target: Target, file: Path, env: Mapping[str, str],
                 logs: Path | None) -> Outcome:
    """Upload one file with twine; credentials reach twine through `env` or ~/.pypirc only."""
    cmd = [*twine, "upload", "--non-interactive", "--verbose", "--disable-progress-bar",
           *target.args, str(file)]
    run_env = {**env, "NO_COLOR": "1", "COLUMNS": "200", "TERM": "dumb"}
    try:
        proc = subprocess.run(cmd, env=run_env, capture_output=True, text=True, timeout=600,
                              stdin=subprocess.DEVNULL, check=False)
        code, output = proc.returncode, proc.stdout + proc.stderr
    except subprocess.TimeoutExpired:
        code, output = 1, "timed out after 600 s: ConnectionError"
    if logs is not None:
        logs.mkdir(parents=True, exist_ok=True)
        (logs / f"{file.name}.log").write_text(scrub(" ".join(cmd) + "\n\n" + output, env),
                                               encoding="utf-8")
    return classify(code, output, target.label)


# -- all of them ---------------------------------------------------------------------------
Lookup = Callable[[Upload, Path], Seen]


def _unknown(up: Upload, path: Path) -> Seen:
    return Seen("unknown", "the index's simple pages are not known (give --simple-url)")


def send(up: Upload, file: Path, upload_file: Callable[[Path], Outcome],
         lookup: Lookup) -> Outcome:
    """One file: compared with the index's copy if there is one, else uploaded.

    A file already there counts as done only with the same bytes; different
    bytes, or bytes that could not be compared, are errors naming the file.
    """
    seen = lookup(up, file)
    if seen.kind == "same":
        return Outcome("exists", seen.reason)
    if seen.kind == "differs":
        return Outcome("differs", seen.reason)
    outcome = upload_file(file)
    if outcome.kind != "exists":
        return outcome
    why = "it is not in the index's listing" if seen.kind == "absent" else seen.reason
    return Outcome("unverified", f"{file.name} is already on the index ({outcome.reason}), but "
                                 f"its bytes could not be compared with dist/: {why}")


def package_result(up: Upload, outcomes: Sequence[Outcome]) -> Result:
    """How one package went, from its files' outcomes (in `up.files` order, maybe cut short)."""
    names = [f.name for f in up.files]
    there = [n for n, o in zip(names, outcomes, strict=False) if o.kind == "exists"]
    sent = [n for n, o in zip(names, outcomes, strict=False) if o.kind == "uploaded"]
    bad = next((o for o in outcomes if o.kind not in ("uploaded", "exists")), None)
    if bad is not None:
        done = there + sent
        if not done:
            return Result(up.dist, up.version, "failed", bad.reason)
        missing = [n for n in names if n not in done]
        return Result(up.dist, up.version, "failed",
                      f"half on the index: {', '.join(done)} there, {', '.join(missing)} not; "
                      f"{bad.reason}" + ("" if bad.kind == "differs" else "; rerun to complete it"))
    if not sent:
        return Result(up.dist, up.version, "skipped", "already on the index, same bytes")
    if there:
        return Result(up.dist, up.version, "uploaded",
                      f"completed a half-published package: uploaded {', '.join(sent)}; "
                      f"{', '.join(there)} already there, same bytes")
    return Result(up.dist, up.version, "uploaded", f"{len(sent)} file(s)")


def publish(uploads: Sequence[Upload], upload_file: Callable[[Path], Outcome],
            log: Log = print, lookup: Lookup = _unknown) -> list[Result]:
    """Upload in order; skip what is there with the same bytes; spare the dependents of a
    failure; stop on the repository's failures. `upload_file` uploads one file, `lookup`
    says what the index holds of it."""
    results: list[Result] = []
    root_cause: dict[str, str] = {}  # a failed or blocked dist -> the failed one behind it
    stop: str | None = None
    for up in uploads:
        if stop is not None:
            results.append(Result(up.dist, up.version, "not attempted", stop))
            continue
        blocked = sorted(d for d in up.requires if d in root_cause)
        if blocked:
            dep, cause = blocked[0], root_cause[blocked[0]]
            why = "which failed" if cause == dep else f"not attempted because {cause} failed"
            results.append(Result(up.dist, up.version, "not attempted", f"needs {dep}, {why}"))
            root_cause[up.dist] = cause
            continue
        outcomes = []
        for file in up.files:
            log(f"uploading {file.name}")
            outcome = send(up, file, upload_file, lookup)
            outcomes.append(outcome)
            if outcome.kind not in ("uploaded", "exists"):
                break
        result = package_result(up, outcomes)
        results.append(result)
        if result.status == "failed":
            root_cause[up.dist] = up.dist
            bad = outcomes[-1]
            if bad.repository_level:
                stop = f"stopped after {up.dist}: {bad.reason}"
    return results


def table(results: Sequence[Result]) -> list[str]:
    """package | version | status | detail."""
    rows = [("package", "version", "status", "detail")]
    rows += [(r.dist, r.version, r.status, r.detail) for r in results]
    widths = [max(len(r[i]) for r in rows) for i in range(3)]
    return ["  ".join(c.ljust(w) for c, w in zip(r[:3], widths, strict=True)) + "  " + r[3]
            for r in rows]


def counts(results: Sequence[Result]) -> str:
    """`8 uploaded, 0 skipped, 0 failed, 0 not attempted`."""
    return ", ".join(f"{sum(r.status == s for r in results)} {s}"
                     for s in ("uploaded", "skipped", "failed", "not attempted"))


def ok(results: Sequence[Result]) -> bool:
    return all(r.status in ("uploaded", "skipped") for r in results)


# -- the nox session ----------------------------------------------------------------------------
def index_lookup(simple_url: str | None) -> Lookup:
    """`lookup` for `publish`: what the index at `simple_url` holds of a file."""
    if not simple_url:
        return _unknown
    index = Index(simple_url)

    return lambda up, path: index.seen(up.dist, path)


def parse_args(posargs: Sequence[str], base: Path) -> argparse.Namespace:
    """`--repository-url URL | --repository NAME`, `[--dist DIR]`."""
    parser = _Parser(prog="nox -s publish --", add_help=False)
    parser.add_argument("--repository-url", metavar="URL")
    parser.add_argument("--repository", metavar="NAME")
    parser.add_argument("--dist", type=Path, default=REPO / "dist", metavar="DIR")
    parser.add_argument("--simple-url", metavar="URL",
                        help="the index's PEP 503 simple pages (default: from the upload URL)")
    ns = parser.parse_args(list(posargs))
    ns.dist = (base / ns.dist).resolve()
    return ns


def session(session: Any) -> None:
    """Upload the packages in dist/ in chain order; a table of what happened."""
    from .install import venv_python
    from .manifest import load

    try:
        ns = parse_args(session.posargs, Path(session.invoked_from))
        target = target_for(ns.repository_url, ns.repository, Path.home() / ".pypirc")
        uploads = collect(ns.dist, load())
    except UsageError as exc:
        session.error(str(exc))
    session.install("twine")
    twine = [venv_python(session), "-m", "twine"]
    files = [str(f) for up in uploads for f in up.files]
    session.run(*twine, "check", "--strict", *files, silent=True)
    logs = Path(session.create_tmp()).resolve() / "publish-logs"
    env = dict(os.environ)
    session.log(f"publishing {len(uploads)} package(s) to {target.label}; credentials from "
                f"{target.credentials}")
    simple = ns.simple_url or simple_url_for(ns.repository_url, ns.repository,
                                             pypirc_sections(Path.home() / ".pypirc"))
    lookup = index_lookup(simple)
    session.log(f"comparing with the files on the index from {simple or '(unknown)'}")
    results = publish(uploads, lambda f: twine_upload(twine, target, f, env, logs), session.log,
                      lookup)
    session.log("summary:")
    for line in table(results):
        session.log("  " + line)
    session.log(f"{counts(results)}; twine's output per file: {logs}")
    if any("refused the credentials" in r.detail or "no credentials" in r.detail
           for r in results):
        session.log(f"the credentials come from {target.credentials}")
    if not ok(results):
        session.error(f"publish to {target.label} incomplete: {counts(results)}")
