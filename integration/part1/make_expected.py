"""Write integration/part1/expected_values.json from the installed reference chain.

    python integration/part1/make_expected.py [--check]

Runs every case of `test_expected_values.py` (the one definition of what is
computed) with the Part I packages installed here, which must be the
reference ones, and writes the file atomically (a temporary file in the same
folder, then a rename). `--check` writes nothing and exits 1 when the file
differs from what the installed chain computes.

Run it only after a deliberate change of the reference's numbers, and say in
the commit why the numbers changed: the file is what a student's package is
judged against where PyTorch is not installed.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import sys
import tempfile
from importlib import metadata
from pathlib import Path
from types import ModuleType

HERE = Path(__file__).resolve().parent
CASES_FILE = HERE / "test_expected_values.py"


def load_cases() -> ModuleType:
    """The test module, imported by path (it is not a package)."""
    spec = importlib.util.spec_from_file_location("tt_expected_values", CASES_FILE)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up
    spec.loader.exec_module(module)
    return module


def reference_versions(dists: list[str]) -> dict[str, str]:
    found = {}
    for dist in dists:
        try:
            found[dist] = metadata.version(dist)
        except metadata.PackageNotFoundError:
            found[dist] = "not installed"
    return found


def render(data: dict) -> str:
    """JSON with one line per stored array: readable in a diff, exact (repr of float64)."""
    lines = ["{", f' "made_by": {json.dumps(data["made_by"])},',
             f' "reference": {json.dumps(data["reference"], sort_keys=True)},',
             f' "tolerance": {json.dumps(data["tolerance"])},', ' "cases": {']
    cases = sorted(data["cases"].items())
    for ci, (name, values) in enumerate(cases):
        lines.append(f"  {json.dumps(name)}: {{")
        items = sorted(values.items())
        for vi, (key, value) in enumerate(items):
            comma = "," if vi < len(items) - 1 else ""
            lines.append(f"   {json.dumps(key)}: {json.dumps(value, allow_nan=False)}{comma}")
        lines.append("  }" + ("," if ci < len(cases) - 1 else ""))
    lines += [" }", "}", ""]
    return "\n".join(lines)


def compute_all(module: ModuleType) -> dict:
    cases = {}
    for name in module.CASES:
        cases[name] = {key: {"shape": list(v.shape), "values": v.reshape(-1).tolist()}
                       for key, v in module.compute(name).items()}
    dists = sorted({c.requires for c in module.CASES.values()} | {"tt-tensor", "tt-activations",
                                                                  "tt-layers", "tt-losses",
                                                                  "tt-optimizers", "tt-autograd"})
    return {"made_by": f"python {CASES_FILE.parent.parent.name}/{HERE.name}/make_expected.py",
            "reference": reference_versions(dists),
            "tolerance": {"rtol": module.RTOL, "atol": module.ATOL}, "cases": cases}


def write_atomic(path: Path, text: str) -> None:
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            f.write(text)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true",
                        help="compare with the stored file; write nothing")
    args = parser.parse_args(argv)
    module = load_cases()
    data = compute_all(module)
    path: Path = module.EXPECTED
    if args.check:
        stored = module.load_expected(path)
        problems = [line for name, want in stored["cases"].items() if name in data["cases"]
                    for line in module.differences(name, module.compute(name), want)]
        problems += [f"{n}: not stored" for n in sorted(set(data["cases"]) - set(stored["cases"]))]
        print("\n".join(problems) or f"{path.name}: up to date")
        return 1 if problems else 0
    write_atomic(path, render(data))
    n = sum(len(v["values"]) for c in data["cases"].values() for v in c.values())
    print(f"wrote {path} ({len(data['cases'])} cases, {n} numbers) from "
          + ", ".join(f"{d} {v}" for d, v in data["reference"].items()))
    return 0


if __name__ == "__main__":
    sys.exit(main())
