"""The reference chain in a venv of its own: the trusted answers a student's are held to.

Built once per grading run (and reused for every student of a class): the
course's own packages, through the last module any graded package needs,
with pytest and tt-testing. Nothing of a student's ever runs in it. It gives:

- `test_ids(folder)`: the ids of the tests the reference suite collects,
  which a student's JUnit report is checked against (evidence.py);
- `case_outputs(module)`: the reference's outputs for a module's differential
  cases (grading/cases/), which a student's outputs are compared with;
- `compare_cases(module, student, out)`: that comparison, run here, where NumPy
  is (nox's own Python, where the grader runs, need not have it).

Both are cached for the run: collecting a package's tests took 2.2-2.4 s here,
running a module's cases about 0.4 s.
"""

from __future__ import annotations

import shutil
import threading
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from . import differential
from .install import TORCH, install_chain
from .manifest import REPO, Module
from .workspace import Workspace

# pytest's options in every graded run, and so in the collection that checks it:
# no plugin is loaded from an entry point (PYTEST_DISABLE_PLUGIN_AUTOLOAD), only
# these, named: tt-testing's fixtures and markers, and a time limit per test.
PYTEST_PLUGINS = ("-p", "tt_testing.plugin", "-p", "pytest_timeout", "-p", "no:cacheprovider")
GRADING_EXTRAS = ("pytest-timeout",)


class Reference:
    """A trusted venv with the reference chain; collection and case outputs, cached."""

    def __init__(self, session: Any, root: Path, torch: bool) -> None:
        self.ws = Workspace(session, root / "files", root / "venv")
        self.wheel_cache = self.ws.wheel_cache = root / "wheels"  # shared with the students'
        self.torch = torch
        self.through = 0
        self._ids: dict[tuple[Path, tuple[str, ...]], list[str]] = {}
        self._cases: dict[str, Path] = {}
        self._lock = threading.RLock()  # students graded side by side share it

    def ensure(self, modules: Sequence[Module]) -> None:
        """Install the reference chain `modules` (a prefix), unless a longer one is there."""
        with self._lock:
            self._ensure(modules)

    def _ensure(self, modules: Sequence[Module]) -> None:
        last = max(m.number for m in modules)
        if last <= self.through:
            return
        shutil.rmtree(self.ws.venv, ignore_errors=True)  # a shorter chain was there
        self.ws.create_venv()
        extra = [*GRADING_EXTRAS, *([TORCH] if self.torch else [])]
        install_chain(self.ws, modules, {}, extra=extra)
        self.through = last
        self._ids.clear()
        self._cases.clear()

    def test_ids(self, folder: Path, args: Sequence[str] = ()) -> list[str]:
        """pytest's node ids of the tests in `folder` (with the grader's own pytest `args`,
        such as `-k`), as the reference collects them."""
        key = (folder, tuple(args))
        with self._lock:
            return self._collect(key)

    def _collect(self, key: tuple[Path, tuple[str, ...]]) -> list[str]:
        folder, args = key
        if key not in self._ids:
            out = self.ws.run("python", "-m", "pytest", "--collect-only", "-q",
                              "--import-mode=importlib", *PYTEST_PLUGINS,
                              str(folder.relative_to(REPO)), *args, silent=True,
                              success_codes=[0, 5],
                              env={"PYTEST_DISABLE_PLUGIN_AUTOLOAD": "1", "PYTHONPATH": None})
            self._ids[key] = [line.strip() for line in str(out or "").splitlines()
                              if "::" in line and not line.startswith(" ")]
        return self._ids[key]

    def case_outputs(self, module: Module) -> Path | None:
        """The reference's outputs of `module`'s differential cases (None: it has none)."""
        if not differential.has_cases(module.name):
            return None
        with self._lock:
            return self._run_cases(module)

    def _run_cases(self, module: Module) -> Path:
        if module.name not in self._cases:
            out = Path(self.ws.create_tmp()) / "cases" / f"{module.name}.npz"
            out.parent.mkdir(parents=True, exist_ok=True)
            cmd = differential.runner_command("python", module.name, out)
            self.ws.run(*cmd, silent=True, env={"PYTHONPATH": None})
            self._cases[module.name] = out
        return self._cases[module.name]

    def compare_cases(self, module: Module, student: Path, out: Path
                      ) -> tuple[list[differential.CaseResult], str]:
        """The student's case outputs (an untrusted file) against the reference's."""
        expected = self.case_outputs(module)
        if expected is None:
            return [], "the module has no differential cases"
        cmd = differential.compare_command("python", module.name, expected, student, out)
        self.ws.run(*cmd, silent=True, env={"PYTHONPATH": str(REPO / "tools")})
        return differential.read_results(out)
