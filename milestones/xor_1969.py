"""Milestone 1969 -> 1986: a hidden layer, trained by back-propagation, solves XOR.

Minsky and Papert showed in 1969 that a single-layer perceptron cannot compute
XOR (see perceptron_1957). A two-layer network can: the hidden layer bends the
input space so that a line separates the classes. Training it needs gradients
through the hidden layer, which is what autograd (module 07) provides; the
`Trainer` (module 08) runs the loop.

Needs modules 01-08. `--profile` (tt-benchmarking, module 18) profiles the trained network
on the four points: a forward pass and a training step.

    python milestones/xor_1969.py [--seed 0] [--quick] [--epochs N] [--report r.json] [--profile]
    python milestones/xor_1969.py --test-data points.npz
        (`images` (N, 2) points near the corners, `labels` (N,) = XOR of the rounded point)
"""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING

import harness
import numpy as np

if TYPE_CHECKING:  # imported in train(), once harness has checked they are installed
    from tinytorch.training import Trainer

NAME = "xor_1969"
X = np.array([[0, 0], [0, 1], [1, 0], [1, 1]], np.float32)  # (4, 2)
Y = np.array([0, 1, 1, 0], np.int64)  # XOR


def train(seed: int, epochs: int) -> Trainer:
    """A 2 -> 8 -> 2 tanh network trained on the four XOR points (milestones/pretrained too)."""
    from tinytorch.activations import Tanh
    from tinytorch.layers import Linear, Sequential
    from tinytorch.losses import CrossEntropyLoss
    from tinytorch.optimizers import SGD
    from tinytorch.tensor import manual_seed
    from tinytorch.training import Trainer

    manual_seed(seed)
    # Eight tanh units are plenty, and make every seed converge.
    model = Sequential(Linear(2, 8), Tanh(), Linear(8, 2))
    trainer = Trainer(model, SGD(model.parameters(), lr=0.5, momentum=0.9),
                      CrossEntropyLoss(), progress=False, seed=seed)
    trainer.fit(X, Y, epochs=epochs, batch_size=4)
    return trainer


def body(run: harness.Run) -> None:
    args = run.args
    epochs = harness.epochs(args, 300 if args.quick else 500)
    run.record(epochs=epochs)
    trainer = train(args.seed, epochs)
    result = trainer.evaluate(X, Y)  # epochs 0: the untrained network
    run.record(final_loss=result["loss"], accuracy=result["accuracy"])
    run.profile_with(trainer.model, X, Y, trainer.loss_fn)  # --profile: the one batch of 4
    print(f"trained {epochs} epochs: loss {result['loss']:.4f}, "
          f"accuracy {result['accuracy']:.0%} on the four XOR points")

    if run.test_set is not None:
        test = run.test_set
        run.record(test_data_accuracy=trainer.evaluate(test.images, test.labels)["accuracy"])
        print(f"{args.test_data}: accuracy {run.measured['test_data_accuracy']:.2%}")


if __name__ == "__main__":
    sys.exit(harness.main(NAME, __doc__, body, harness.POINTS))
