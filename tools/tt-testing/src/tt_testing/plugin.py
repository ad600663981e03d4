"""pytest plugin of tt-testing (registered through the `pytest11` entry point).

- the fixture `graph_recorder`: a `GraphRecorder` installed as the gradient
  engine for the duration of one test (see `tt_testing.graph`);
- the marker `requires(dist, ...)`: the last module(s) of the chain a test
  needs, and the option `--tt-through=DIST` that runs only what the chain
  through DIST covers (see `tt_testing.prefix`);
- at the end of a run, one line saying how many PyTorch oracle checks were
  skipped, when PyTorch is not installed.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from .graph import GraphRecorder, recording_engine
from .prefix import MARKER, file_requires, uncovered
from .reasons import ORACLE_SKIPPED


@pytest.fixture
def graph_recorder() -> Iterator[GraphRecorder]:
    with recording_engine() as recorder:
        yield recorder


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--tt-through", metavar="DIST", default=None,
        help="run only the tests whose `requires` markers the course chain through DIST "
             "covers (files without a module-level marker are left out)",
    )


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers", f"{MARKER}(dist, ...): the last module(s) of the chain this test needs; "
                   "`--tt-through=DIST` runs only the tests the chain through DIST covers")
    through = config.getoption("tt_through", None)
    if through:
        config.stash[_AVAILABLE] = available_through(through)


_AVAILABLE = pytest.StashKey[frozenset]()


def available_through(dist: str) -> frozenset[str]:
    """The distributions of the chain 01..`dist`, from the course map tt-setup carries."""
    try:
        from tinytorch.setup import load_course
    except ImportError as exc:
        raise pytest.UsageError(f"--tt-through needs tt-setup installed (the course map): {exc}") \
            from None
    course = load_course()
    try:
        return frozenset(m.dist for m in course.modules_through(dist))
    except KeyError as exc:
        raise pytest.UsageError(f"--tt-through={dist}: {exc.args[0]}") from None


def pytest_ignore_collect(collection_path: Path, config: pytest.Config) -> bool | None:
    """Under `--tt-through`, leave out test files the prefix does not cover, unimported."""
    available = config.stash.get(_AVAILABLE, None)
    if available is None or collection_path.suffix != ".py" \
            or not collection_path.name.startswith("test_"):
        return None
    try:
        required = file_requires(collection_path.read_text(encoding="utf-8"))
    except (OSError, SyntaxError, ValueError):
        return None  # let pytest collect it and report the problem
    if required is None or uncovered(required, available):
        return True
    return None


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Under `--tt-through`, deselect the tests whose markers name a later module."""
    available = config.stash.get(_AVAILABLE, None)
    if available is None:
        return
    keep, drop = [], []
    for item in items:
        required = [d for mark in item.iter_markers(MARKER) for d in mark.args]
        (drop if uncovered(required, available) else keep).append(item)
    if drop:
        config.hook.pytest_deselected(items=drop)
        items[:] = keep


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    skipped = terminalreporter.stats.get("skipped", [])
    n = sum(1 for r in skipped if ORACLE_SKIPPED in str(getattr(r, "longrepr", "")))
    if n:
        terminalreporter.write_line(f"tt-testing: PyTorch is not installed: {n} oracle "
                                    f"check(s) skipped")
