"""Milestone 1998: LeNet-5 reads handwritten digits with convolutions.

LeCun, Bottou, Bengio and Haffner (1998) showed that a network which slides
small learned filters over the image (convolutions), shrinks the maps
(pooling) and only then classifies, beats every fully connected network on
MNIST with far fewer weights: the same 5x5 filter is used at every position,
so a stroke is recognised wherever it is.

LeNet-5 here: conv 6@5x5 (padding 2) -> ReLU -> max-pool 2 -> conv 16@5x5 ->
ReLU -> max-pool 2 -> 120 -> 84 -> 10 (ReLU and max-pooling, as LeNet is
trained today, instead of the 1998 scaled tanh and trainable subsampling).
Trained on the shipped 4000-image MNIST subset (milestones/data/mnist4k.npz),
with the same three splits as `mlp_1986 --data mnist`: the test split (20%,
stratified, fixed by seed 0) is looked at once, after training, for
`test_accuracy`, the milestone's metric; the validation split (10% of the
training part) is scored after every epoch; the network learns from the rest.
Every batch is shifted at random by up to 2 pixels
(`RandomCrop(28, padding=2)`), drawn by a seeded DataLoader; AdamW with
weight decay on the weights only (`weight_decay_groups`), cosine decay.

Needs modules 01-12. `--plot` needs matplotlib (optional). `--profile` (tt-benchmarking,
module 18) profiles the trained LeNet-5 on one training batch of 64 images: a forward
pass and a training step.

    python milestones/lenet_1998.py [--seed 0] [--quick] [--epochs N] [--report r.json]
                                    [--plot lenet.png] [--test-data more.npz] [--profile]
        (--test-data: `images` (N, 28, 28) 0..255, `labels` (N,) 0..9)
"""

from __future__ import annotations

import sys
from typing import Any

import harness
import numpy as np
import vision
from mlp_1986 import splits  # the same test images as the MLP on MNIST

NAME = "lenet_1998"
EPOCHS, QUICK_EPOCHS = 30, 20
BATCH = 64


def lenet5() -> Any:
    """LeNet-5 for (N, 1, 28, 28) inputs: 61706 parameters."""
    from tinytorch.activations import ReLU
    from tinytorch.layers import Linear, Sequential
    from tinytorch.spatial import Conv2d, Flatten, MaxPool2d

    return Sequential(
        Conv2d(1, 6, 5, padding=2), ReLU(), MaxPool2d(2),  # -> 6 x 14 x 14
        Conv2d(6, 16, 5), ReLU(), MaxPool2d(2),  # -> 16 x 5 x 5
        Flatten(), Linear(400, 120), ReLU(), Linear(120, 84), ReLU(), Linear(84, 10),
    )


def body(run: harness.Run) -> None:
    from tinytorch.dataloader import Compose, DataLoader, Normalize, RandomCrop, TensorDataset
    from tinytorch.losses import CrossEntropyLoss
    from tinytorch.optimizers import AdamW, CosineAnnealingLR
    from tinytorch.regularization import weight_decay_groups
    from tinytorch.tensor import Tensor, manual_seed

    args = run.args
    data = harness.load_dataset("mnist")
    train_idx, val_idx, test_idx = splits(data.labels)
    epochs = harness.epochs(args, QUICK_EPOCHS if args.quick else EPOCHS)
    run.record(epochs=epochs, train_images=len(train_idx), val_images=len(val_idx),
               test_images=len(test_idx))
    print(f"MNIST subset: {len(train_idx)} training images (shifted at random each batch), "
          f"{len(val_idx)} validation, {len(test_idx)} test")

    images = vision.nchw(data.images)
    x_train = images[train_idx]
    mean, std = float(x_train.mean()), float(x_train.std())
    normalize = Normalize(mean, std)
    manual_seed(args.seed)
    model = lenet5()
    shift = RandomCrop(28, padding=2, seed=args.seed)  # up to 2 pixels each way
    loader = DataLoader(TensorDataset(x_train, data.labels[train_idx]), batch_size=BATCH,
                        shuffle=True, seed=args.seed, transform=Compose([shift, normalize]))
    optimizer = AdamW(weight_decay_groups(model, 5e-4), lr=2e-3)
    curves = vision.fit(model, loader, optimizer, epochs,
                        (images[val_idx], data.labels[val_idx]), normalize,
                        CosineAnnealingLR(optimizer, T_max=max(epochs, 1)), name="LeNet-5")
    run.record(val_accuracy=vision.accuracy(model, images[val_idx], data.labels[val_idx],
                                            normalize))
    predicted = vision.predict(model, images[test_idx], normalize)
    run.record(test_accuracy=float(np.mean(predicted == data.labels[test_idx])),
               train_seconds=round(sum(curves.seconds), 3))
    print(f"validation accuracy {run.measured['val_accuracy']:.2%}, "
          f"test accuracy {run.measured['test_accuracy']:.2%}")
    run.profile_with(model, normalize(Tensor(x_train[:BATCH])),  # --profile: one batch
                     data.labels[train_idx[:BATCH]], CrossEntropyLoss())

    if run.test_set is not None:
        more = run.test_set
        run.record(test_data_accuracy=vision.accuracy(model, vision.nchw(more.images),
                                                      more.labels, normalize))
        print(f"{args.test_data}: accuracy {run.measured['test_data_accuracy']:.2%}")
    if args.plot is not None:
        confusion = vision.confusion_matrix(data.labels[test_idx], predicted, 10)
        vision.plot(args.plot, f"LeNet-5 on the MNIST subset (seed {args.seed})",
                    {"LeNet-5": curves}, np.asarray(model[0].weight.data), confusion,
                    [str(d) for d in range(10)])


if __name__ == "__main__":
    sys.exit(harness.main(NAME, __doc__, body, harness.DATASETS["mnist"],
                          options=vision.add_plot_option))
