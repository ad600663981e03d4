"""Differential cases, the comparison: load a runner's UNTRUSTED outputs and compare them.

Runs in the trusted reference venv, never in the student's sandbox:

    python -m course_tools.case_outputs MODULE REFERENCE.npz STUDENT.npz OUT.json

writes one result per reference case (or, when the student's file cannot be
trusted as it is, the reason) as JSON, which the grader reads back
(`differential.read_results`). Loading checks everything before use: the
size is capped before reading, members, keys and npy headers are checked,
object dtypes refused, nothing is unpickled. Cost: linear in the file size
and the number of values.
"""

from __future__ import annotations

import io
import json
import os
import re
import stat
import sys
import zipfile
from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np

from .differential import _IDENT, CaseResult, Tolerance, case_infos, has_cases
from .files import write_atomic

DEFAULT_TOLERANCE = (1e-5, 1e-6)  # (rtol, atol) of float outputs; ints and bools are exact
# The runner's own exception classes, and what they mean for a student.
RUNNER_ERRORS = {"Timeout": "timed out",
                 "BadOutput": "returned no numeric output (None, or not numbers)"}
TIMEOUT = "Timeout"

_CASE = r"case_[A-Za-z0-9_]{1,100}"
_KEY = re.compile(rf"(?P<case>{_CASE})/(?P<output>[A-Za-z_][A-Za-z0-9_]{{0,100}})\Z")
_MAX_MEMBERS = 20_000
_META = "__meta__"
_HEADERS = {(1, 0): np.lib.format.read_array_header_1_0,
            (2, 0): np.lib.format.read_array_header_2_0}
_ERROR = "__error__"


class OutputsError(Exception):
    """A runner's output file that cannot be trusted as it is: the message names the problem."""


@dataclass(frozen=True)
class Outputs:
    """What a runner recorded for one module: per case, its arrays or its error's class names."""

    path: Path
    module: str
    cases: tuple[str, ...]
    values: Mapping[str, Mapping[str, np.ndarray]]
    errors: Mapping[str, tuple[str, ...]]


def _read_capped(path: Path, max_bytes: int) -> bytes:
    """The bytes of a regular file of at most `max_bytes` (no symlink, FIFO or device)."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK)
    except OSError as exc:
        raise OutputsError(f"{path}: cannot open ({exc.strerror})") from None
    with os.fdopen(fd, "rb") as f:
        info = os.fstat(f.fileno())
        if not stat.S_ISREG(info.st_mode):
            raise OutputsError(f"{path}: not a regular file")
        if info.st_size > max_bytes:
            raise OutputsError(f"{path}: {info.st_size} bytes, over the limit of {max_bytes}")
        data = f.read(max_bytes + 1)
    if len(data) > max_bytes:
        raise OutputsError(f"{path}: over the limit of {max_bytes} bytes")
    return data


def _check_members(path: Path, archive: zipfile.ZipFile, max_bytes: int) -> list[str]:
    """The keys of the archive, after checking every member's name, size and npy header."""
    infos = archive.infolist()
    if len(infos) > _MAX_MEMBERS:
        raise OutputsError(f"{path}: {len(infos)} arrays, over the limit of {_MAX_MEMBERS}")
    if sum(i.file_size for i in infos) > max_bytes:
        raise OutputsError(f"{path}: its arrays unpack to more than {max_bytes} bytes")
    keys: dict[str, None] = {}  # ordered, and a fast `in`
    for info in infos:
        key = info.filename[:-4] if info.filename.endswith(".npy") else None
        if key is None or not (key == _META or _KEY.match(key)):
            raise OutputsError(f"{path}: malformed key {info.filename!r} "
                               "(expected '__meta__' or 'case_<name>/<output>')")
        if key in keys:
            raise OutputsError(f"{path}: key {key!r} appears twice")
        with archive.open(info) as member:
            version = np.lib.format.read_magic(member)
            if version not in _HEADERS:
                raise OutputsError(f"{path}: key {key!r}: .npy format {version} is not allowed")
            shape, _, dtype = _HEADERS[version](member)
        kinds = "U" if key == _META or key.endswith("/" + _ERROR) else "biuf"
        if dtype.hasobject or dtype.fields is not None or dtype.kind not in kinds:
            raise OutputsError(f"{path}: key {key!r}: dtype {dtype} is not allowed here")
        if int(np.prod(shape, dtype=np.float64)) * dtype.itemsize > info.file_size:
            raise OutputsError(f"{path}: key {key!r}: its header promises more data than it has")
        keys[key] = None
    return list(keys)


