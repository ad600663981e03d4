"""Linear is built from tensor primitives: its output is connected to input and weights.

A stand-in gradient engine (installed through tt-tensor's public `set_engine`)
records each primitive `apply` runs; the output must be reachable from the
input through recorded ops. A layer that computed its result on
`.data` with NumPy and wrapped it would break the chain, and would not become
differentiable when tt-autograd is installed.
"""

from __future__ import annotations

import numpy as np
from tinytorch.layers import Linear, Sequential
from tinytorch.tensor import Tensor
from tt_testing import GraphRecorder


def test_linear_output_is_connected_to_input_and_parameters(graph_recorder: GraphRecorder) -> None:
    model = Sequential(Linear(3, 4), Linear(4, 2))
    x = Tensor(np.ones((5, 3), dtype=np.float32), requires_grad=True)
    out = model(x)
    assert out.requires_grad
    assert graph_recorder.reaches(out, x)
    for name, p in model.named_parameters():
        assert graph_recorder.reaches(out, p), name
