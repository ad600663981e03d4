"""Geometry of a sliding window: argument checks and output sizes.

Convolution and pooling slide a window of `kernel` cells over the (padded)
image in steps of `stride`; `dilation` spreads the window's cells apart.
Along one axis of size `n`, padded by `p_lo + p_hi`, the window covers
`dilation * (kernel - 1) + 1` cells (its effective size `e`) and fits at

    out = (n + p_lo + p_hi - e) // stride + 1

positions (PyTorch's formula, rounding down). This file turns PyTorch-style
arguments (an int or a pair, `padding='same'|'valid'`) into that geometry,
once, before any work is done, so bad input fails with a message that names
the op, the argument and the shapes instead of a NumPy traceback. The loop
and the vectorised versions share it, so they agree on every edge case.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
from tinytorch.tensor import DTypeError, ShapeError, Tensor


def pair(op: str, name: str, value: Any, minimum: int) -> tuple[int, int]:
    """`value` as (height, width): an int means both; each must be >= `minimum`."""
    items = tuple(value) if isinstance(value, (tuple, list)) else (value, value)
    if len(items) != 2 or not all(
        isinstance(v, (int, np.integer)) and not isinstance(v, bool) for v in items
    ):
        raise TypeError(f"{op}: {name} must be an int or a pair of ints, got {value!r}")
    if any(v < minimum for v in items):
        raise ValueError(f"{op}: {name} must be >= {minimum}, got {value!r}")
    return int(items[0]), int(items[1])


def effective(kernel: int, dilation: int) -> int:
    """Cells a dilated kernel spans: dilation * (kernel - 1) + 1."""
    return dilation * (kernel - 1) + 1


def out_size(n: int, pad_lo: int, pad_hi: int, kernel: int, stride: int, dilation: int) -> int:
    """Window positions along one axis (may be <= 0: the callers raise)."""
    return (n + pad_lo + pad_hi - effective(kernel, dilation)) // stride + 1


@dataclass(frozen=True)
class Window:
    """Where a kernel goes over an (N, C, H, W) input.

    `padding` is (top, bottom, left, right): 'same' with an even dilated kernel
    pads one more cell at the bottom and right, as PyTorch does.
    """

    kernel: tuple[int, int]
    stride: tuple[int, int]
    padding: tuple[int, int, int, int]
    dilation: tuple[int, int]
    out: tuple[int, int]

    def slices(self, i: int, j: int) -> tuple[slice, slice]:
        """The strided (rows, cols) of the padded input that kernel cell (i, j) sees.

        Output (y, x) reads padded input (y * sh + i * dh, x * sw + j * dw), so
        one kernel cell meets the whole output grid through one strided slice.
        """
        (sh, sw), (dh, dw), (oh, ow) = self.stride, self.dilation, self.out
        return (slice(i * dh, i * dh + sh * (oh - 1) + 1, sh),
                slice(j * dw, j * dw + sw * (ow - 1) + 1, sw))

    def padded_shape(self, h: int, w: int) -> tuple[int, int]:
        """(H + top + bottom, W + left + right)."""
        top, bottom, left, right = self.padding
        return h + top + bottom, w + left + right


def check_image(op: str, x: Any, what: str = "input") -> Tensor:
    """A floating point Tensor of shape (N, C, H, W) or unbatched (C, H, W)."""
    if not isinstance(x, Tensor):
        raise TypeError(f"{op}: expected a Tensor {what}, got {type(x).__name__}")
    if x.ndim not in (3, 4):
        raise ShapeError(
            f"{op}: expected a 4-D input (N, C, H, W) or a 3-D unbatched one (C, H, W), "
            f"got shape {tuple(x.shape)}"
        )
    if x.dtype.kind != "f":
        raise DTypeError(f"{op}: expected a floating point {what}, got dtype {x.dtype}")
    return x


def _resolve_padding(
    op: str, padding: Any, kernel: tuple[int, int], stride: tuple[int, int],
    dilation: tuple[int, int],
) -> tuple[int, int, int, int]:
    if isinstance(padding, str):
        if padding == "valid":
            return 0, 0, 0, 0
        if padding != "same":
            raise ValueError(f"{op}: padding must be 'same', 'valid', an int or a pair, "
                             f"got {padding!r}")
        if stride != (1, 1):
            raise ValueError(f"{op}: padding='same' is not supported for strided "
                             f"convolutions (stride={stride})")
        pads = []
        for k, d in zip(kernel, dilation, strict=True):
            total = d * (k - 1)
            pads += [total // 2, total - total // 2]
        return pads[0], pads[1], pads[2], pads[3]
    ph, pw = pair(op, "padding", padding, 0)
    return ph, ph, pw, pw


def window(
    op: str, hw: tuple[int, int], kernel_size: Any, stride: Any, padding: Any,
    dilation: Any = 1,
) -> Window:
    """Check the arguments against an input of spatial size `hw`; the geometry.

    Raises ShapeError when the dilated kernel is larger than the padded input:
    then no output position is left (output size <= 0).
    """
    kernel = pair(op, "kernel_size", kernel_size, 1)
    strides = kernel if stride is None else pair(op, "stride", stride, 1)
    dil = pair(op, "dilation", dilation, 1)
    pads = _resolve_padding(op, padding, kernel, strides, dil)
    h, w = hw
    hp, wp = h + pads[0] + pads[1], w + pads[2] + pads[3]
    eh, ew = effective(kernel[0], dil[0]), effective(kernel[1], dil[1])
    out = (out_size(h, pads[0], pads[1], kernel[0], strides[0], dil[0]),
           out_size(w, pads[2], pads[3], kernel[1], strides[1], dil[1]))
    if eh > hp or ew > wp:  # then out <= 0 along that axis
        spread = f" (dilated to {eh}x{ew})" if dil != (1, 1) else ""
        raise ShapeError(
            f"{op}: kernel size {kernel[0]}x{kernel[1]}{spread} is larger than the padded "
            f"input {hp}x{wp} (input {h}x{w}, padding {pads}): the output size would be "
            f"{out[0]}x{out[1]}, and it must be at least 1x1"
        )
    return Window(kernel, strides, pads, dil, out)
