"""Shared fixtures: isolate every test from any installed gradient engine."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
from tinytorch.tensor import Tensor, get_engine, set_engine


class FakeEngine:
    """A minimal gradient engine: remembers every `record` call, fakes `backward`."""

    def __init__(self) -> None:
        self.records: list[tuple[str, Tensor, tuple[Tensor, ...], dict[str, Any]]] = []
        self.backward_calls: list[tuple[Tensor, Any]] = []

    def record(
        self, op: str, out: Tensor, inputs: tuple[Tensor, ...], attrs: dict[str, Any]
    ) -> None:
        self.records.append((op, out, inputs, attrs))
        out.requires_grad = True  # what a real engine does outside no_grad

    def backward(self, tensor: Tensor, gradient: Any, retain_graph: bool = False) -> None:
        self.backward_calls.append((tensor, gradient, retain_graph))

    @property
    def ops(self) -> list[str]:
        return [r[0] for r in self.records]


@pytest.fixture(autouse=True)
def _no_engine():
    """tt-tensor's tests run without tt-autograd, even where it is installed.

    The engine found before the test is put back afterwards, so tests of other
    packages run in the same session still find it.
    """
    previous = get_engine()
    set_engine(None)
    yield
    set_engine(previous)


@pytest.fixture
def engine() -> FakeEngine:
    fake = FakeEngine()
    set_engine(fake)
    return fake  # the autouse fixture removes it afterwards


@pytest.fixture
def rng() -> np.random.Generator:
    return np.random.default_rng(1234)
