"""The course map for the tooling: tt-setup's reader, imported from the source tree.

The tooling runs from the repository (nox's own Python), where tt-setup is not
necessarily installed, so it puts `packages/tt-setup/src` on `sys.path` and
imports `tinytorch.setup.course` from there: one reader for the CLI and the
tooling. Package tests never do this; they test the installed package.
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType
from typing import TYPE_CHECKING

REPO = Path(__file__).resolve().parents[2]
PACKAGES = REPO / "packages"
# The shared test helpers: not a module of the chain, but built and published
# beside it (first), because every package's tests, and so every starter, use them.
TEST_HELPERS = "tt-testing"
TEST_HELPERS_DIR = REPO / "tools" / "tt-testing"
SETUP_SRC = PACKAGES / "tt-setup" / "src"

if str(SETUP_SRC) not in sys.path:
    sys.path.insert(0, str(SETUP_SRC))

from tinytorch.setup.course import (  # noqa: E402
    Course,
    CourseError,
    Milestone,
    Module,
    Part,
    load_course,
    parse_course,
)

if TYPE_CHECKING:
    from collections.abc import Iterable

__all__ = [
    "PACKAGES",
    "REPO",
    "TEST_HELPERS",
    "TEST_HELPERS_DIR",
    "Course",
    "CourseError",
    "Milestone",
    "Module",
    "Part",
    "helper_module",
    "load",
    "missing_packages",
    "package_dir",
    "parse_course",
]


def load(repo: Path = REPO) -> Course:
    """The course map of the repository at `repo`."""
    return load_course(repo / "course.toml")


def package_dir(dist: str, repo: Path = REPO) -> Path:
    """The folder of a reference package: `packages/<dist>`."""
    return repo / "packages" / dist


def missing_packages(modules: Iterable[Module], repo: Path = REPO) -> list[str]:
    """The distributions among `modules` that have no `packages/<dist>/pyproject.toml` yet."""
    return [m.dist for m in modules if not (package_dir(m.dist, repo) / "pyproject.toml").is_file()]


def helper_module(name: str) -> ModuleType:
    """A standard-library-only module of tt-testing's source (`reasons`, `prefix`), by path.

    The tooling runs outside the venvs it builds, where NumPy and pytest (which
    `tt_testing/__init__` imports) may be missing, so it loads the one file.
    """
    key = f"_tt_testing_{name}"
    if key not in sys.modules:
        path = TEST_HELPERS_DIR / "src" / "tt_testing" / f"{name}.py"
        spec = importlib.util.spec_from_file_location(key, path)
        assert spec is not None and spec.loader is not None, path
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        sys.modules[key] = module
    return sys.modules[key]
