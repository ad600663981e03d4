"""Inference before training: the XOR network, run with pretrained weights.

Right after module 04 there is no loss, no optimizer, no autograd yet, but
there is everything a trained network needs to RUN: tensors, a tanh and
`Linear` layers. This script builds the 2 -> 8 -> 2 network of xor_1969 from
the student's own tensor, activation and layer code, loads weights that the
reference chain trained (milestones/pretrained/xor.npz; how they were made:
milestones/pretrained/README.md) with `load_state_dict`, and classifies the
four XOR points. A wrong matmul, tanh or broadcast in any of those modules
shows up here as a wrong answer.

Needs modules 01-04. `--profile` (tt-benchmarking, module 18) profiles the network's
forward pass on the four points.

    python milestones/xor_pretrained.py [--report r.json] [--profile]
    python milestones/xor_pretrained.py --test-data points.npz
        (`images` (N, 2) points near the corners, `labels` (N,) = XOR of the rounded point)
"""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING

import harness
import numpy as np
from xor_1969 import X, Y  # the four XOR points and their labels

if TYPE_CHECKING:  # imported in body(), once harness has checked they are installed
    from tinytorch.layers import Module

NAME = "xor_pretrained"


def build() -> Module:
    """The network of xor_1969, with the shipped weights loaded (strictly: every key, shape)."""
    from tinytorch.activations import Tanh
    from tinytorch.layers import Linear, Sequential

    model = Sequential(Linear(2, 8), Tanh(), Linear(8, 2))
    model.load_state_dict(harness.load_weights("xor.npz"))
    return model.eval()


def accuracy(model: Module, x: np.ndarray, y: np.ndarray) -> float:
    """Share of points whose larger logit is the right class."""
    from tinytorch.tensor import Tensor

    logits = model(Tensor(x)).numpy()  # (N, 2)
    return float((logits.argmax(axis=1) == y).mean())


def body(run: harness.Run) -> None:
    model = build()
    run.record(accuracy=accuracy(model, X, Y))
    run.profile_with(model, X)  # --profile: the forward pass
    print(f"pretrained XOR network: accuracy {run.measured['accuracy']:.0%} on the four points")
    if run.test_set is not None:
        test = run.test_set
        run.record(test_data_accuracy=accuracy(model, test.images, test.labels))
        print(f"{run.args.test_data}: accuracy {run.measured['test_data_accuracy']:.2%}")


if __name__ == "__main__":
    sys.exit(harness.main(NAME, __doc__, body, harness.POINTS, trains=False))
