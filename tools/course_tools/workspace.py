"""A venv of its own that `install_chain` and `Steps` can use like a nox session.

Grading needs many venvs in one nox session: one per graded package (a
student's package may pull in other versions of things, and must not leave
them for the next), and one for the reference. A `Workspace` looks like a
session to the code that installs and runs steps: `bin`, `create_tmp`,
`run`, and logging passed through to the real session.

With `limits`, every command it runs is STUDENT code: it goes through a
`Sandbox` (see sandbox.py), which may read only the venv, its Python and the
course files in `readable`, and write only `outdir`. Without `limits`, the
workspace is trusted (the reference) and runs commands as nox does.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import nox.command

from .install import PROBE, _run, find_uv, venv_python
from .manifest import REPO
from .sandbox import Limits, Outcome, Sandbox, python_home

TAIL = 3000  # characters of a sandboxed step's output echoed to the session log


class Workspace:
    """A nox-session look-alike over `venv`; files (wheels, logs) go to `files`."""

    def __init__(self, session: Any, files: Path, venv: Path, limits: Limits | None = None,
                 isolate: bool = True) -> None:
        self._session = session
        self._tmp = files
        self.venv = venv
        self.limits = limits
        self.isolate = isolate
        self.readable: list[Path] = []  # course files the sandboxed steps may read
        self.outdir: Path = files / "out"  # where they may write (set per step)
        self.last: Outcome | None = None  # how the last sandboxed command ended
        self.wheel_cache: Path | None = None  # reference wheels, built once (install.py)

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

    def env(self) -> dict[str, str]:
        """The whole environment of a sandboxed step: nothing of the grader's leaks in."""
        threads = {k: "1" for k in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS")}
        return {"PATH": f"{self.bin}{os.pathsep}/usr/bin{os.pathsep}/bin", "HOME": "/tmp",
                "TMPDIR": "/tmp", "LANG": "C.UTF-8", "VIRTUAL_ENV": str(self.venv),
                "PYTHONDONTWRITEBYTECODE": "1", "PYTHONNOUSERSITE": "1",
                "PYTEST_DISABLE_PLUGIN_AUTOLOAD": "1", "MPLBACKEND": "Agg",
                "MPLCONFIGDIR": "/tmp/matplotlib", **threads}

    def sandbox(self) -> Sandbox:
        home = python_home(self.venv)
        readable = [self.venv, *([home] if home else []), *self.readable]
        return Sandbox(readable, [self.outdir], self.limits or Limits(), self.isolate)

    def run(self, *args: str, env: dict[str, str | None] | None = None,
            success_codes: Sequence[int] | None = None, silent: bool = False, **_: Any) -> Any:
        """Run a command in this venv: sandboxed (student code) or as nox does (trusted)."""
        if self.limits is None:
            full: dict[str, str | None] = {**os.environ, **(env or {})}
            full["PATH"] = self.bin + os.pathsep + os.environ.get("PATH", "")
            full["VIRTUAL_ENV"] = str(self.venv)
            return nox.command.run(list(args), env=full, paths=[self.bin], silent=silent,
                                   success_codes=success_codes, external=True)
        cmd = list(args)
        local = Path(self.bin) / cmd[0]
        if local.exists():
            cmd[0] = str(local)
        outcome = self.sandbox().run(cmd, cwd=REPO, env=self.env(),
                                     log=self.outdir.with_suffix(".log"))
        self.last = outcome
        if not silent:
            self._session.log(outcome.output[-TAIL:].rstrip())
        if outcome.limit:
            self._session.warn(f"stopped: {self.sandbox().limits.describe(outcome.limit)} hit")
        if outcome.code not in (success_codes or [0]):
            raise nox.command.CommandFailed(f"exit status {outcome.code}")
        return outcome.output

    def probe_runner(self, cmd: Sequence[str], log: Path) -> tuple[int, str]:
        """`install_chain`'s import probe: sandboxed for student code, writing only its JSON."""
        if self.limits is None:
            return _run(cmd, log)
        self.outdir = Path(cmd[3]).parent  # python -I probe.py OUT ...
        self.readable.append(PROBE)
        try:
            outcome = self.sandbox().run(cmd, cwd=REPO, env=self.env(), log=log)
        finally:
            self.readable.remove(PROBE)
        self.last = outcome
        return (-9 if outcome.code is None else outcome.code), outcome.output

    def __getattr__(self, name: str) -> Any:
        return getattr(self._session, name)
