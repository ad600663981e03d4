"""Joining and splitting: cat (a primitive), stack, split, chunk (built on primitives).

- `cat` glues tensors end to end along an existing dimension: one output
  allocation and one copy of every input, O(total size). Its backward cuts
  the gradient back into the inputs' pieces.
- `stack` adds a new dimension first (`unsqueeze`, a view) and then cats.
- `split` and `chunk` are `getitem` with slices: views, O(1) each, whose
  gradients land in the right part of the input.

PyTorch's dtype rule for cat: a float tensor meeting integer ones makes the
result float (the integers are converted); float32 with float64 gives float64.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import numpy as np

from ._checks import ShapeError, normalize_dim, shape_arg, shape_str
from .dispatch import apply
from .ops_index import getitem
from .ops_shape import unsqueeze
from .tensor import Tensor


def _tensors(op: str, tensors: Any) -> list[Tensor]:
    if isinstance(tensors, Tensor) or not isinstance(tensors, Sequence):
        raise TypeError(
            f"{op}: expected a list or tuple of Tensors, got {type(tensors).__name__}"
        )
    if not tensors:
        raise ValueError(f"{op}: expected a non-empty list of Tensors")
    for i, t in enumerate(tensors):
        if not isinstance(t, Tensor):
            raise TypeError(f"{op}: element {i} is a {type(t).__name__}, not a Tensor")
    return list(tensors)


def _common_kind(tensors: list[Tensor]) -> list[Tensor]:
    """Integer/bool tensors meeting floating ones become floating (PyTorch's promotion)."""
    floats = [t.data.dtype for t in tensors if t.data.dtype.kind == "f"]
    if not floats or len(floats) == len(tensors):
        return tensors  # NumPy's promotion is PyTorch's among floats or among integers
    target = np.result_type(*floats)
    return [t if t.data.dtype.kind == "f" else Tensor._wrap(t.data.astype(target)) for t in tensors]


def _cat(*arrays: np.ndarray, dim: int) -> np.ndarray:
    return np.concatenate(arrays, axis=dim)


def cat(tensors: Sequence[Tensor], dim: int = 0) -> Tensor:
    """Concatenate `tensors` along the existing dimension `dim`.

    All shapes must match except along `dim`: `(2, 3)` and `(4, 3)` along
    dim 0 give `(6, 3)`.
    """
    ### BEGIN SOLUTION
    tensors = _tensors("cat", tensors)
    first = tensors[0].data.shape
    if not first:
        raise ShapeError("cat: tensor 0 is 0-d; zero-dimensional tensors cannot be concatenated")
    d = normalize_dim("cat", dim, len(first))
    for i, t in enumerate(tensors[1:], start=1):
        shape = t.data.shape
        if len(shape) != len(first):
            raise ShapeError(
                f"cat: tensors 0 and {i} have shapes {shape_str(first)} and {shape_str(shape)}; "
                f"they must have the same number of dimensions"
            )
        if any(a != b for k, (a, b) in enumerate(zip(first, shape, strict=True)) if k != d):
            raise ShapeError(
                f"cat: tensors 0 and {i} have shapes {shape_str(first)} and {shape_str(shape)}; "
                f"all dimensions except dim {d} must match"
            )
    return apply("cat", _cat, *_common_kind(tensors), dim=d)
    ### END SOLUTION


def stack(tensors: Sequence[Tensor], dim: int = 0) -> Tensor:
    """Join equally shaped tensors along a NEW dimension `dim`: n of `(2, 3)` -> `(n, 2, 3)`."""
    ### BEGIN SOLUTION
    tensors = _tensors("stack", tensors)
    first = tensors[0].data.shape
    for i, t in enumerate(tensors[1:], start=1):
        if t.data.shape != first:
            raise ShapeError(
                f"stack: expects tensors of equal shape, got {shape_str(first)} at entry 0 "
                f"and {shape_str(t.data.shape)} at entry {i}"
            )
    d = normalize_dim("stack", dim, len(first) + 1)
    return cat([unsqueeze(t, d) for t in tensors], dim=d)
    ### END SOLUTION


def _pieces(input: Tensor, d: int, sizes: list[int]) -> tuple[Tensor, ...]:
    """Consecutive slices of `input` along dimension `d` with the given sizes (views)."""
    out, start = [], 0
    lead = (slice(None),) * d
    for n in sizes:
        out.append(getitem(input, (*lead, slice(start, start + n))))
        start += n
    return tuple(out)


def split(tensor: Tensor, split_size_or_sections: Any, dim: int = 0) -> tuple[Tensor, ...]:
    """Cut `tensor` along `dim` into pieces (views).

    An int gives pieces of that size (the last may be smaller); a list gives
    the size of each piece, which must add up to the size of `dim`.
    """
    ### BEGIN SOLUTION
    if not isinstance(tensor, Tensor):
        raise TypeError(f"split: expected a Tensor, got {type(tensor).__name__}")
    shape = tensor.data.shape
    if not shape:
        raise ShapeError("split: a 0-d tensor has no dimension to split")
    d = normalize_dim("split", dim, len(shape))
    n = shape[d]
    arg = split_size_or_sections
    if isinstance(arg, (int, np.integer)) and not isinstance(arg, bool):
        size = int(arg)
        if size < 0 or (size == 0 and n > 0):
            raise ValueError(f"split: split_size must be positive, got {size}")
        sizes = [min(size, n - s) for s in range(0, n, size)] if n else [0]
    elif isinstance(arg, (list, tuple)):
        sizes = list(shape_arg("split", tuple(arg)))
        if any(s < 0 for s in sizes):
            raise ValueError(f"split: section sizes must be non-negative, got {sizes}")
        if sum(sizes) != n:
            raise ShapeError(
                f"split: sections {sizes} add up to {sum(sizes)}, but dim {d} of the tensor of "
                f"shape {shape_str(shape)} has size {n}"
            )
    else:
        raise TypeError(
            f"split: split_size_or_sections must be an int or a list of ints, got "
            f"{type(arg).__name__}"
        )
    return _pieces(tensor, d, sizes)
    ### END SOLUTION


def chunk(input: Tensor, chunks: int, dim: int = 0) -> tuple[Tensor, ...]:
    """Cut `input` along `dim` into at most `chunks` pieces of ceil(size / chunks) (views).

    As in PyTorch, fewer pieces may come back: 5 rows in 4 chunks are 2, 2, 1.
    """
    ### BEGIN SOLUTION
    if not isinstance(input, Tensor):
        raise TypeError(f"chunk: expected a Tensor, got {type(input).__name__}")
    if isinstance(chunks, bool) or not isinstance(chunks, (int, np.integer)) or chunks < 1:
        raise ValueError(f"chunk: chunks must be a positive int, got {chunks!r}")
    shape = input.data.shape
    if not shape:
        raise ShapeError("chunk: a 0-d tensor has no dimension to split")
    d = normalize_dim("chunk", dim, len(shape))
    n = shape[d]
    if n == 0:  # PyTorch gives `chunks` empty pieces
        return _pieces(input, d, [0] * int(chunks))
    return split(input, math.ceil(n / int(chunks)), d)
    ### END SOLUTION
