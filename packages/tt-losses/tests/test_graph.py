"""Every loss is built from tensor primitives: its value is connected to its input.

A stand-in gradient engine (installed through tt-tensor's public `set_engine`)
records each primitive `apply` runs; the output must be reachable from the
input through recorded ops. A loss that computed its result on
`.data` with NumPy and wrapped it would break the chain, and would not become
differentiable when tt-autograd is installed.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import numpy as np
import pytest
from tinytorch.losses import BCELoss, BCEWithLogitsLoss, CrossEntropyLoss, MSELoss
from tinytorch.tensor import PRIMITIVES, Tensor, get_engine, set_engine


class Recorder:
    """A gradient engine that only remembers which op made which tensor."""

    def __init__(self) -> None:
        self.made_by: dict[int, tuple[Tensor, str, tuple[Tensor, ...]]] = {}

    def record(self, op: str, out: Tensor, inputs: tuple[Tensor, ...], attrs: dict) -> None:
        assert op in PRIMITIVES
        out.requires_grad = True  # so the ops that follow are recorded too
        self.made_by[id(out)] = (out, op, inputs)

    def backward(self, tensor: Tensor, gradient: Any) -> None:  # pragma: no cover
        raise NotImplementedError

    def reaches(self, out: Tensor, leaf: Tensor) -> bool:
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


@pytest.fixture
def recorder() -> Iterator[Recorder]:
    previous = get_engine()
    rec = Recorder()
    set_engine(rec)
    try:
        yield rec
    finally:
        set_engine(previous)


X = np.array([[-2.0, 0.0, 3.0], [1.0, -1e4, 1e4]], dtype=np.float32)
P = np.array([[0.0, 0.5, 1.0], [1e-40, 0.25, 0.9]], dtype=np.float32)
Y = np.array([[1.0, 0.0, 1.0], [1.0, 0.5, 0.0]], dtype=np.float32)


@pytest.mark.parametrize(
    ("loss", "x", "y"),
    [
        (MSELoss(), X, Y),
        (CrossEntropyLoss(), X, np.array([2, 1])),
        (BCELoss(), P, Y),
        (BCEWithLogitsLoss(), X, Y),
    ],
    ids=["mse", "cross_entropy", "bce", "bce_with_logits"],
)
@pytest.mark.parametrize("reduction", ["mean", "sum", "none"])
def test_loss_is_connected_to_input(recorder: Recorder, loss, x, y, reduction: str) -> None:
    loss.reduction = reduction
    inp = Tensor(x.copy(), requires_grad=True)
    out = loss(inp, y)
    assert out.requires_grad
    assert recorder.reaches(out, inp)


def test_target_tensor_is_connected_too(recorder: Recorder) -> None:
    x = Tensor(X.copy(), requires_grad=True)
    y = Tensor(Y.copy(), requires_grad=True)
    out = MSELoss()(x, y)
    assert recorder.reaches(out, x) and recorder.reaches(out, y)
