"""Write integration/part2/expected_values.json from the installed reference chain.

    python integration/part2/make_expected.py [--check]

The Part II twin of integration/part1/make_expected.py, whose rendering,
version lookup and atomic write it reuses: it runs every case of this
folder's `test_expected_values.py` with the reference packages installed
here and writes the file atomically. `--check` writes nothing and exits 1
when the file differs from what the installed chain computes.
"""

from __future__ import annotations

import argparse
import importlib.util
import sys
from pathlib import Path
from types import ModuleType

HERE = Path(__file__).resolve().parent


def load(path: Path, name: str) -> ModuleType:
    """A module of this repository's integration folders, imported by path."""
    spec = importlib.util.spec_from_file_location(name, path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module  # dataclasses look their module up
    spec.loader.exec_module(module)
    return module


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true",
                        help="compare with the stored file; write nothing")
    args = parser.parse_args(argv)
    part1 = load(HERE.parent / "part1" / "make_expected.py", "tt_part1_make_expected")
    module = load(HERE / "test_expected_values.py", "tt_part2_expected_values")
    cases = {name: {key: {"shape": list(v.shape), "values": v.reshape(-1).tolist()}
                    for key, v in module.compute(name).items()} for name in module.CASES}
    dists = sorted({c.requires for c in module.CASES.values()}
                   | {"tt-tensor", "tt-activations", "tt-layers", "tt-losses", "tt-optimizers",
                      "tt-autograd", "tt-spatial", "tt-dataloader", "tt-normalization"})
    data = {"made_by": "python integration/part2/make_expected.py",
            "reference": part1.reference_versions(dists),
            "tolerance": {"rtol": module.RTOL, "atol": module.ATOL}, "cases": cases}
    path: Path = module.EXPECTED
    if args.check:
        stored = module.load_expected(path)
        problems = [line for name, want in stored["cases"].items() if name in cases
                    for line in module.differences(name, module.compute(name), want)]
        problems += [f"{n}: not stored" for n in sorted(set(cases) - set(stored["cases"]))]
        print("\n".join(problems) or f"{path.name}: up to date")
        return 1 if problems else 0
    part1.write_atomic(path, part1.render(data))
    n = sum(len(v["values"]) for c in cases.values() for v in c.values())
    print(f"wrote {path} ({len(cases)} cases, {n} numbers) from "
          + ", ".join(f"{d} {v}" for d, v in data["reference"].items()))
    return 0


if __name__ == "__main__":
    sys.exit(main())
