"""Differential cases: what they are, and how the grader runs and compares them.

Test results computed in a student's process can be forged by code in that
process (a pytest plugin, a rewritten JUnit XML, `os._exit(0)`). Differential
cases cannot: `grading/run_cases.py` runs in the sandbox and only COMPUTES
the outputs of course-defined inputs (values, gradients, error types), which
it writes as plain arrays into an .npz file. The trusted side reads that file
as untrusted data (size capped before reading, no pickle, every key and
dtype checked) and compares it with the outputs of the reference package
for the same inputs, computed by the same runner in the reference venv at
grading time (never stored in the repository). The only way to match is to
compute the same numbers.

This module needs no NumPy, so the grader's own process (nox's) can import
it: it names the cases (`case_infos`, read with `ast`: the grader never runs
case code) and builds the commands. The loading and the comparison need
NumPy and live in `case_outputs.py`, which the grader runs in the trusted
reference venv (`compare_command`), reading back plain JSON (`read_results`).
"""

from __future__ import annotations

import ast
import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import NamedTuple

from .manifest import REPO

GRADING = REPO / "grading"
RUNNER = GRADING / "run_cases.py"
CASES = GRADING / "cases"
_IDENT = re.compile(r"[A-Za-z_][A-Za-z0-9_]{0,200}\Z")
Tolerance = tuple[float, float]


class CaseInfo(NamedTuple):
    """A case as its file declares it: name, first docstring line, tolerance, expected error."""

    name: str
    doc: str
    tolerance: Tolerance | None
    raises: str | None = None


@dataclass(frozen=True)
class CaseResult:
    """One reference case, compared: `detail` says why it failed (or what matched)."""

    name: str
    passed: bool
    detail: str
    doc: str


def runner_command(python: str, module: str, out: Path) -> list[str]:
    """The argv that runs the cases of `module` with `python` (a venv's) into `out`.

    `-B`: no `__pycache__` written into grading/ (the checkout stays unchanged).
    """
    return [python, "-B", str(RUNNER), module, str(out)]


def has_cases(module: str) -> bool:
    """True if grading/cases/<module>.py exists."""
    return bool(_IDENT.match(module)) and (CASES / f"{module}.py").is_file()


def case_infos(module: str, cases_dir: Path = CASES) -> list[CaseInfo]:
    """Every `case_*` of grading/cases/<module>.py, in order, read with `ast` (never run).

    A case's `tolerance` (`case_x.tolerance = (1e-4, 1e-6)`) and `raises`
    (`case_x.raises = "ShapeError"`) must be literals at the file's top level.
    """
    path = cases_dir / f"{module}.py"
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    docs: dict[str, str] = {}
    attrs: dict[str, dict[str, object]] = {}
    for node in tree.body:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            if node.name.startswith("case_"):
                docs.setdefault(node.name, (ast.get_docstring(node) or "").split("\n")[0])
        elif isinstance(node, ast.Assign) and len(node.targets) == 1:
            target = node.targets[0]
            if (isinstance(target, ast.Attribute) and isinstance(target.value, ast.Name)
                    and target.value.id.startswith("case_")):
                try:
                    value = ast.literal_eval(node.value)
                except (ValueError, TypeError, SyntaxError):
                    raise ValueError(f"{path}:{node.lineno}: {target.value.id}.{target.attr} "
                                     "must be a literal") from None
                attrs.setdefault(target.value.id, {})[target.attr] = value
    infos = []
    for name, doc in docs.items():
        extra = attrs.get(name, {})
        tol = extra.get("tolerance")
        if tol is not None and not (isinstance(tol, tuple) and len(tol) == 2
                                    and all(isinstance(t, (int, float)) and t >= 0 for t in tol)):
            raise ValueError(f"{path}: {name}.tolerance must be (rtol, atol), got {tol!r}")
        raises = extra.get("raises")
        if raises is not None and not isinstance(raises, str):
            raise ValueError(f"{path}: {name}.raises must be a class name, got {raises!r}")
        infos.append(CaseInfo(name, doc, tol, raises))  # type: ignore[arg-type]
    return infos


def cases_of(module: str) -> list[tuple[str, str, Tolerance | None]]:
    """(name, first docstring line, tolerance or None) of each case of `module`, in order."""
    return [(c.name, c.doc, c.tolerance) for c in case_infos(module)]


def compare_command(python: str, module: str, reference: Path, student: Path,
                    out: Path) -> list[str]:
    """The argv that compares a student's outputs with the reference's, in a trusted venv
    (`python`, with tools/ on PYTHONPATH), writing the results as JSON to `out`."""
    return [python, "-B", "-m", "course_tools.case_outputs", module, str(reference),
            str(student), str(out)]


def read_results(path: Path) -> tuple[list[CaseResult], str]:
    """The results `case_outputs` wrote: (results, the reason none could be made or "")."""
    data = json.loads(path.read_text(encoding="utf-8"))
    results = [CaseResult(r["name"], bool(r["passed"]), r["detail"], r["doc"])
               for r in data.get("results", [])]
    return results, str(data.get("error", ""))
