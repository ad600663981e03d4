"""DataLoader: a dataset as a stream of (shuffled, transformed) batches.

Training wants batches, not samples: 64 images at once keep the matmuls of
the model big enough for BLAS to be efficient, and the gradient of a batch
is a less noisy estimate than that of one sample. Each epoch the loader
draws a new order of the sample indices (when `shuffle=True`), cuts it into
`len(loader)` batches, fetches each batch from the dataset, applies the
batch transform to its inputs, and yields Tensors.

Cost per epoch: one permutation of N ints, then per batch one fetch (one
fancy index when the dataset has `__getitems__`, else a Python call per
sample plus a stack), the transforms, and no other copy.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import numpy as np

from .collate import default_collate, to_batch_tensor
from .rng import current, resolve_generator


class DataLoader:
    """Iterate over `dataset` in batches: `for x, y in DataLoader(ds, batch_size=64, shuffle=True)`.

    Arguments (PyTorch's names):

    - `batch_size`: samples per batch, a positive int;
    - `shuffle`: a new random order every epoch (every `iter()`), seeded;
    - `drop_last`: drop the last, smaller batch;
    - `collate_fn`: turns a list of samples into a batch. When given, the
      loader always fetches sample by sample and calls it; otherwise it uses
      the dataset's `__getitems__` if there is one, else `default_collate`;
    - `seed` / `generator`: the source of the shuffling (see `rng.py`): the
      same seed gives the same sequence of epoch orders; neither means the
      shared tinytorch generator;
    - `transform`: a batch transform (e.g. `Compose([ToTensor(),
      Normalize(...)])`) applied to the first field of each batch (the
      inputs), or to the whole batch when it is not a tuple.

    Batches are tuples of Tensors for tuple samples; integer fields are
    int64 (class indices), floating fields keep their dtype.
    """

    def __init__(self, dataset: Any, batch_size: int = 1, shuffle: bool = False,
                 drop_last: bool = False, collate_fn: Callable[[list[Any]], Any] | None = None,
                 seed: int | None = None, transform: Callable[[Any], Any] | None = None,
                 generator: np.random.Generator | None = None) -> None:
        ### BEGIN SOLUTION
        if isinstance(batch_size, bool) or not isinstance(batch_size, (int, np.integer)) \
                or batch_size <= 0:
            raise ValueError(f"DataLoader: batch_size should be a positive integer value, "
                             f"but got batch_size={batch_size!r}")
        if not hasattr(dataset, "__len__") or not hasattr(dataset, "__getitem__"):
            raise TypeError(f"DataLoader: dataset must have __len__ and __getitem__, got a "
                            f"{type(dataset).__name__}")
        self.dataset = dataset
        self.batch_size = int(batch_size)
        self.shuffle = bool(shuffle)
        self.drop_last = bool(drop_last)
        self.collate_fn = collate_fn
        self.transform = transform
        self.generator = resolve_generator("DataLoader", seed, generator)
        ### END SOLUTION

    def __len__(self) -> int:
        """The number of batches of one epoch."""
        ### BEGIN SOLUTION
        n = len(self.dataset)
        return n // self.batch_size if self.drop_last else -(-n // self.batch_size)
        ### END SOLUTION

    def fetch(self, indices: np.ndarray) -> Any:
        """One batch: the samples at `indices`, collated, transformed, as Tensors."""
        ### BEGIN SOLUTION
        getitems = getattr(self.dataset, "__getitems__", None)
        if self.collate_fn is None and getitems is not None:
            batch = getitems(indices)
        else:
            collate = self.collate_fn or default_collate
            batch = collate([self.dataset[int(i)] for i in indices])
        if self.transform is not None:
            if isinstance(batch, tuple):
                batch = (self.transform(batch[0]), *batch[1:])
            else:
                batch = self.transform(batch)
        return batch if self.collate_fn is not None else to_batch_tensor(batch)
        ### END SOLUTION

    def __iter__(self) -> Iterator[Any]:
        ### BEGIN SOLUTION
        n = len(self.dataset)
        order = current(self.generator).permutation(n) if self.shuffle else np.arange(n)
        for b in range(len(self)):
            yield self.fetch(order[b * self.batch_size:(b + 1) * self.batch_size])
        ### END SOLUTION

    def __repr__(self) -> str:
        return (f"DataLoader({type(self.dataset).__name__} of {len(self.dataset)}, "
                f"batch_size={self.batch_size}, shuffle={self.shuffle}, "
                f"drop_last={self.drop_last})")
