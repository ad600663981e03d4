"""Random augmentation of whole batches: RandomCrop and RandomHorizontalFlip.

Showing the network slightly shifted or mirrored copies of its training
images teaches it that a digit moved by two pixels is the same digit: on
4000 MNIST images, shifts of 2 pixels lift LeNet by about a point held out.
The random draws are one vector per batch (an offset or a coin per image),
so the cost is a few NumPy operations per batch, never a loop over images.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view

from .rng import current, resolve_generator
from .transforms import check_nchw, rewrap, unwrap


def _pair(where: str, value: int | Sequence[int], name: str) -> tuple[int, int]:
    """An int or an (h, w) pair of non-negative ints."""
    pair = (value, value) if isinstance(value, (int, np.integer)) else tuple(value)
    if len(pair) != 2 or any(isinstance(v, bool) or not isinstance(v, (int, np.integer))
                             or v < 0 for v in pair):
        raise ValueError(f"{where}: {name} must be a non-negative int or a pair of them, "
                         f"got {value!r}")
    return int(pair[0]), int(pair[1])


def _padding(value: int | Sequence[int]) -> tuple[int, int, int, int]:
    """torchvision's padding: an int, (left/right, top/bottom) or (left, top, right, bottom)."""
    pads = [value] if isinstance(value, (int, np.integer)) else list(value)
    if len(pads) not in (1, 2, 4) or any(
            isinstance(p, bool) or not isinstance(p, (int, np.integer)) or p < 0 for p in pads):
        raise ValueError(f"RandomCrop: padding must be a non-negative int or a sequence of 2 "
                         f"or 4 of them, got {value!r}")
    if len(pads) == 1:
        pads = pads * 4
    elif len(pads) == 2:
        pads = [pads[0], pads[1], pads[0], pads[1]]
    left, top, right, bottom = (int(p) for p in pads)
    return left, top, right, bottom


class RandomCrop:
    """Crop every image of a (N, C, H, W) batch at its own random place, after zero padding.

    `RandomCrop(28, padding=2)` pads 28 x 28 images to 32 x 32 and cuts a
    28 x 28 window at one of 5 x 5 offsets per image: a random shift of up
    to 2 pixels each way. Vectorised: `sliding_window_view` gives every
    window of the padded batch as a view (no copy), and one fancy index picks
    each image's window, so the cost is the padded copy plus the output copy.
    """

    def __init__(self, size: int | Sequence[int], padding: int | Sequence[int] = 0,
                 seed: int | None = None,
                 generator: np.random.Generator | None = None) -> None:
        ### BEGIN SOLUTION
        self.size = _pair("RandomCrop", size, "size")
        if 0 in self.size:
            raise ValueError(f"RandomCrop: size must be positive, got {size!r}")
        self.padding = _padding(padding)
        self.generator = resolve_generator("RandomCrop", seed, generator)
        ### END SOLUTION

    def __call__(self, batch: Any) -> Any:
        ### BEGIN SOLUTION
        array, was_tensor = unwrap(batch)
        check_nchw("RandomCrop", array)
        n, c, h, w = array.shape
        left, top, right, bottom = self.padding
        hp, wp = h + top + bottom, w + left + right
        ch, cw = self.size
        if ch > hp or cw > wp:
            raise ValueError(f"RandomCrop: required crop size {self.size} is larger than the "
                             f"padded input image size {(hp, wp)} (input {(h, w)}, padding "
                             f"{self.padding})")
        if (top, bottom, left, right) != (0, 0, 0, 0):
            padded = np.zeros((n, c, hp, wp), dtype=array.dtype)
            padded[:, :, top:top + h, left:left + w] = array
        else:
            padded = array
        rng = current(self.generator)
        dy = rng.integers(0, hp - ch + 1, size=n)
        dx = rng.integers(0, wp - cw + 1, size=n)
        windows = sliding_window_view(padded, (ch, cw), axis=(2, 3))  # (N, C, oy, ox, ch, cw)
        out = windows[np.arange(n), :, dy, dx]  # (N, C, ch, cw): one window per image
        return rewrap(np.ascontiguousarray(out), was_tensor)
        ### END SOLUTION

    def __repr__(self) -> str:
        return f"RandomCrop(size={self.size}, padding={self.padding})"


class RandomHorizontalFlip:
    """Mirror each image of a (N, C, H, W) batch left-right with probability `p`.

    One coin per image; the flipped images are copied through a reversed
    view (`x[..., ::-1]`). Right for most photos (a cat facing left is still
    a cat), wrong for digits and letters (a mirrored 2 is not a 2).
    """

    def __init__(self, p: float = 0.5, seed: int | None = None,
                 generator: np.random.Generator | None = None) -> None:
        ### BEGIN SOLUTION
        if not 0.0 <= float(p) <= 1.0:
            raise ValueError(f"RandomHorizontalFlip: p must be a probability in [0, 1], got {p}")
        self.p = float(p)
        self.generator = resolve_generator("RandomHorizontalFlip", seed, generator)
        ### END SOLUTION

    def __call__(self, batch: Any) -> Any:
        ### BEGIN SOLUTION
        array, was_tensor = unwrap(batch)
        check_nchw("RandomHorizontalFlip", array)
        flip = current(self.generator).random(array.shape[0]) < self.p
        out = array.copy()
        out[flip] = array[flip][..., ::-1]
        return rewrap(out, was_tensor)
        ### END SOLUTION

    def __repr__(self) -> str:
        return f"RandomHorizontalFlip(p={self.p})"
