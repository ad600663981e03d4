"""Write integration/partN/expected_values.json from the installed reference chain.

    python integration/make_expected.py part1 [--check]
    python integration/make_expected.py part2 [--check]

Runs every case of `integration/partN/test_expected_values.py` (the one
definition of what is computed) with the packages installed here, which must
be the reference ones, and writes the file atomically; the file records the
version of every package of the part's chain (from course.toml). `--check`
writes nothing and exits 1 when the file differs from what the installed
chain computes. The machinery is tt_testing's `ExpectedValues`.

Run it only after a deliberate change of the reference's numbers, and say in
the commit why the numbers changed: the file is what a student's package is
judged against where PyTorch is not installed.
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

HERE = Path(__file__).resolve().parent


def chain(part: int) -> list[str]:
    """The distributions of part `part`'s prefix of the chain, from course.toml."""
    course = tomllib.loads((HERE.parent / "course.toml").read_text(encoding="utf-8"))
    through = course["part"][str(part)]["through"]
    return [m["dist"] for m in course["module"] if m["number"] <= through]


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    parts = sorted(p.name for p in HERE.glob("part*") if (p / "test_expected_values.py").is_file())
    if not args or args[0] not in parts:
        print(f"usage: python integration/make_expected.py {{{','.join(parts)}}} [--check]",
              file=sys.stderr)
        return 2
    folder = HERE / args[0]
    name = f"tt_{folder.name}_expected_values"
    spec = importlib.util.spec_from_file_location(name, folder / "test_expected_values.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module  # dataclasses look their module up
    spec.loader.exec_module(module)
    made_by = f"python integration/make_expected.py {folder.name}"
    return module.BOOK.main(args[1:], made_by, chain(int(folder.name[len("part"):])))


if __name__ == "__main__":
    sys.exit(main())
