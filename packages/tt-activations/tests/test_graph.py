"""Every activation is built from tensor primitives: its output is connected to its input.

A stand-in gradient engine (installed through tt-tensor's public `set_engine`)
records each primitive `apply` runs; the output must be reachable from the
input through recorded ops. An activation that computed its result on
`.data` with NumPy and wrapped it would break the chain, and would not become
differentiable when tt-autograd is installed.
"""

from __future__ import annotations

import numpy as np
import pytest
from tinytorch.activations import GELU, LogSoftmax, ReLU, Sigmoid, Softmax, Tanh
from tinytorch.tensor import Tensor
from tt_testing import GraphRecorder


@pytest.mark.parametrize(
    "layer",
    [ReLU(), Sigmoid(), Tanh(), GELU(), GELU(approximate="tanh"), Softmax(dim=0), LogSoftmax()],
    ids=repr,
)
def test_output_is_connected_to_input(graph_recorder: GraphRecorder, layer) -> None:
    x = Tensor(np.array([[-2.0, 0.0, 3.0], [1.0, -1e4, 1e4]], dtype=np.float32),
               requires_grad=True)
    out = layer(x)
    assert out.requires_grad
    assert graph_recorder.reaches(out, x)
