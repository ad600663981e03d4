"""Run a module's differential cases and write their outputs as data (one .npz file).

    python grading/run_cases.py MODULE_NAME OUT.npz [--case-seconds 10]

The grader runs this inside the sandbox, with the package under test
installed: it only COMPUTES. Each function `case_*` of
`grading/cases/<MODULE_NAME>.py` is called, in definition order, with
`rng = np.random.default_rng(zlib.crc32(name.encode()))` and a time limit, and
what it returns (an array, a number, a Tensor, or a dict of them by name) is
stored as plain arrays. A case that raises (or times out) is stored as the
names of its exception's classes. The trusted grader, outside the sandbox,
loads the file as untrusted data and compares it with the reference's
outputs for the same inputs (tools/course_tools/differential.py).

Keys of OUT.npz: `<case>/<output>` (numeric or bool arrays), `<case>/__error__`
(str array: the exception's class, then its bases, without `object`) and
`__meta__` (JSON {"module", "cases"}). The file is written atomically; the
exit status is 0 whenever it was written, 2 (one line on stderr) for wrong
arguments or a module without cases. Imports: the standard library, NumPy,
and (inside the cases only) tinytorch: the sandbox exposes nothing else.
"""

from __future__ import annotations

import argparse
import importlib.util
import inspect
import json
import os
import re
import signal
import sys
import tempfile
import zlib
from pathlib import Path
from typing import Any

import numpy as np

sys.dont_write_bytecode = True  # loading a case file must not write into grading/cases/
CASES_DIR = Path(__file__).resolve().parent / "cases"
NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*\Z")


class Timeout(Exception):
    """A case ran past its time limit."""


class BadOutput(Exception):
    """A case returned nothing, or something that is not numbers (its own class, so that
    it is never mistaken for the TypeError or ValueError an error case expects)."""


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # one line, exit 2 (argparse prints usage too)
        print(f"run_cases: {message} (usage: run_cases.py MODULE OUT.npz [--case-seconds S])",
              file=sys.stderr)
        sys.exit(2)


def as_array(value: Any) -> np.ndarray:
    """A case's output as a numeric or bool array (a Tensor through its `.numpy()`)."""
    if not isinstance(value, (np.ndarray, np.generic, int, float, bool)) and hasattr(
        value, "numpy"
    ):
        value = value.numpy()
    array = np.asarray(value)
    if array.dtype.kind not in "biuf":
        raise BadOutput(f"a case output must be numeric or bool, got dtype {array.dtype}")
    return array


def outputs_of(result: Any) -> dict[str, np.ndarray]:
    """`{output name: array}` of what a case returned (a bare value is named 'value')."""
    if result is None:
        raise BadOutput("the case returned None")
    items = result.items() if isinstance(result, dict) else [("value", result)]
    outputs = {}
    for key, value in items:
        if not isinstance(key, str) or not NAME.match(key) or key == "__error__":
            raise BadOutput(f"case output name {key!r} is not an identifier")
        outputs[key] = as_array(value)
    if not outputs:
        raise BadOutput("a case must return at least one output")
    return outputs


def _alarm(signum: int, frame: Any) -> None:
    raise Timeout("the case ran past its time limit")


def run_case(case: Any, seconds: float) -> dict[str, np.ndarray]:
    """One case's arrays under `seconds` of wall time: outputs, or `__error__`."""
    rng = np.random.default_rng(zlib.crc32(case.__name__.encode()))
    try:  # an alarm that fires up to the disarming still lands in the `except` below
        signal.setitimer(signal.ITIMER_REAL, seconds)
        try:
            return outputs_of(case(rng))
        finally:
            signal.setitimer(signal.ITIMER_REAL, 0)
    except BaseException as exc:  # any failure, even SystemExit, is data
        names = [c.__name__ for c in type(exc).__mro__ if c is not object]
        return {"__error__": np.array(names, dtype=str)}


def load_cases(module: str) -> list[Any]:
    """The `case_*` functions of grading/cases/<module>.py, in definition order."""
    if str(CASES_DIR) not in sys.path:  # for `from _shared import ...`
        sys.path.insert(0, str(CASES_DIR))
    spec = importlib.util.spec_from_file_location(f"_cases_{module}", CASES_DIR / f"{module}.py")
    assert spec is not None and spec.loader is not None
    cases = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(cases)
    return [f for name, f in vars(cases).items()
            if name.startswith("case_") and inspect.isfunction(f)]


def write_npz(out: Path, arrays: dict[str, np.ndarray]) -> None:
    """Write `arrays` to `out` atomically: a temp file in its folder, then os.replace."""
    fd, tmp = tempfile.mkstemp(dir=out.parent, prefix=f".{out.name}.", suffix=".tmp")
    try:
        os.fchmod(fd, 0o644)  # mkstemp makes files private; the grader may be another user
        with os.fdopen(fd, "wb") as f:
            np.savez(f, **arrays)
        os.replace(tmp, out)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def main(argv: list[str] | None = None) -> int:
    parser = _Parser(prog="run_cases.py")
    parser.add_argument("module")
    parser.add_argument("out", type=Path)
    parser.add_argument("--case-seconds", type=float, default=10.0)
    args = parser.parse_args(argv)
    path = CASES_DIR / f"{args.module}.py"
    if not NAME.match(args.module) or not path.is_file():
        parser.error(f"no cases for module {args.module!r} ({path} does not exist)")
    if not args.out.parent.is_dir():
        parser.error(f"the folder of {args.out} does not exist")
    if args.case_seconds <= 0:
        parser.error(f"--case-seconds must be positive, got {args.case_seconds}")
    signal.signal(signal.SIGALRM, _alarm)
    arrays: dict[str, np.ndarray] = {}
    names = []
    for case in load_cases(args.module):
        names.append(case.__name__)
        for key, array in run_case(case, args.case_seconds).items():
            arrays[f"{case.__name__}/{key}"] = array
    arrays["__meta__"] = np.array(json.dumps({"module": args.module, "cases": names}))
    write_npz(args.out, arrays)
    failed = sum(key.endswith("/__error__") for key in arrays)
    print(f"run_cases: {args.module}: {len(names)} cases ({failed} raised) -> {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
