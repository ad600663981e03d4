"""Subset and random_split: views of a dataset through a list of indices.

A validation set is split off the training data, never taken from the test
set, and the split must be the same every run, or the validation numbers of
two runs cannot be compared. `random_split` shuffles the indices once with
a seeded generator and cuts them into pieces; each piece is a `Subset`,
which stores only its indices (8 bytes per sample), not a copy of the data.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import numpy as np

from .dataset import Dataset
from .errors import check_index, check_indices
from .rng import current, resolve_generator


class Subset(Dataset):
    """The samples of `dataset` at `indices`, in that order: `Subset(ds, [4, 0, 7])[1] is ds[0]`.

    Passes `__getitems__` through when the dataset has it, so a Subset of a
    vectorised dataset is still fetched one batch at a time.
    """

    def __init__(self, dataset: Any, indices: Sequence[int] | np.ndarray) -> None:
        ### BEGIN SOLUTION
        self.dataset = dataset
        self.indices = check_indices(f"Subset of {type(dataset).__name__}", indices, len(dataset))
        ### END SOLUTION

    def __len__(self) -> int:
        ### BEGIN SOLUTION
        return len(self.indices)
        ### END SOLUTION

    def __getitem__(self, index: int) -> Any:
        ### BEGIN SOLUTION
        return self.dataset[int(self.indices[check_index("Subset", index, len(self))])]
        ### END SOLUTION

    def __getattr__(self, name: str) -> Any:
        # `__getitems__` exists on a Subset exactly when its dataset has it
        if name == "__getitems__" and hasattr(self.__dict__.get("dataset"), "__getitems__"):
            return self._getitems
        raise AttributeError(f"{type(self).__name__!r} object has no attribute {name!r}")

    def _getitems(self, indices: Any) -> Any:
        ### BEGIN SOLUTION
        idx = check_indices("Subset", indices, len(self))
        return self.dataset.__getitems__(self.indices[idx])
        ### END SOLUTION


def split_lengths(n: int, lengths: Sequence[float]) -> list[int]:
    """Sizes of the pieces: ints summing to n, or fractions summing to 1 (PyTorch's rule).

    Fractions are floored, then the remaining samples go one each to the
    first pieces, round robin: 10 samples split [0.5, 0.25, 0.25] give 6, 2, 2.
    """
    ### BEGIN SOLUTION
    if not lengths:
        raise ValueError("random_split: lengths is empty")
    if all(isinstance(x, (int, np.integer)) and not isinstance(x, bool) for x in lengths):
        sizes = [int(x) for x in lengths]
        if any(s < 0 for s in sizes):
            raise ValueError(f"random_split: lengths must be non-negative, got {list(lengths)}")
        if sum(sizes) != n:
            raise ValueError(f"random_split: sum of input lengths {sum(sizes)} does not equal "
                             f"the length of the dataset {n}")
        return sizes
    fracs = [float(x) for x in lengths]
    if any(not 0.0 <= f <= 1.0 for f in fracs) or not math.isclose(sum(fracs), 1.0) \
            or sum(fracs) > 1.0 + 1e-12:
        raise ValueError(f"random_split: fractions must be in [0, 1] and sum to 1, got {fracs}")
    sizes = [math.floor(n * f) for f in fracs]
    for i in range(n - sum(sizes)):
        sizes[i % len(sizes)] += 1
    return sizes
    ### END SOLUTION


def random_split(dataset: Any, lengths: Sequence[float],
                 generator: np.random.Generator | None = None,
                 seed: int | None = None) -> list[Subset]:
    """Split `dataset` into non-overlapping random Subsets of the given lengths or fractions.

    `random_split(ds, [0.9, 0.1], seed=0)` gives the same two pieces every
    run. Without `seed` or `generator` it draws from the shared tinytorch
    generator (`manual_seed`). Cost: one permutation of len(dataset) ints.
    """
    ### BEGIN SOLUTION
    n = len(dataset)
    sizes = split_lengths(n, lengths)
    order = current(resolve_generator("random_split", seed, generator)).permutation(n)
    pieces, start = [], 0
    for size in sizes:
        pieces.append(Subset(dataset, order[start:start + size]))
        start += size
    return pieces
    ### END SOLUTION
