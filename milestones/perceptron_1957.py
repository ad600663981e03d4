"""Milestone 1957: Rosenblatt's perceptron, and where it stops.

Frank Rosenblatt's perceptron computes step(w . x + b) and learns with a rule,
not a gradient: for each misclassified point, w += lr * (y - y_hat) * x. On
linearly separable data the rule converges (Novikoff, 1962) to a separating
line, so accuracy reaches 100%. On XOR no line separates the classes, and the
same perceptron never gets past 75%: the result Minsky and Papert made famous
in 1969, and the reason for the next milestone.

Needs modules 01-04: tensors and a `Linear` layer, no autograd. `--profile` (tt-benchmarking,
module 18) profiles the trained layer's forward pass on the separable points (the rule
takes no gradient step to profile).

    python milestones/perceptron_1957.py [--seed 0] [--quick] [--epochs N] [--report r.json]
                                         [--profile]
    python milestones/perceptron_1957.py --test-data points.npz
        (`images` (N, 2) points, `labels` (N,) in {0, 1})
"""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING

import harness
import numpy as np

if TYPE_CHECKING:  # imported in main(), once harness has checked they are installed
    from tinytorch.layers import Linear

NAME = "perceptron_1957"


def separable_blobs(n: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """Two Gaussian clouds on either side of a random line, with a margin."""
    rng = np.random.default_rng(seed)
    normal = rng.normal(size=2)
    normal /= np.linalg.norm(normal)
    x = rng.uniform(-1, 1, size=(4 * n, 2)).astype(np.float32)
    side = x @ normal
    keep = np.abs(side) > 0.15  # the margin makes convergence quick
    x, side = x[keep][:n], side[keep][:n]
    return x, (side > 0).astype(np.int64)


def xor_points() -> tuple[np.ndarray, np.ndarray]:
    """The four corners of the unit square, labelled by XOR."""
    return np.array([[0, 0], [0, 1], [1, 0], [1, 1]], np.float32), np.array([0, 1, 1, 0])


def predict(layer: Linear, x: np.ndarray) -> np.ndarray:
    """step(w . x + b) as 0/1 labels."""
    from tinytorch.tensor import Tensor

    return (layer(Tensor(x)).numpy()[:, 0] > 0).astype(np.int64)


def train_perceptron(x: np.ndarray, y: np.ndarray, epochs: int) -> Linear:
    """Rosenblatt's rule, one point at a time, until an epoch makes no mistake."""
    from tinytorch.layers import Linear
    from tinytorch.tensor import Tensor

    layer = Linear(2, 1)
    w, b = layer.weight.data, layer.bias.data  # (1, 2), (1,): updated in place
    for _ in range(epochs):
        mistakes = 0
        for xi, yi in zip(x, y, strict=False):
            error = yi - int(layer(Tensor(xi[None])).item() > 0)
            if error:
                w += 0.1 * error * xi
                b += 0.1 * error
                mistakes += 1
        if mistakes == 0:
            break
    return layer


def accuracy(layer: Linear, x: np.ndarray, y: np.ndarray) -> float:
    return float((predict(layer, x) == y).mean())


def body(run: harness.Run) -> None:
    from tinytorch.tensor import manual_seed

    args = run.args
    manual_seed(args.seed)
    epochs = harness.epochs(args, 20 if args.quick else 100)
    run.record(epochs=epochs)

    x, y = separable_blobs(100 if args.quick else 400, args.seed)
    layer = train_perceptron(x, y, epochs)
    acc = accuracy(layer, x, y)
    w = layer.weight.data[0]
    print(f"separable data: {len(x)} points, accuracy {acc:.2%}, "
          f"boundary {w[0]:+.3f} x1 {w[1]:+.3f} x2 {layer.bias.data[0]:+.3f} = 0")
    run.record(separable_accuracy=acc)
    run.profile_with(layer, x)  # --profile: the forward pass

    xx, xy = xor_points()
    xor_acc = accuracy(train_perceptron(xx, xy, epochs), xx, xy)
    print(f"XOR: accuracy {xor_acc:.0%} after {epochs} epochs: no line separates XOR "
          "(Minsky & Papert, 1969); a hidden layer does (xor_1969)")
    run.record(xor_accuracy=xor_acc, xor_solved=xor_acc == 1.0)
    # The milestone is both halves: the rule solves separable data and cannot solve XOR.
    run.record(accuracy=acc if xor_acc < 1.0 else 0.0)

    if run.test_set is not None:
        test = run.test_set
        run.record(test_data_accuracy=accuracy(layer, test.images, test.labels))
        print(f"{args.test_data}: accuracy {run.measured['test_data_accuracy']:.2%}")


if __name__ == "__main__":
    sys.exit(harness.main(NAME, __doc__, body, harness.POINTS))
