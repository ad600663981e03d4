"""Stored expected values: judge a chain of packages without PyTorch.

An oracle is only there where PyTorch is installed; a student's machine often
has none, and a sign-flipped sigmoid must still fail there. So the
integration tests compute small, fixed float64 examples (forward values,
losses, gradients, optimizer steps) and compare them with numbers the
reference implementation produced once, stored as JSON beside the tests.

`ExpectedValues` is that book of cases and numbers, shared by every part's
integration tests and by `integration/make_expected.py`:

    BOOK = ExpectedValues(Path(__file__).with_name("expected_values.json"),
                          "python integration/make_expected.py part1")

    @BOOK.case("tt-activations")          # the last module the case needs
    def sigmoid() -> dict[str, np.ndarray]:
        ...

Inputs come from `data` (`sin` of a counter), not from a random generator,
so they do not depend on NumPy's random streams. Cost: the JSON holds every
number in full precision, one line per array, so a change reads in a diff.
"""

from __future__ import annotations

import argparse
import json
import os
import tempfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path
from typing import Any

import numpy as np
import pytest

Values = dict[str, np.ndarray]


def data(*shape: int, seed: int = 0, scale: float = 1.0) -> np.ndarray:
    """Fixed float64 inputs: `scale * sin(1.37 k + seed)`, k = 1, 2, ..."""
    n = int(np.prod(shape))
    return (scale * np.sin(1.37 * np.arange(1, n + 1) + seed)).reshape(shape)


def arr(t: object) -> np.ndarray:
    """A Tensor's (or a number's) values as a float64 array."""
    return np.array(getattr(t, "data", t), dtype=np.float64)


@dataclass(frozen=True)
class Case:
    """One example: `run()` returns named arrays; `requires` is the last module it needs."""

    name: str
    requires: str
    run: Callable[[], Values]


