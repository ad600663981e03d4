"""ImageDataset: images and labels held in two arrays, the base of MNIST and CIFAR10.

The readers load a whole split into memory once (MNIST's 60000 training
images are 47 MB as uint8; CIFAR-10's 50000 are 154 MB) and keep it as
`.data` (uint8, (N, H, W) or (N, H, W, C), as torchvision) and `.targets`
(int64, (N,)). A sample is then one row of each, and a batch one fancy
index of each (`__getitems__`), which is what makes a DataLoader epoch cheap.
Conversion to float and normalisation are left to the batch transforms.
"""

from __future__ import annotations

from typing import Any, ClassVar

import numpy as np
from tinytorch.tensor import ShapeError

from .dataset import Dataset
from .errors import check_index, check_indices


class ImageDataset(Dataset):
    """Samples `(data[i], targets[i])`: a uint8 image array and an int label."""

    classes: ClassVar[list[str]] = []

    def __init__(self, data: np.ndarray, targets: np.ndarray) -> None:
        if len(data) != len(targets):
            raise ShapeError(f"{type(self).__name__}: {len(data)} images but {len(targets)} "
                             "labels")
        self.data = data
        self.targets = np.asarray(targets, dtype=np.int64)

    def __len__(self) -> int:
        return len(self.targets)

    def __getitem__(self, index: int) -> tuple[np.ndarray, int]:
        ### BEGIN SOLUTION
        i = check_index(type(self).__name__, index, len(self))
        return self.data[i], int(self.targets[i])
        ### END SOLUTION

    def __getitems__(self, indices: Any) -> tuple[np.ndarray, np.ndarray]:
        """A batch: (data[indices], targets[indices]), one fancy index each."""
        ### BEGIN SOLUTION
        idx = check_indices(type(self).__name__, indices, len(self))
        return self.data[idx], self.targets[idx]
        ### END SOLUTION

    def __repr__(self) -> str:
        return (f"{type(self).__name__}({len(self)} images of shape {self.data.shape[1:]}, "
                f"{len(self.classes) or 'unnamed'} classes)")
