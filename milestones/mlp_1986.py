"""Milestone 1986: back-propagation trains an MLP to read handwritten digits.

Rumelhart, Hinton and Williams (1986) showed that back-propagation trains
networks with hidden layers on real problems. Here an MLP reads the UCI 8x8
digits (default) or a 4000-image MNIST subset (`--data mnist`), both shipped
in milestones/data, so the run needs no network.

Recipe: pixels scaled to [0, 1] and standardised with the training set's
statistics; the training set augmented with one-pixel shifts (5x the data,
the cheapest regulariser there is); one hidden ReLU layer; AdamW with weight
decay; cosine learning-rate decay. The test split is stratified and fixed
(seed 0), so every seed is judged on the same images.

Needs modules 01-08.

    python milestones/mlp_1986.py [--data digits|mnist] [--seed 0] [--quick] [--report r.json]
    python milestones/mlp_1986.py --test-data more_digits.npz
        (`images` (N, 8, 8) uint8 0..16 for digits, (N, 28, 28) 0..255 for mnist; `labels` (N,))
"""

from __future__ import annotations

import sys

import harness
import numpy as np
from tinytorch.activations import ReLU
from tinytorch.layers import Linear, Sequential
from tinytorch.losses import CrossEntropyLoss
from tinytorch.optimizers import AdamW, CosineAnnealingLR
from tinytorch.tensor import manual_seed
from tinytorch.training import Trainer

NAME = "mlp_1986"
SHIFTS = ((1, 0), (-1, 0), (0, 1), (0, -1))  # (dy, dx) one-pixel moves


def augment(images: np.ndarray, labels: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Originals plus four one-pixel shifts: (N, H, W) -> (5N, H, W)."""
    moved = [np.roll(images, s, axis=(1, 2)) for s in SHIFTS]
    return np.concatenate([images, *moved]), np.tile(labels, 1 + len(SHIFTS))


def main() -> int:
    args = harness.parse_args(NAME, __doc__.splitlines()[0], datasets=True)
    manual_seed(args.seed)
    data = harness.load_dataset(args.data)
    train, test = harness.stratified_split(data.labels, 0.2, seed=0)
    # digits trains in about a second, so --quick only shortens the MNIST run.
    hidden, epochs = (256, 20) if args.data == "digits" else (512, 6 if args.quick else 15)
    epochs = args.epochs or epochs

    x_train, y_train = augment(data.images[train], data.labels[train])
    x_train = x_train.reshape(len(x_train), -1)  # (5N, H*W)
    mean, std = x_train.mean(0), x_train.std(0) + 0.1  # +0.1: blank border pixels

    def prepare(images: np.ndarray) -> np.ndarray:
        return ((images.reshape(len(images), -1) - mean) / std).astype(np.float32)

    x_train, x_test = prepare(x_train), prepare(data.images[test])
    model = Sequential(Linear(x_train.shape[1], hidden), ReLU(), Linear(hidden, 10))
    optimizer = AdamW(model.parameters(), lr=2e-3, weight_decay=1e-2)
    trainer = Trainer(model, optimizer, CrossEntropyLoss(),
                      scheduler=CosineAnnealingLR(optimizer, T_max=epochs),
                      progress=True, seed=args.seed)
    trainer.fit(x_train, y_train, epochs=epochs, batch_size=64,
                validation_data=(x_test, data.labels[test]))
    test_acc = trainer.evaluate(x_test, data.labels[test])["accuracy"]
    print(f"{args.data}: {len(x_train)} training images (augmented), {len(test)} test images")

    extra = {"data": args.data, "epochs": epochs}
    if args.test_data is not None:
        more = harness.load_images(args.test_data, harness.DATASETS[args.data][1],
                                   shape=data.images.shape[1:])
        extra["test_data_accuracy"] = trainer.evaluate(prepare(more.images), more.labels)[
            "accuracy"]
        print(f"{args.test_data}: accuracy {extra['test_data_accuracy']:.2%}")
    return harness.finish(args, NAME, test_acc, data=args.data, extra=extra)


if __name__ == "__main__":
    sys.exit(main())
