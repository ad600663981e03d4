"""Install a chain of packages into a session's venv, swaps included, and prove it.

The steps, for the modules of a session (a prefix of the chain, or all):

1. plan: each module comes from `packages/<dist>` (the reference), or from the
   folder or wheel a `--use` names (a student's package);
2. build a wheel of every folder (in parallel), so a package that does not
   build is caught on its own and named, with the last line of its build log;
3. install all wheels in one resolver call, NOT editable (the tests must run
   what a user would get), force-reinstalling each of them, so a student's
   package with the reference's version number really replaces it;
4. probe: in the venv, import every `tinytorch.<name>` and check that it comes
   from the distribution just installed (not a stray copy on `sys.path`);
5. print the table: module, distribution, version, reference|student, from.

Why uv: creating a venv and installing NumPy + PyTorch takes seconds with uv
and about a minute with pip. uv does not read pip's configuration, where the
local PyTorch wheel's `find-links` lives, so `install_torch` passes pip's
`find-links` to uv itself. Without uv (nox's virtualenv fallback) pip does
everything, more slowly.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .manifest import REPO, TEST_HELPERS_DIR, Module, missing_packages, package_dir
from .options import Swap

TORCH = "torch==2.13.0"
PROBE = Path(__file__).with_name("probe.py")


class InstallFailure(Exception):
    """A package did not build, install or import: the message is one paragraph."""


class Refused(InstallFailure):
    """A student's package ships what may not be installed (see intake.py): not installed."""


Runner = Callable[[Sequence[str], Path], tuple[int, str]]


@dataclass(frozen=True)
class Planned:
    """Where one module of the chain comes from."""

    module: Module
    source: Path  # a package folder or a wheel
    swap: Swap | None

    @property
    def kind(self) -> str:
        return "student" if self.swap else "reference"

    @property
    def label(self) -> str:
        """The source as the user would write it: relative to the repo when inside it."""
        try:
            return str(self.source.relative_to(REPO))
        except ValueError:
            return str(self.source)

    def who(self) -> str:
        """`tt-autograd (student package, from ../my-autograd)` for messages."""
        return f"{self.module.dist} ({self.kind} package, from {self.label})"


def plan(modules: Sequence[Module], swaps: dict[str, Swap]) -> list[Planned]:
    """The source of every module; fails naming the reference folders that do not exist."""
    missing = [d for d in missing_packages(modules) if d not in swaps]
    if missing:
        raise InstallFailure(
            "This session needs packages that are not in packages/ yet: "
            + ", ".join(missing)
            + f" (modules {', '.join(f'{m.number:02d}' for m in modules if m.dist in missing)})"
        )
    out = []
    for m in modules:
        swap = swaps.get(m.dist)
        out.append(Planned(m, swap.path if swap else package_dir(m.dist), swap))
    return out


def find_uv() -> str | None:
    """The uv executable nox would use: $UV, uv on PATH, or the `uv` Python package."""
    if os.environ.get("UV"):
        return os.environ["UV"]
    on_path = shutil.which("uv")
    if on_path:
        return on_path
    try:
        from uv import find_uv_bin  # type: ignore[import-not-found]
    except ImportError:
        return None
    try:
        return str(find_uv_bin())
    except FileNotFoundError:
        return None


def venv_python(session: Any) -> str:
    """The session venv's interpreter."""
    name = "python.exe" if sys.platform == "win32" else "python"
    return str(Path(session.bin) / name)


def _clean(line: str) -> str:
    return re.sub(r"^[\s×╰─▶│|^~]+", "", line).strip()


def last_line(output: str) -> str:
    """The line of a build or install log that says what went wrong, as one line.

    In order: the last Python exception (`OSError: ...`, from a build backend);
    uv's resolver explanation (after its arrow), joined; else the last line that
    says something, after the `cause:` that introduces it. Hints are left out.
    """
    lines = [_clean(line) for line in output.splitlines()]
    raw = [line for line, text in zip(output.splitlines(), lines, strict=True)
           if text and not text.startswith("hint:")]
    exception = re.compile(r"^[A-Za-z_][\w.]*(Error|Exception|Exit)\b.*:")
    found = [line.strip() for line in raw if exception.match(line)]
    if found:
        return found[-1]
    arrows = [i for i, line in enumerate(raw) if "╰─▶" in line]
    if arrows:
        return " ".join(_clean(line) for line in raw[arrows[-1]:])
    said = [_clean(line) for line in raw if re.search(r"[A-Za-z]", line)]
    if not said:
        return "(no output)"
    starts = [i for i, t in enumerate(said) if t.startswith(("cause:", "error:"))]
    if not starts:
        return said[-1]
    # the last `cause:` (or `error:`) and the lines that continue it, code snippets left out
    pieces = [said[starts[-1]].split(":", 1)[1].strip()]
    pieces += [t for t in said[starts[-1] + 1 :] if " | " not in t]
    text = pieces[0]
    for piece in pieces[1:]:
        text += (" " if text.endswith((".", ":")) else ": ") + piece
    return text


