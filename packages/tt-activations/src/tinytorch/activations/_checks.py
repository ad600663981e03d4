"""Input helpers shared by the activations (private: not part of the API)."""

from __future__ import annotations

from typing import Any

import numpy as np
from tinytorch.tensor import Tensor


def as_tensor(x: Any, op: str) -> Tensor:
    """`x` itself if it is a Tensor, else a new float32 Tensor of it (arrays, lists, numbers)."""
    if isinstance(x, Tensor):
        return x
    arr = np.asarray(x)
    if arr.dtype.kind not in "biuf":
        raise TypeError(
            f"{op}: expected a Tensor of numbers, got {type(x).__name__} of dtype {arr.dtype}"
        )
    return Tensor(arr.astype(arr.dtype if arr.dtype.kind == "f" else np.float32))


def normalize_dim(dim: int, ndim: int, shape: tuple[int, ...], op: str) -> int:
    """`dim` as a non-negative axis, or an IndexError naming the op, the dim and the shape."""
    if not isinstance(dim, (int, np.integer)) or isinstance(dim, bool):
        raise TypeError(f"{op}: dim must be an int, got {dim!r}")
    if ndim == 0:
        raise ValueError(f"{op}: needs a tensor with at least one dimension, got shape ()")
    if not -ndim <= dim < ndim:
        raise IndexError(
            f"{op}: dim {dim} is out of range for a tensor of shape {tuple(shape)} "
            f"(expected a dim in [{-ndim}, {ndim - 1}])"
        )
    return int(dim) % ndim
