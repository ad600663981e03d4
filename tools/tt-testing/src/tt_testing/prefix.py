"""Which tests a prefix of the chain covers: the `requires` marker, read without importing.

An integration test says the last module(s) it needs:

    pytestmark = pytest.mark.requires("tt-training")         # the whole file
    @pytest.mark.requires("tt-autograd")                     # one test or one parameter

A module's session (`nox -s tt-layers`) installs only the chain 01..04 and
runs pytest with `--tt-through=tt-layers`; the plugin then leaves out every
file whose module-level marker names a later module (without importing it:
its imports would fail) and deselects the tests whose markers do. A file
without a module-level marker says nothing about what it needs, so under
`--tt-through` it is left out; without the option everything runs as usual.

Standard library only: the course tooling reads this file by path, outside
the venv, to know whether a folder has anything to run.
"""

from __future__ import annotations

import ast
from collections.abc import Collection, Iterable

MARKER = "requires"


def _requires_args(node: ast.AST) -> list[str] | None:
    """The string arguments of `pytest.mark.requires(...)` / `mark.requires(...)`, else None."""
    if not isinstance(node, ast.Call):
        return None
    func = node.func
    if not (isinstance(func, ast.Attribute) and func.attr == MARKER):
        return None
    owner = func.value
    if not ((isinstance(owner, ast.Attribute) and owner.attr == "mark")
            or (isinstance(owner, ast.Name) and owner.id == "mark")):
        return None
    args = [a.value for a in node.args if isinstance(a, ast.Constant) and isinstance(a.value, str)]
    if len(args) != len(node.args) or not args:
        raise ValueError(f"line {node.lineno}: requires(...) takes distribution names as strings")
    return args


def file_requires(source: str) -> list[str] | None:
    """The distributions named by the module-level `pytestmark` of a test file.

    None when the file has no `requires` marker at module level. `pytestmark`
    may be one mark or a list/tuple of marks.
    """
    found: list[str] | None = None
    for node in ast.parse(source).body:
        if isinstance(node, ast.Assign):
            targets, value = node.targets, node.value
        elif isinstance(node, ast.AnnAssign) and node.value is not None:
            targets, value = [node.target], node.value
        else:
            continue
        if not any(isinstance(t, ast.Name) and t.id == "pytestmark" for t in targets):
            continue
        marks = value.elts if isinstance(value, (ast.List, ast.Tuple)) else [value]
        for mark in marks:
            args = _requires_args(mark)
            if args is not None:
                found = [*(found or []), *args]
    return found


def uncovered(required: Iterable[str], available: Collection[str]) -> list[str]:
    """The required distributions that are not in `available` (sorted, without repeats)."""
    return sorted({d for d in required if d not in available})
