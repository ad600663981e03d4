"""Inference before training: the digits MLP of mlp_1986, run with pretrained weights.

Right after module 04 a student has tensors, activations and `Linear` layers
of their own, and that is all a trained network needs to read handwritten
digits. This script builds the 64 -> 256 -> 10 ReLU MLP of mlp_1986 with that
code, loads weights that the reference chain trained
(milestones/pretrained/digits.npz; how they were made:
milestones/pretrained/README.md) with `load_state_dict`, standardises the
pixels with the training set's statistics shipped beside them, and scores the
held-out test split of the digits data: the 299 images the weights were NOT
trained on (the same split mlp_1986 reports as test_accuracy).

Needs modules 01-04. `--profile` (tt-benchmarking, module 18) profiles the MLP's forward
pass on the test split's standardised images, as one batch.

    python milestones/digits_pretrained.py [--report r.json] [--profile]
    python milestones/digits_pretrained.py --test-data more_digits.npz
        (`images` (N, 8, 8) 0..16, `labels` (N,) 0..9)
"""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING

import harness
import numpy as np
from mlp_1986 import splits  # the same held-out split the weights never saw

if TYPE_CHECKING:  # imported in body(), once harness has checked they are installed
    from tinytorch.layers import Module
    from tinytorch.tensor import Tensor

NAME = "digits_pretrained"
STATS = ("input_mean", "input_std")  # (64,) each, stored beside the state_dict


class Pretrained:
    """The MLP with the shipped weights, and the standardisation its inputs need."""

    def __init__(self) -> None:
        from tinytorch.activations import ReLU
        from tinytorch.layers import Linear, Sequential
        from tinytorch.tensor import Tensor

        arrays = harness.load_weights("digits.npz")
        self.mean, self.std = (Tensor(arrays.pop(key)) for key in STATS)
        self.model: Module = Sequential(Linear(64, 256), ReLU(), Linear(256, 10))
        self.model.load_state_dict(arrays)  # strictly: every key and shape must match
        self.model.eval()

    def standardize(self, images: np.ndarray) -> Tensor:
        """(N, 8, 8) pixels in [0, 1] -> (N, 64) standardised, the MLP's input."""
        from tinytorch.tensor import Tensor

        x = Tensor(images.reshape(len(images), -1))  # (N, 64)
        return (x - self.mean) / self.std

    def logits(self, images: np.ndarray) -> Tensor:
        """(N, 8, 8) pixels in [0, 1] -> (N, 10) logits, with the student's tensor ops."""
        return self.model(self.standardize(images))

    def accuracy(self, images: np.ndarray, labels: np.ndarray) -> float:
        return float((self.logits(images).numpy().argmax(axis=1) == labels).mean())


def body(run: harness.Run) -> None:
    net = Pretrained()
    data = harness.load_dataset("digits")
    test = splits(data.labels)[2]
    run.record(test_images=len(test),
               test_accuracy=net.accuracy(data.images[test], data.labels[test]))
    print(f"pretrained digits MLP: accuracy {run.measured['test_accuracy']:.2%} on the "
          f"{len(test)} held-out test images")
    run.profile_with(net.model, net.standardize(data.images[test]))  # --profile
    if run.test_set is not None:
        more = run.test_set
        run.record(test_data_accuracy=net.accuracy(more.images, more.labels))
        print(f"{run.args.test_data}: accuracy {run.measured['test_data_accuracy']:.2%}")


if __name__ == "__main__":
    sys.exit(harness.main(NAME, __doc__, body, harness.DATASETS["digits"], trains=False))