def _run(cmd: Sequence[str], log: Path, timeout: float | None = None) -> tuple[int, str]:
    """Run a command, capture its output into `log`; (return code, output).

    With `timeout`, a command still running then is killed: code -9.
    """
    try:
        proc = subprocess.run(list(cmd), stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                              text=True, check=False, timeout=timeout)
        code, output = proc.returncode, proc.stdout
    except subprocess.TimeoutExpired as exc:
        output = exc.stdout.decode(errors="replace") if isinstance(exc.stdout, bytes) else \
            (exc.stdout or "")
        code, output = -9, output + f"\nTimeoutError: stopped after {timeout:g} s\n"
    log.parent.mkdir(parents=True, exist_ok=True)
    log.write_text(" ".join(cmd) + "\n\n" + output, encoding="utf-8")
    return code, output


BUILD_SECONDS = 600  # a build that takes longer is stopped (hatchling needs a few seconds)


def build_wheels(planned: Sequence[Planned], python: str, work: Path,
                 cache: Path | None = None) -> dict[str, Path]:
    """A wheel for every planned module (folders are built; wheels are used as they are).

    `cache`: a folder where wheels of the REFERENCE packages are kept, by the
    hash of their sources, so that grading a class builds each one once.
    """
    uv = find_uv()
    wheels: dict[str, Path] = {}
    jobs = []
    for p in planned:
        if p.source.suffix == ".whl":
            wheels[p.module.dist] = p.source
            continue
        out = work / "wheels" / p.module.dist
        if cache is not None and p.swap is None:
            out = cache / p.module.dist / _source_hash(p.source)
            kept = sorted(out.glob("*.whl"))
            if len(kept) == 1:
                wheels[p.module.dist] = kept[0]
                continue
            shutil.rmtree(out, ignore_errors=True)
        if uv:
            cmd = [uv, "build", "--wheel", "--no-progress", "--python", python,
                   "--out-dir", str(out), str(p.source)]
        else:
            cmd = [python, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(out), str(p.source)]
        jobs.append((p, out, cmd, work / "logs" / f"{p.module.dist}-build.log"))
    with ThreadPoolExecutor(max_workers=max(2, min(4, os.cpu_count() or 1))) as pool:
        results = list(pool.map(lambda job: _run(job[2], job[3], BUILD_SECONDS), jobs))
    for (p, out, _cmd, log), (code, output) in zip(jobs, results, strict=True):
        built = sorted(out.glob("*.whl")) if code == 0 else []
        if len(built) != 1:
            reason = last_line(output) if code else f"expected one wheel in {out}, found {built}"
            raise InstallFailure(
                f"{p.who()} failed to build: {reason} (full build log: {_rel(log)})"
            )
        wheels[p.module.dist] = built[0]
    return wheels


def _source_hash(folder: Path) -> str:
    """A short hash of every file of a package folder (caches left out)."""
    from .checkout import fingerprint

    text = json.dumps(sorted(fingerprint(folder).items()))
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def pip_install(python: str, args: Sequence[str], log: Path) -> tuple[int, str]:
    """`uv pip install` (or pip) into the venv of `python`."""
    uv = find_uv()
    if uv:
        cmd = [uv, "pip", "install", "--python", python, *args]
    else:
        cmd = [python, "-m", "pip", "install", "--disable-pip-version-check", *args]
    return _run(cmd, log)


def install_chain(
    session: Any, modules: Sequence[Module], swaps: dict[str, Swap], extra: Sequence[str] = (),
    vet: Callable[[Planned, Path], list[str]] | None = None,
) -> list[Planned]:
    """Build, install and verify `modules` (with `swaps`) plus tt-testing, pytest and `extra`.

    `vet(planned, wheel)`: reasons to refuse a student's built wheel before it is
    installed (grading); the import probe runs through `session.probe_runner`
    when the session has one (a sandbox), else directly.
    """
    planned = plan(modules, swaps)
    python = venv_python(session)
    work = Path(session.create_tmp()).resolve() / "chain"
    shutil.rmtree(work, ignore_errors=True)
    n_build = sum(p.source.suffix != ".whl" for p in planned)
    n_student = sum(p.swap is not None for p in planned)
    session.log(f"building {n_build} of {len(planned)} packages ({n_student} from a student) ...")
    wheels = build_wheels(planned, python, work, getattr(session, "wheel_cache", None))
    for p in planned:
        reasons = vet(p, wheels[p.module.dist]) if vet and p.swap else []
        if reasons:
            raise Refused(f"{p.who()} is refused: {'; '.join(reasons)}")

    args = [str(wheels[p.module.dist]) for p in planned] + [str(TEST_HELPERS_DIR), "pytest", *extra]
    if find_uv():
        for dist in [*(p.module.dist for p in planned), "tt-testing"]:
            args += ["--reinstall-package", dist]
    else:
        args = ["--force-reinstall", *args]
    session.log(f"installing {', '.join(p.module.dist for p in planned)} (not editable) ...")
    code, output = pip_install(python, args, work / "logs" / "install.log")
    if code:
        students = [p for p in planned if p.swap]
        with_students = (
            " with " + ", ".join(p.who() for p in students) if students else ""
        )
        raise InstallFailure(
            f"Installing the chain{with_students} failed: {last_line(output)} "
            f"(full log: {_rel(work / 'logs' / 'install.log')})"
        )
    results = probe(planned, python, work, getattr(session, "probe_runner", _run))
    print_table(session, planned, results)
    verify(planned, wheels, results)
    return planned


