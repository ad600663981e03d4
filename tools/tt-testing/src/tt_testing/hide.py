"""Run a script as if some modules were not installed: the milestones' fail-fast tests.

Uninstalling a package to test "tt-training is missing" would change the
environment every other test shares. Instead the test runs Python with this
program: an import finder, first on `sys.meta_path`, answers "no such
module" for the hidden names, and the script runs as `__main__`.
"""

from __future__ import annotations

from collections.abc import Sequence

_PROGRAM = """
import runpy, sys

class Hide:
    def find_spec(self, name, path=None, target=None):
        if name in {hidden!r}:
            raise ModuleNotFoundError(f"No module named {{name!r}}", name=name)

sys.meta_path.insert(0, Hide())
sys.path.insert(0, {folder!r})
sys.argv = [{script!r}, *{args!r}]
runpy.run_path({script!r}, run_name="__main__")
"""


def hiding_program(hidden: Sequence[str], script: str, args: Sequence[str] = (),
                   folder: str | None = None) -> str:
    """Python source for `python -c`: run `script` with `args`, the `hidden` modules missing.

    `folder` goes first on `sys.path` (the script's own folder by default,
    as `python script.py` would do), so its sibling modules import.
    """
    from pathlib import Path

    return _PROGRAM.format(hidden=list(hidden), folder=folder or str(Path(script).parent),
                           script=str(script), args=list(args))
