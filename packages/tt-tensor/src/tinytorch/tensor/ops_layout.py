"""Layout ops: expand, pad, clone (primitives) and flip, t (built on primitives).

They move or repeat elements, never combine them, so each backward only
routes the gradient back to where an element came from:

- `expand` repeats size-1 dimensions without copying: a view with stride 0
  (`np.broadcast_to`), O(1) time and memory. Its backward sums the gradient
  over the repeats (as broadcasting does). The view is read-only, as in
  PyTorch, where writing into an expanded tensor is an error.
- `pad` surrounds the tensor with a constant border (negative widths crop),
  O(output) time and memory; its backward cuts the border off the gradient.
- `clone` is a copy of the memory (O(n)) that stays in the graph, unlike
  `detach`; its backward passes the gradient through.
- `flip` reverses dimensions with a reversed-slice `getitem` (a view with
  negative strides) followed by `contiguous()`: PyTorch's flip returns a
  fresh copy, and PyTorch tensors never have negative strides.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ._checks import ShapeError, normalize_dim, shape_arg, shape_str
from .dispatch import apply
from .ops_index import getitem
from .ops_shape import contiguous, transpose
from .tensor import Tensor

_PAD_MODES = ("constant", "reflect", "replicate", "circular")


def _check(op: str, a: Any) -> Tensor:
    if not isinstance(a, Tensor):
        raise TypeError(f"{op}: expected a Tensor, got {type(a).__name__}")
    return a


def _expand(x: np.ndarray, shape: tuple[int, ...]) -> np.ndarray:
    return np.broadcast_to(x, shape)


def expand(a: Tensor, *sizes: Any) -> Tensor:
    """`a` repeated along its size-1 dimensions to `sizes`, without copying (a view).

    `expand(a, 4, -1)` on a `(1, 3)` tensor gives `(4, 3)`; -1 keeps a size.
    New dimensions may be added in front (their size cannot be -1). Only
    size-1 dimensions can grow; others must keep their size.
    """
    ### BEGIN SOLUTION
    a = _check("expand", a)
    target = shape_arg("expand", sizes)
    old = a.data.shape
    if len(target) < len(old):
        raise ShapeError(
            f"expand: the number of sizes given ({len(target)}) must be at least the number "
            f"of dimensions of the tensor ({len(old)}), shape {shape_str(old)}"
        )
    lead = len(target) - len(old)
    shape = []
    for i, size in enumerate(target):
        have = old[i - lead] if i >= lead else None
        if size == -1:
            if have is None:
                raise ShapeError(
                    f"expand: -1 is not allowed for the new leading dimension {i} "
                    f"(sizes {target})"
                )
            size = have
        elif size < 0 or (have is not None and have != 1 and have != size):
            raise ShapeError(
                f"expand: the expanded size {size} must match the existing size {have} at "
                f"non-singleton dimension {i}; target sizes {target}, tensor shape "
                f"{shape_str(old)}"
            )
        shape.append(size)
    return apply("expand", _expand, a, shape=tuple(shape))
    ### END SOLUTION


def _pad_widths(pad: Any, shape: tuple[int, ...]) -> tuple[tuple[int, int], ...]:
    """PyTorch's flat pad tuple (last dimension first) as NumPy's ((lo, hi), ...) per dim."""
    if isinstance(pad, (str, bytes)) or not isinstance(pad, (tuple, list)):
        raise TypeError(f"pad: pad must be a tuple of ints, got {type(pad).__name__}")
    widths = shape_arg("pad", tuple(pad))
    if len(widths) % 2:
        raise ValueError(f"pad: the pad tuple {widths} must have an even length (lo, hi pairs)")
    if len(widths) // 2 > len(shape):
        raise ValueError(
            f"pad: the pad tuple {widths} pads {len(widths) // 2} dimensions, the tensor of "
            f"shape {shape_str(shape)} has {len(shape)}"
        )
    pairs = [(0, 0)] * len(shape)
    for k in range(len(widths) // 2):  # pairs start at the last dimension
        pairs[len(shape) - 1 - k] = (widths[2 * k], widths[2 * k + 1])
    for d, (lo, hi) in enumerate(pairs):
        if shape[d] + lo + hi < 0:
            raise ShapeError(
                f"pad: padding ({lo}, {hi}) of dimension {d} (size {shape[d]}) of a tensor of "
                f"shape {shape_str(shape)} leaves a negative size {shape[d] + lo + hi}"
            )
    return tuple(pairs)


def _regions(
    pad: tuple[tuple[int, int], ...], shape: tuple[int, ...]
) -> tuple[tuple[slice, ...], tuple[slice, ...]]:
    """(input region, output region) that `pad` copies; negative widths crop the input."""
    src, dst = [], []
    for n, (lo, hi) in zip(shape, pad, strict=True):
        start = max(-lo, 0)
        kept = max(n - max(-hi, 0) - start, 0)
        src.append(slice(start, start + kept))
        dst.append(slice(max(lo, 0), max(lo, 0) + kept))
    return tuple(src), tuple(dst)


def _pad(
    x: np.ndarray,
    pad: tuple[tuple[int, int], ...],
    value: Any,
    region_in: tuple[slice, ...],
    region_out: tuple[slice, ...],
) -> np.ndarray:
    out_shape = tuple(n + lo + hi for n, (lo, hi) in zip(x.shape, pad, strict=True))
    out = np.full(out_shape, value, dtype=x.dtype)
    out[region_out] = x[region_in]
    return out


def pad(input: Tensor, pad: Any, mode: str = "constant", value: float | None = None) -> Tensor:
    """Surround `input` with `value` (0 by default): PyTorch's `F.pad(input, pad)`.

    `pad` lists (before, after) widths starting from the LAST dimension:
    `(1, 1)` pads the last dimension by one on each side, `(1, 1, 2, 0)` also
    adds two rows on top of the second-to-last. Negative widths crop. Only
    mode "constant" is implemented. Cost: one output-sized allocation and copy.
    """
    ### BEGIN SOLUTION
    input = _check("pad", input)
    if mode != "constant":
        if mode in _PAD_MODES:
            raise NotImplementedError(f"pad: mode {mode!r} is not implemented; use 'constant'")
        raise ValueError(f"pad: unknown mode {mode!r} (PyTorch's modes: {', '.join(_PAD_MODES)})")
    if value is None:
        value = 0
    if isinstance(value, Tensor):
        value = value.item()
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, (int, float, np.number)):
        raise TypeError(f"pad: value must be a number, got {type(value).__name__}")
    widths = _pad_widths(pad, input.data.shape)
    fill = np.array(value).astype(input.data.dtype).item()  # as PyTorch: cast to the dtype
    src, dst = _regions(widths, input.data.shape)
    return apply("pad", _pad, input, pad=widths, value=fill, region_in=src, region_out=dst)
    ### END SOLUTION


def _clone(x: np.ndarray) -> np.ndarray:
    return np.array(x, copy=True, order="K")  # same memory order as x (PyTorch's default)


def clone(input: Tensor) -> Tensor:
    """A copy of `input` with its own memory that stays in the graph (d clone / d x = 1).

    `detach()` shares memory and leaves the graph; `clone()` copies and stays.
    Cost: O(n) time and memory.
    """
    ### BEGIN SOLUTION
    input = _check("clone", input)
    return apply("clone", _clone, input)
    ### END SOLUTION


def flip(input: Tensor, dims: Any) -> Tensor:
    """Reverse the order of the elements along each dimension in `dims` (a copy).

    Built on `getitem` with reversed slices (`x[:, ::-1]`) and `contiguous`,
    so its gradient is flipped back by those two rules.
    """
    ### BEGIN SOLUTION
    input = _check("flip", input)
    given = (dims,) if isinstance(dims, (int, np.integer)) else tuple(dims)
    ndim = input.data.ndim
    norm = [normalize_dim("flip", d, ndim) for d in given]
    if len(set(norm)) != len(norm):
        raise ValueError(f"flip: dims {given} name a dimension more than once")
    if ndim == 0 or not norm:
        return clone(input)
    index = tuple(slice(None, None, -1) if d in norm else slice(None) for d in range(ndim))
    return contiguous(getitem(input, index))
    ### END SOLUTION


def t(input: Tensor) -> Tensor:
    """Transpose of a matrix (a view); a 0-d or 1-D tensor is returned as is.

    As `torch.t`: tensors with more than 2 dimensions are refused (use
    `transpose(dim0, dim1)` or `permute`).
    """
    ### BEGIN SOLUTION
    input = _check("t", input)
    if input.data.ndim < 2:
        return input
    if input.data.ndim > 2:
        raise ShapeError(
            f"t: expects a tensor with at most 2 dimensions, got shape "
            f"{shape_str(input.data.shape)}; use transpose(dim0, dim1) or permute(...)"
        )
    return transpose(input, 0, 1)
    ### END SOLUTION
