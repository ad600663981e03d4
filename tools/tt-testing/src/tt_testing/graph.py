"""A stand-in gradient engine that records the graph, for modules before autograd.

Activations, layers and losses come before tt-autograd in the chain and must
be built only from tt-tensor primitives, or they will not become
differentiable once autograd is installed. This recorder, installed through
tt-tensor's public `set_engine`, remembers which primitive made which tensor,
so a test can check that an output is connected to its inputs and parameters.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any


class GraphRecorder:
    """Remembers, for every tensor a recorded primitive made, its op and inputs."""

    def __init__(self, primitives: tuple[str, ...]) -> None:
        self.primitives = primitives
        self.made_by: dict[int, tuple[Any, str, tuple[Any, ...]]] = {}

    def record(self, op: str, out: Any, inputs: tuple[Any, ...], attrs: dict) -> None:
        assert op in self.primitives, f"{op!r} is not one of tt-tensor's PRIMITIVES"
        out.requires_grad = True  # so the ops that follow are recorded too
        self.made_by[id(out)] = (out, op, inputs)

    def backward(self, tensor: Any, gradient: Any, retain_graph: bool = False) -> None:
        raise NotImplementedError("GraphRecorder only records; it has no backward rules")

    def reaches(self, out: Any, leaf: Any) -> bool:
        """Whether `leaf` is an ancestor of `out` through recorded primitives."""
        stack, seen = [out], set()
        while stack:
            t = stack.pop()
            if t is leaf:
                return True
            if id(t) in seen or id(t) not in self.made_by:
                continue
            seen.add(id(t))
            stack.extend(self.made_by[id(t)][2])
        return False


@contextmanager
def recording_engine() -> Iterator[GraphRecorder]:
    """Install a `GraphRecorder` as the gradient engine; put the previous one back."""
    from tinytorch.tensor import PRIMITIVES, get_engine, set_engine

    previous = get_engine()
    recorder = GraphRecorder(PRIMITIVES)
    set_engine(recorder)
    try:
        yield recorder
    finally:
        set_engine(previous)
