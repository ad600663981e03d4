"""Every loss is built from tensor primitives: its value is connected to its input.

A stand-in gradient engine (installed through tt-tensor's public `set_engine`)
records each primitive `apply` runs; the output must be reachable from the
input through recorded ops. A loss that computed its result on
`.data` with NumPy and wrapped it would break the chain, and would not become
differentiable when tt-autograd is installed.
"""

from __future__ import annotations

import numpy as np
import pytest
from tinytorch.losses import BCELoss, BCEWithLogitsLoss, CrossEntropyLoss, MSELoss, NLLLoss
from tinytorch.tensor import Tensor
from tt_testing import GraphRecorder

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
        (NLLLoss(), X, np.array([2, 1])),
        (NLLLoss(weight=np.array([1.0, 2.0, 3.0]), ignore_index=1), X, np.array([2, 1])),
        (CrossEntropyLoss(weight=np.array([1.0, 2.0, 3.0]), ignore_index=0,
                          label_smoothing=0.2), X, np.array([0, 1])),
        (CrossEntropyLoss(label_smoothing=0.1), X, Y),  # class probabilities
        (CrossEntropyLoss(), X.reshape(1, 3, 2), np.array([[2, 0]])),  # (N, C, d1)
        (CrossEntropyLoss(), X[0], np.int64(2)),  # one sample
    ],
    ids=["mse", "cross_entropy", "bce", "bce_with_logits", "nll", "nll_weight_ignore",
         "ce_all_options", "ce_probabilities", "ce_spatial", "ce_one_sample"],
)
@pytest.mark.parametrize("reduction", ["mean", "sum", "none"])
def test_loss_is_connected_to_input(
    graph_recorder: GraphRecorder, loss, x, y, reduction: str
) -> None:
    loss.reduction = reduction
    inp = Tensor(x.copy(), requires_grad=True)
    out = loss(inp, y)
    assert out.requires_grad
    assert graph_recorder.reaches(out, inp)


def test_probability_target_tensor_is_connected(graph_recorder: GraphRecorder) -> None:
    x = Tensor(X.copy(), requires_grad=True)
    y = Tensor(Y.copy(), requires_grad=True)
    out = CrossEntropyLoss(label_smoothing=0.2)(x, y)
    assert graph_recorder.reaches(out, x) and graph_recorder.reaches(out, y)


def test_target_tensor_is_connected_too(graph_recorder: GraphRecorder) -> None:
    x = Tensor(X.copy(), requires_grad=True)
    y = Tensor(Y.copy(), requires_grad=True)
    out = MSELoss()(x, y)
    assert graph_recorder.reaches(out, x) and graph_recorder.reaches(out, y)
