"""Milestone 1986: back-propagation trains an MLP to read handwritten digits.

Rumelhart, Hinton and Williams (1986) showed that back-propagation trains
networks with hidden layers on real problems. Here an MLP reads the UCI 8x8
digits (default) or a 4000-image MNIST subset (`--data mnist`), both shipped
in milestones/data, so the run needs no network.

Recipe: pixels scaled to [0, 1] and standardised with the training set's
statistics; the training set augmented with one-pixel shifts (5x the data,
the cheapest regulariser there is); one hidden ReLU layer; AdamW with weight
decay; cosine learning-rate decay.

Three parts of the data, kept apart: the test split (20%, stratified, fixed
by seed 0, so every seed is judged on the same images) is looked at once,
after training, for `test_accuracy`, the milestone's metric; the validation
split (10% of the TRAINING part, also fixed) is what `fit` watches each epoch
(`val_accuracy`); the model learns from the rest.

Needs modules 01-08. `--profile` (tt-benchmarking, module 18) profiles the trained MLP on
one training batch of 64 images: a forward pass and a training step.

    python milestones/mlp_1986.py [--data digits|mnist] [--seed 0] [--quick] [--epochs N]
                                  [--report r.json] [--profile]
    python milestones/mlp_1986.py --test-data more_digits.npz
        (`images` (N, 8, 8) 0..16 for digits, (N, 28, 28) 0..255 for mnist; `labels` (N,))
"""

from __future__ import annotations

import sys
from dataclasses import dataclass
from typing import TYPE_CHECKING

import harness
import numpy as np

if TYPE_CHECKING:  # imported in train(), once harness has checked they are installed
    from tinytorch.training import Trainer

NAME = "mlp_1986"
SHIFTS = ((1, 0), (-1, 0), (0, 1), (0, -1))  # (dy, dx) one-pixel moves
TEST_FRACTION, VAL_FRACTION = 0.2, 0.1  # of all the data; of the training part
BATCH = 64


def augment(images: np.ndarray, labels: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Originals plus four one-pixel shifts: (N, H, W) -> (5N, H, W)."""
    moved = [np.roll(images, s, axis=(1, 2)) for s in SHIFTS]
    return np.concatenate([images, *moved]), np.tile(labels, 1 + len(SHIFTS))


def splits(labels: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Indices (train, validation, test): test held out first, validation from the rest."""
    rest, test = harness.stratified_split(labels, TEST_FRACTION, seed=0)
    train, val = harness.stratified_split(labels[rest], VAL_FRACTION, seed=0)
    return rest[train], rest[val], test


@dataclass
class Trained:
    """A trained MLP, its Trainer and the standardisation it expects (flattened pixels)."""

    trainer: Trainer
    mean: np.ndarray  # (H*W,)
    std: np.ndarray  # (H*W,)

    def prepare(self, images: np.ndarray) -> np.ndarray:
        """(N, H, W) in [0, 1] -> (N, H*W) standardised, float32."""
        return ((images.reshape(len(images), -1) - self.mean) / self.std).astype(np.float32)


def train(data: harness.ImageSet, train_idx: np.ndarray, val_idx: np.ndarray, hidden: int,
          epochs: int, seed: int) -> Trained:
    """The recipe above on `data.images[train_idx]`, watching `val_idx` (also for pretrained/)."""
    from tinytorch.activations import ReLU
    from tinytorch.layers import Linear, Sequential
    from tinytorch.losses import CrossEntropyLoss
    from tinytorch.optimizers import AdamW, CosineAnnealingLR
    from tinytorch.tensor import manual_seed
    from tinytorch.training import Trainer

    manual_seed(seed)
    x, y = augment(data.images[train_idx], data.labels[train_idx])
    flat = x.reshape(len(x), -1)  # (5N, H*W)
    mean, std = flat.mean(0), flat.std(0) + 0.1  # +0.1: blank border pixels
    model = Sequential(Linear(flat.shape[1], hidden), ReLU(), Linear(hidden, 10))
    optimizer = AdamW(model.parameters(), lr=2e-3, weight_decay=1e-2)
    trainer = Trainer(model, optimizer, CrossEntropyLoss(),
                      scheduler=CosineAnnealingLR(optimizer, T_max=max(epochs, 1)),
                      progress=True, seed=seed)
    result = Trained(trainer, mean, std)
    trainer.fit(result.prepare(x), y, epochs=epochs, batch_size=BATCH,
                validation_data=(result.prepare(data.images[val_idx]), data.labels[val_idx]))
    return result


def body(run: harness.Run) -> None:
    args = run.args
    data = harness.load_dataset(args.data)
    train_idx, val_idx, test_idx = splits(data.labels)
    # digits trains in about a second, so --quick only shortens the MNIST run.
    hidden, default = (256, 20) if args.data == "digits" else (512, 6 if args.quick else 15)
    epochs = harness.epochs(args, default)
    run.record(epochs=epochs, train_images=5 * len(train_idx), val_images=len(val_idx),
               test_images=len(test_idx))
    print(f"{args.data}: {5 * len(train_idx)} training images (augmented), "
          f"{len(val_idx)} validation, {len(test_idx)} test")

    mlp = train(data, train_idx, val_idx, hidden, epochs, args.seed)
    evaluate = mlp.trainer.evaluate
    run.record(val_accuracy=evaluate(mlp.prepare(data.images[val_idx]),
                                     data.labels[val_idx])["accuracy"])
    run.record(test_accuracy=evaluate(mlp.prepare(data.images[test_idx]),
                                      data.labels[test_idx])["accuracy"])
    print(f"validation accuracy {run.measured['val_accuracy']:.2%}, "
          f"test accuracy {run.measured['test_accuracy']:.2%}")
    batch = train_idx[:BATCH]  # --profile: one training batch
    run.profile_with(mlp.trainer.model, mlp.prepare(data.images[batch]), data.labels[batch],
                     mlp.trainer.loss_fn)

    if run.test_set is not None:
        more = run.test_set
        run.record(test_data_accuracy=evaluate(mlp.prepare(more.images), more.labels)["accuracy"])
        print(f"{args.test_data}: accuracy {run.measured['test_data_accuracy']:.2%}")


if __name__ == "__main__":
    sys.exit(harness.main(NAME, __doc__, body, harness.DATASETS))