def _meta(path: Path, array: np.ndarray) -> tuple[str, tuple[str, ...]]:
    try:
        meta = json.loads(str(array.reshape(-1)[0]) if array.size == 1 else "")
        module, cases = meta["module"], meta["cases"]
    except (ValueError, TypeError, KeyError, RecursionError):
        raise OutputsError(f"{path}: __meta__ is not JSON {{'module', 'cases'}}") from None
    if not (isinstance(module, str) and _IDENT.match(module) and isinstance(cases, list)
            and all(isinstance(c, str) and re.fullmatch(_CASE, c) for c in cases)
            and len(set(cases)) == len(cases)):
        raise OutputsError(f"{path}: __meta__ needs a module name and distinct case names")
    return module, tuple(cases)


def load_outputs(path: Path, max_bytes: int = 64 * 2**20) -> Outputs:
    """Read a runner's UNTRUSTED .npz: checked, never unpickled; `OutputsError` if malformed."""
    raw = _read_capped(path, max_bytes)
    try:
        with zipfile.ZipFile(io.BytesIO(raw)) as archive:
            keys = _check_members(path, archive, max_bytes)
        with np.load(io.BytesIO(raw), allow_pickle=False) as npz:
            arrays = {key: npz[key] for key in keys}
    except OutputsError:
        raise
    except Exception as exc:  # any other failure to parse hostile bytes: a malformed file
        raise OutputsError(f"{path}: not a readable .npz file "
                           f"({type(exc).__name__}: {exc})") from None
    if _META not in arrays:
        raise OutputsError(f"{path}: no __meta__ (which module and cases these are)")
    module, cases = _meta(path, arrays.pop(_META))
    values: dict[str, dict[str, np.ndarray]] = {}
    errors: dict[str, tuple[str, ...]] = {}
    for key, array in arrays.items():
        case, output = key.split("/")
        if case not in cases:
            raise OutputsError(f"{path}: key {key!r} is of a case not listed in __meta__")
        if output == _ERROR:
            names = tuple(str(n) for n in array.reshape(-1))
            if array.ndim != 1 or not names or not all(_IDENT.match(n) for n in names):
                raise OutputsError(f"{path}: {key!r} must list exception class names")
            errors[case] = names
        else:
            values.setdefault(case, {})[output] = array
    for case in cases:
        if (case in values) == (case in errors):
            what = "both values and an error" if case in values else "neither values nor an error"
            raise OutputsError(f"{path}: case {case!r} has {what}")
    return Outputs(path, module, cases, values, errors)


def _where(flat: int, shape: tuple[int, ...]) -> str:
    return str(tuple(int(i) for i in np.unravel_index(flat, shape))) if shape else "()"


def _compare_array(name: str, ref: np.ndarray, got: np.ndarray, tol: Tolerance) -> str | None:
    """None if `got` matches `ref`, else one line saying where and by how much it differs."""
    if got.shape != ref.shape:
        return f"output '{name}': shape {got.shape} != reference {ref.shape}"
    if got.dtype != ref.dtype:
        return f"output '{name}': dtype {got.dtype} != reference {ref.dtype}"
    if ref.dtype.kind == "f":
        rtol, atol = tol
        bad = ~np.isclose(got, ref, rtol=rtol, atol=atol, equal_nan=True)
        if not bad.any():
            return None
        with np.errstate(invalid="ignore", over="ignore"):  # inf - inf is nan: a difference
            diff = np.where(bad, np.abs(got.astype(np.float64) - ref), -1.0)
        flat = int(np.argmax(np.nan_to_num(diff, nan=np.inf)))
        return (f"output '{name}' differs at {int(bad.sum())} of {ref.size} values: "
                f"max |diff| {diff.flat[flat]:.3g} at {_where(flat, ref.shape)} "
                f"(got {got.flat[flat]:.6g}, reference {ref.flat[flat]:.6g}; "
                f"tolerance rtol {rtol:g}, atol {atol:g})")
    bad = got != ref
    if not bad.any():
        return None
    flat = int(np.argmax(bad))
    return (f"output '{name}' differs at {int(bad.sum())} of {ref.size} values, first at "
            f"{_where(flat, ref.shape)} (got {got.flat[flat]}, reference {ref.flat[flat]})")


