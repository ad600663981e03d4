"""Milestone 1969 -> 1986: a hidden layer, trained by back-propagation, solves XOR.

Minsky and Papert showed in 1969 that a single-layer perceptron cannot compute
XOR (see perceptron_1957). A two-layer network can: the hidden layer bends the
input space so that a line separates the classes. Training it needs gradients
through the hidden layer, which is what autograd (module 07) provides; the
`Trainer` (module 08) runs the loop.

Needs modules 01-08.

    python milestones/xor_1969.py [--seed 0] [--quick] [--epochs N] [--report r.json]
    python milestones/xor_1969.py --test-data points.npz
        (`images` (N, 2) points near the corners, `labels` (N,) = XOR of the rounded point)
"""

from __future__ import annotations

import sys

import harness
import numpy as np
from tinytorch.activations import Tanh
from tinytorch.layers import Linear, Sequential
from tinytorch.losses import CrossEntropyLoss
from tinytorch.optimizers import SGD
from tinytorch.tensor import manual_seed
from tinytorch.training import Trainer

NAME = "xor_1969"
X = np.array([[0, 0], [0, 1], [1, 0], [1, 1]], np.float32)  # (4, 2)
Y = np.array([0, 1, 1, 0], np.int64)  # XOR


def main() -> int:
    args = harness.parse_args(NAME, __doc__.splitlines()[0])
    manual_seed(args.seed)
    epochs = args.epochs or (300 if args.quick else 500)

    # 2 -> 8 -> 2: eight tanh units are plenty, and make every seed converge.
    model = Sequential(Linear(2, 8), Tanh(), Linear(8, 2))
    trainer = Trainer(model, SGD(model.parameters(), lr=0.5, momentum=0.9),
                      CrossEntropyLoss(), progress=False, seed=args.seed)
    history = trainer.fit(X, Y, epochs=epochs, batch_size=4)
    result = trainer.evaluate(X, Y)
    print(f"trained {epochs} epochs: loss {history['loss'][-1]:.4f}, "
          f"accuracy {result['accuracy']:.0%} on the four XOR points")

    extra = {"final_loss": float(history["loss"][-1])}
    if args.test_data is not None:
        test = harness.load_images(args.test_data, 1.0, shape=(2,))
        extra["test_data_accuracy"] = trainer.evaluate(test.images, test.labels)["accuracy"]
        print(f"{args.test_data}: accuracy {extra['test_data_accuracy']:.2%}")
    return harness.finish(args, NAME, result["accuracy"], extra=extra)


if __name__ == "__main__":
    sys.exit(main())
