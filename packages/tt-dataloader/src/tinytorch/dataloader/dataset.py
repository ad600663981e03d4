"""Dataset, the interface of everything a DataLoader reads, and TensorDataset.

A dataset is anything with a length and an integer index: `len(ds)` samples,
`ds[i]` the i-th one, usually a tuple `(input, label)`. That is all a
DataLoader needs, and it is PyTorch's `torch.utils.data.Dataset` protocol.

Fetching a batch one sample at a time costs one Python call per sample:
with 60000 MNIST images in batches of 64, that is 60000 calls of
`__getitem__` and 938 stacks of 64 small arrays per epoch. A dataset whose
samples live in one array can do better: `__getitems__(indices)` returns the
whole batch with one fancy index (`images[indices]`), a single copy of the
batch's bytes. The DataLoader uses it when it is there (PyTorch's DataLoader
knows the same method name).
"""

from __future__ import annotations

from typing import Any

import numpy as np
from tinytorch.tensor import ShapeError, Tensor

from .errors import check_index, check_indices


class Dataset:
    """The base class of datasets: override `__len__` and `__getitem__`.

    Optionally override `__getitems__(indices)` to return a whole batch at
    once (already stacked, in the form the DataLoader yields); the loader then
    skips the per-sample path.
    """

    def __len__(self) -> int:
        raise NotImplementedError(f"{type(self).__name__} must define __len__")

    def __getitem__(self, index: int) -> Any:
        raise NotImplementedError(f"{type(self).__name__} must define __getitem__")


def _as_array(x: Any, where: str) -> np.ndarray:
    """The NumPy array of a Tensor or anything array-like (no copy when possible)."""
    return x.data if isinstance(x, Tensor) else np.asarray(x)


class TensorDataset(Dataset):
    """Samples that are the rows of several arrays: `TensorDataset(images, labels)`.

    `ds[i]` is the tuple `(images[i], labels[i])` as Tensors, and
    `ds.__getitems__(idx)` the tuple `(images[idx], labels[idx])`: one fancy
    index per array, no Python loop. The arrays are kept as they are (no copy,
    dtype unchanged); they must agree on their first dimension.
    """

    def __init__(self, *tensors: Any) -> None:
        ### BEGIN SOLUTION
        if not tensors:
            raise ValueError("TensorDataset: needs at least one tensor or array")
        arrays = [_as_array(t, "TensorDataset") for t in tensors]
        for i, a in enumerate(arrays):
            if a.ndim == 0:
                raise ShapeError(f"TensorDataset: tensor {i} is 0-d; every tensor needs a first "
                                 "(sample) dimension")
        sizes = [a.shape[0] for a in arrays]
        if len(set(sizes)) != 1:
            shapes = ", ".join(str(tuple(a.shape)) for a in arrays)
            raise ShapeError(f"TensorDataset: size mismatch between tensors: first dimensions "
                             f"{sizes} differ (shapes {shapes})")
        self.tensors = tuple(arrays)
        ### END SOLUTION

    def __len__(self) -> int:
        ### BEGIN SOLUTION
        return int(self.tensors[0].shape[0])
        ### END SOLUTION

    def __getitem__(self, index: int) -> tuple[Tensor, ...]:
        ### BEGIN SOLUTION
        i = check_index("TensorDataset", index, len(self))
        return tuple(Tensor(a[i]) for a in self.tensors)
        ### END SOLUTION

    def __getitems__(self, indices: Any) -> tuple[Tensor, ...]:
        """The samples at `indices` as one batch: a tuple of Tensors of len(indices) rows."""
        ### BEGIN SOLUTION
        idx = check_indices("TensorDataset", indices, len(self))
        return tuple(Tensor(a[idx]) for a in self.tensors)
        ### END SOLUTION

    def __repr__(self) -> str:
        shapes = ", ".join(f"{tuple(a.shape)} {a.dtype}" for a in self.tensors)
        return f"TensorDataset({shapes})"
