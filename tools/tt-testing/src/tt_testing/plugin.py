"""pytest plugin of tt-testing (registered through the `pytest11` entry point).

Fixtures every package's tests can use without importing them:

- `graph_recorder`: a `GraphRecorder` installed as the gradient engine for
  the duration of one test (see `tt_testing.graph`).
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from .graph import GraphRecorder, recording_engine


@pytest.fixture
def graph_recorder() -> Iterator[GraphRecorder]:
    with recording_engine() as recorder:
        yield recorder
