"""Fixtures: a small course.toml and fake installed tt-* distributions.

A fake distribution is a `<name>.dist-info` folder (METADATA, RECORD) beside a
`tinytorch/<name>/__init__.py`, in a folder the test puts on PYTHONPATH of a
`tito` subprocess: importlib.metadata finds it like any installed package,
and the `tinytorch` namespace merges it with the installed packages.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

FAKE_COURSE = """
[course]
name = "FakeCourse"
namespace = "tinytorch"

[[module]]
number = 1
dist = "tt-setup"
name = "setup"
part = 1
summary = "the CLI"

[[module]]
number = 2
dist = "tt-zzgood"
name = "zzgood"
part = 1
summary = "a package that works"

[[module]]
number = 3
dist = "tt-zzbroken"
name = "zzbroken"
part = 2
summary = "a package that does not import"

[part.1]
title = "First"
through = 2

[part.2]
title = "Second"
through = 3

[[milestone]]
name = "first_light"
title = "Needs the good package"
requires = 2
metric = "accuracy"
target = 1.0

[[milestone]]
name = "never"
title = "Needs the broken package"
requires = 3
metric = "val_loss"
target = 2.0
"""


@pytest.fixture
def fake_course(tmp_path: Path) -> Path:
    path = tmp_path / "course.toml"
    path.write_text(FAKE_COURSE, encoding="utf-8")
    return path


def write_fake_dist(
    site: Path,
    name: str,
    version: str = "0.1.0",
    keywords: str = "tinytorch,tinytorch-student",
    requires: tuple[str, ...] = (),
    init: str = "VALUE = 1\n",
    record: bool = True,
) -> Path:
    """A fake installed `tt-<name>` providing `tinytorch.<name>`, under `site`."""
    pkg = site / "tinytorch" / name
    pkg.mkdir(parents=True, exist_ok=True)
    (pkg / "__init__.py").write_text(init, encoding="utf-8")
    info = site / f"tt_{name}-{version}.dist-info"
    info.mkdir(parents=True, exist_ok=True)
    meta = [
        "Metadata-Version: 2.1",
        f"Name: tt-{name}",
        f"Version: {version}",
        f"Keywords: {keywords}",
        *(f"Requires-Dist: {r}" for r in requires),
    ]
    (info / "METADATA").write_text("\n".join(meta) + "\n", encoding="utf-8")
    if record:
        rows = [f"tinytorch/{name}/__init__.py,,", f"{info.name}/METADATA,,"]
        (info / "RECORD").write_text("\n".join(rows) + "\n", encoding="utf-8")
    return site


@pytest.fixture
def fake_dist() -> Callable[..., Path]:
    return write_fake_dist


@pytest.fixture
def tito() -> Callable[..., subprocess.CompletedProcess[str]]:
    """Run the installed `tito` console script with extra PYTHONPATH entries."""
    script = Path(sys.executable).parent / ("tito.exe" if os.name == "nt" else "tito")

    def run(*args: str, path: tuple[Path, ...] = (),
            cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
        env = dict(os.environ)
        env["PYTHONPATH"] = os.pathsep.join(str(p) for p in path)
        return subprocess.run(
            [str(script), *args], capture_output=True, text=True, env=env, timeout=120,
            check=False, cwd=cwd,
        )

    return run