def _compare_case(name: str, ref: Outputs, got: Outputs, tol: Tolerance,
                  declared: str | None) -> tuple[bool, str]:
    if name not in got.cases:
        return False, "missing"
    ref_error, got_error = ref.errors.get(name), got.errors.get(name)
    if ref_error is not None and ref_error[0] == TIMEOUT:
        return False, "the reference timed out too: the case is broken, not your code"
    said = "the reference returned values" if ref_error is None else (
        f"the reference raised {ref_error[0]}")
    if got_error is not None and got_error[0] in RUNNER_ERRORS:
        return False, RUNNER_ERRORS[got_error[0]] + ("" if got_error[0] == TIMEOUT else f"; {said}")
    if ref_error is not None:
        if got_error is None:
            return False, f"returned values; {said}"
        want = declared if declared in ref_error else ref_error[0]
        # a starter's NotImplementedError is no answer, though it derives from RuntimeError
        unfinished = got_error[0] == "NotImplementedError" != ref_error[0]
        if want in got_error and not unfinished:
            return True, f"raised {got_error[0]}, as expected"
        if unfinished:
            return False, f"raised NotImplementedError (unfinished code); {said}"
        return False, f"raised {got_error[0]}; {said}" + (
            f" (any {want} passes)" if want != ref_error[0] else "")
    if got_error is not None:
        return False, f"raised {got_error[0]}; {said}"
    ref_values, got_values = ref.values[name], got.values[name]
    problems = [f"output '{key}' missing" if key not in got_values
                else _compare_array(key, array, got_values[key], tol)
                for key, array in ref_values.items()]
    problems += [f"unexpected output '{key}'" for key in got_values if key not in ref_values]
    problems = [p for p in problems if p]
    if not problems:
        return True, "matches the reference"
    more = f" (and {len(problems) - 1} more)" if len(problems) > 1 else ""
    return False, problems[0] + more


def compare(reference: Outputs, student: Outputs,
            tolerances: Mapping[str, Tolerance | None]
            | Iterable[tuple[str, str, Tolerance | None]],
            raises: Mapping[str, str] | None = None) -> list[CaseResult]:
    """One `CaseResult` per reference case, in the reference's order.

    `tolerances`: `cases_of(module)` (which also gives each case its doc), or
    a mapping of case name to (rtol, atol); None or absent means
    `DEFAULT_TOLERANCE`. Extra student cases are ignored; a missing one
    fails. An error case passes when the student's exception is, or derives
    from, a class named as the reference's; or as the case's declared
    `raises` if the reference's exception derives from that (the reference
    raises ShapeError where the contract asks for any ValueError). `raises`
    defaults to the declarations in the case file of `reference.module`. A
    NotImplementedError (a starter's) passes only if the reference raised one.
    """
    if isinstance(tolerances, Mapping):
        info = {name: ("", tol) for name, tol in tolerances.items()}
    else:
        info = {name: (doc, tol) for name, doc, tol, *_ in tolerances}
    if raises is None:
        declared = case_infos(reference.module) if has_cases(reference.module) else []
        raises = {c.name: c.raises for c in declared if c.raises}
    results = []
    for name in reference.cases:
        doc, tol = info.get(name, ("", None))
        if student.module != reference.module:
            passed, detail = False, (f"the outputs are of module {student.module!r}, "
                                     f"not {reference.module!r}")
        else:
            passed, detail = _compare_case(name, reference, student, tol or DEFAULT_TOLERANCE,
                                           raises.get(name))
        results.append(CaseResult(name, passed, detail, doc))
    return results


def score(results: Iterable[CaseResult]) -> float:
    """The fraction of cases that passed (0 when there are none)."""
    results = list(results)
    return sum(r.passed for r in results) / len(results) if results else 0.0


def main(argv: list[str]) -> int:
    """`MODULE REFERENCE.npz STUDENT.npz OUT.json`: compare, write the results as JSON."""
    if len(argv) != 4:
        print("usage: python -m course_tools.case_outputs MODULE REFERENCE STUDENT OUT",
              file=sys.stderr)
        return 2
    module, reference, student, out = argv[0], Path(argv[1]), Path(argv[2]), Path(argv[3])
    ref = load_outputs(reference)  # ours: an error here is the grader's, and shows
    try:
        got = load_outputs(student)
    except OutputsError as exc:
        write_atomic(out, json.dumps({"results": [], "error": str(exc)}) + "\n")
        return 0
    results = compare(ref, got, case_infos(module) if has_cases(module) else {})
    write_atomic(out, json.dumps({"results": [asdict(r) for r in results], "error": ""}) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