def probe(planned: Sequence[Planned], python: str, work: Path, run: Runner = _run
          ) -> dict[str, dict[str, Any]]:
    """Import every module in the venv (isolated from PYTHONPATH); what probe.py found.

    The probe writes its JSON into a folder of its own, `work/probe/`: a sandboxed
    run may write there and nowhere else.
    """
    out = work / "probe" / "probe.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    pairs = [f"{p.module.dist}={p.module.import_name}" for p in planned]
    code, output = run([python, "-I", str(PROBE), str(out), *pairs], work / "logs" / "probe.log")
    if code or not out.is_file():
        raise InstallFailure(
            f"Importing the installed chain crashed the interpreter: {last_line(output)} "
            f"(full log: {_rel(work / 'logs' / 'probe.log')})"
        )
    return {r["dist"]: r for r in json.loads(out.read_text(encoding="utf-8"))}


def verify(
    planned: Sequence[Planned], wheels: dict[str, Path], results: dict[str, dict[str, Any]]
) -> None:
    """Each module imports, from the wheel just installed; the first failure, in one paragraph."""
    for i, p in enumerate(planned):
        r = results[p.module.dist]
        if "error" in r:
            earlier = [q.module.dist for q in planned[:i] if q.swap]
            hint = (
                f"; it builds on the student package(s) {', '.join(earlier)}: do they export "
                "what the reference expects?" if earlier and not p.swap else ""
            )
            raise InstallFailure(
                f"{p.who()} is installed but {p.module.import_name} does not import: "
                f"{r['error']}{hint}"
            )
        url = (r.get("direct_url") or {}).get("url", "")
        if not url.endswith("/" + wheels[p.module.dist].name) or not r.get("owned"):
            raise InstallFailure(
                f"{p.who()}: {p.module.import_name} is imported from {r.get('file')}, "
                f"not from the wheel just installed ({wheels[p.module.dist].name}, "
                f"installed from {url or 'an index'}); something else on sys.path shadows it"
            )


def print_table(
    session: Any, planned: Sequence[Planned], results: dict[str, dict[str, Any]]
) -> None:
    """module | distribution | version | reference|student | from."""
    rows = [("module", "distribution", "version", "kind", "from")]
    for p in planned:
        r = results.get(p.module.dist, {})
        kind = p.kind + (" (import FAILED)" if "error" in r else "")
        version = str(r.get("version", "?"))
        rows.append((f"{p.module.number:02d}", p.module.dist, version, kind, p.label))
    widths = [max(len(r[i]) for r in rows) for i in range(4)]
    session.log("installed chain:")
    for r in rows:
        session.log("  " + "  ".join(c.ljust(w) for c, w in zip(r[:4], widths, strict=True))
                    + "  " + r[4])


def pip_find_links() -> list[str]:
    """pip's `find-links` (config files and PIP_FIND_LINKS), for uv, which ignores them."""
    links: list[str] = []
    try:
        out = subprocess.run(
            [sys.executable, "-m", "pip", "config", "list"],
            capture_output=True, text=True, timeout=60, check=False,
        ).stdout
    except (OSError, subprocess.SubprocessError):
        out = ""
    for line in out.splitlines():
        key, _, value = line.partition("=")
        if key.strip().endswith(".find-links"):
            links += value.strip().strip("'\"").split()
    links += os.environ.get("PIP_FIND_LINKS", "").split()
    return list(dict.fromkeys(links))


def install_torch(session: Any) -> bool:
    """Install the PyTorch oracle; on failure, say so in one line and go on."""
    python = venv_python(session)
    args = [TORCH]
    if find_uv():
        for link in pip_find_links():
            args += ["--find-links", link]
    log = Path(session.create_tmp()).resolve() / "chain" / "logs" / "torch.log"
    session.log(f"installing {TORCH} (the optional oracle) ...")
    code, output = pip_install(python, args, log)
    if code:
        session.log(
            f"PyTorch not installed ({last_line(output)}); the oracle tests will skip. "
            f"Log: {_rel(log)}"
        )
        return False
    return True


def _rel(path: Path) -> str:
    try:
        return str(path.relative_to(REPO))
    except ValueError:
        return str(path)