class ExpectedValues:
    """The cases of one integration folder and the JSON file of their reference numbers."""

    def __init__(self, path: Path, regenerate: str, rtol: float = 1e-6, atol: float = 1e-9):
        self.path = Path(path)
        self.regenerate = regenerate  # the command that rewrites the file
        self.rtol, self.atol = rtol, atol  # float64 all along: room for summation order only
        self.cases: dict[str, Case] = {}

    def case(self, requires: str) -> Callable[[Callable[[], Values]], Callable[[], Values]]:
        """Register a function returning named arrays as a case needing module `requires`."""

        def register(fn: Callable[[], Values]) -> Callable[[], Values]:
            self.cases[fn.__name__] = Case(fn.__name__, requires, fn)
            return fn

        return register

    def params(self) -> list[Any]:
        """The case names as pytest params, each marked with the module it requires."""
        return [pytest.param(n, marks=pytest.mark.requires(c.requires))
                for n, c in self.cases.items()]

    def compute(self, name: str) -> Values:
        """Run one case: its named values as float64 arrays."""
        return {key: np.asarray(v, dtype=np.float64) for key, v in self.cases[name].run().items()}

    def load(self) -> dict:
        """The stored file: {"cases": {case: {key: {"shape": [...], "values": [...]}}}, ...}."""
        if not self.path.is_file():
            pytest.fail(f"{self.path.name} is missing: run `{self.regenerate}` with the "
                        "reference installed")
        return json.loads(self.path.read_text(encoding="utf-8"))

    def differences(self, name: str, got: Values, want: dict) -> list[str]:
        """One line per value that differs from the stored one (empty when all agree)."""
        again = self.regenerate
        problems = [f"{name}.{k}: not computed (the case changed? run `{again}`)"
                    for k in sorted(set(want) - set(got))]
        problems += [f"{name}.{k}: no stored value (run `{again}`)"
                     for k in sorted(set(got) - set(want))]
        for key in sorted(set(got) & set(want)):
            g = got[key]
            w = np.array(want[key]["values"], dtype=np.float64).reshape(want[key]["shape"])
            if g.shape != w.shape:
                problems.append(f"{name}.{key}: shape {g.shape}, the reference gives {w.shape}")
                continue
            bad = ~np.isclose(g, w, rtol=self.rtol, atol=self.atol)
            if bad.any():
                i = np.unravel_index(np.argmax(np.where(bad, np.abs(g - w), -1)), g.shape)
                problems.append(f"{name}.{key}: {int(bad.sum())} of {g.size} values differ; at "
                                f"{tuple(int(k) for k in i)}: got {g[i]!r}, reference {w[i]!r}")
        return problems

    def check(self, name: str, stored: dict) -> None:
        """Assert that case `name` computes the stored numbers (the test body)."""
        want = stored["cases"].get(name)
        assert want is not None, f"{name}: not in {self.path.name}; run `{self.regenerate}`"
        problems = self.differences(name, self.compute(name), want)
        assert not problems, "\n".join(problems)

    def check_no_stale_cases(self, stored: dict) -> None:
        """Assert the file holds no case the tests no longer define, and only finite numbers."""
        stale = sorted(set(stored["cases"]) - set(self.cases))
        assert not stale, (f"{self.path.name} has cases the tests no longer define: {stale}; "
                           f"run `{self.regenerate}`")
        assert all(np.all(np.isfinite(v["values"])) for c in stored["cases"].values()
                   for v in c.values())

    def main(self, argv: list[str] | None, made_by: str, packages: Iterable[str]) -> int:
        """The `integration/make_expected.py` command: write the file atomically, or `--check` it.

        `packages`: the reference distributions whose versions the file records
        (with every case's `requires`).
        """
        parser = argparse.ArgumentParser(description=f"Write {self.path.name} from the "
                                         "installed reference chain, or check it.")
        parser.add_argument("--check", action="store_true",
                            help="compare with the stored file; write nothing")
        args = parser.parse_args(argv)
        cases = {name: {key: {"shape": list(v.shape), "values": v.reshape(-1).tolist()}
                        for key, v in self.compute(name).items()} for name in self.cases}
        if args.check:
            stored = self.load()
            problems = [line for name, want in stored["cases"].items() if name in cases
                        for line in self.differences(name, self.compute(name), want)]
            problems += [f"{n}: not stored" for n in sorted(set(cases) - set(stored["cases"]))]
            print("\n".join(problems) or f"{self.path.name}: up to date")
            return 1 if problems else 0
        dists = sorted({c.requires for c in self.cases.values()} | set(packages))
        book = {"made_by": made_by, "reference": _versions(dists),
                "tolerance": {"rtol": self.rtol, "atol": self.atol}, "cases": cases}
        _write_atomic(self.path, _render(book))
        n = sum(len(v["values"]) for c in cases.values() for v in c.values())
        print(f"wrote {self.path} ({len(cases)} cases, {n} numbers) from "
              + ", ".join(f"{d} {v}" for d, v in book["reference"].items()))
        return 0


def _versions(dists: list[str]) -> dict[str, str]:
    found = {}
    for dist in dists:
        try:
            found[dist] = metadata.version(dist)
        except metadata.PackageNotFoundError:
            found[dist] = "not installed"
    return found


def _render(book: dict) -> str:
    """JSON with one line per stored array: readable in a diff, exact (repr of float64)."""
    lines = ["{", f' "made_by": {json.dumps(book["made_by"])},',
             f' "reference": {json.dumps(book["reference"], sort_keys=True)},',
             f' "tolerance": {json.dumps(book["tolerance"])},', ' "cases": {']
    cases = sorted(book["cases"].items())
    for ci, (name, values) in enumerate(cases):
        lines.append(f"  {json.dumps(name)}: {{")
        items = sorted(values.items())
        for vi, (key, value) in enumerate(items):
            comma = "," if vi < len(items) - 1 else ""
            lines.append(f"   {json.dumps(key)}: {json.dumps(value, allow_nan=False)}{comma}")
        lines.append("  }" + ("," if ci < len(cases) - 1 else ""))
    lines += [" }", "}", ""]
    return "\n".join(lines)


def _write_atomic(path: Path, text: str) -> None:
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            f.write(text)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
