"""QuantParams: the numbers that turn floats into small integers and back.

Affine quantisation maps a real value x to an integer code q:

    q = clip(round(x / scale) + zero_point, qmin, qmax)        # quantize
    x' = (q - zero_point) * scale                               # dequantize

`scale` is the step between two neighbouring codes; `zero_point` is the
code that stands for 0.0 (0 for symmetric quantisation). Inside the
clipping range [(qmin - zp) * scale, (qmax - zp) * scale] rounding moves a
value by at most half a step, so |x - x'| <= scale / 2: the error bound
every test here checks, element by element.

Codes are always stored as int8, whatever the bit width: 8 bits use
[-128, 127] and 4 bits [-8, 7] (two 4-bit codes per byte only on disk and
in a layer, see int4.py). One scale per tensor ("per-tensor", axis None) or
one per slice along `axis` ("per-channel": one per output channel of a
weight, so a channel of small weights is not rounded with the step of the
largest one).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


class QuantizationError(ValueError):
    """A bad argument or input to quantisation: names the function and the value."""


BITS = (4, 8)


def code_range(bits: int) -> tuple[int, int]:
    """(qmin, qmax) of signed `bits`-bit codes: (-128, 127) for 8, (-8, 7) for 4."""
    if isinstance(bits, bool) or bits not in BITS:
        raise QuantizationError(f"quantization: bits must be 4 or 8, got {bits!r}")
    return -(2 ** (bits - 1)), 2 ** (bits - 1) - 1


def check_axis(op: str, axis: int | None, ndim: int) -> int | None:
    """`axis` as a non-negative int (or None), or a QuantizationError naming `op`."""
    if axis is None:
        return None
    if isinstance(axis, bool) or not isinstance(axis, (int, np.integer)):
        raise QuantizationError(f"{op}: axis must be an int or None, got {axis!r}")
    if not -ndim <= axis < ndim:
        raise QuantizationError(
            f"{op}: axis {axis} is out of range for an array of {ndim} dimension(s)"
        )
    return int(axis) % ndim


@dataclass
class QuantParams:
    """How a tensor (or each channel of it) is quantised.

    scale: float32, shape () per-tensor or (C,) per-channel; always > 0.
    zero_point: int32, the same shape; the code of 0.0 (0 when symmetric).
    bits: 8 or 4. symmetric: zero_point is 0 and the range is +-max|x|.
    axis: None (per-tensor) or the channel axis the scales run along.
    qmin, qmax: the code range, (-128, 127) or (-8, 7).

    Cost: two small arrays; per-channel adds one float and one int per
    channel, nothing next to the weights they describe.
    """

    scale: np.ndarray
    zero_point: np.ndarray
    bits: int = 8
    symmetric: bool = True
    axis: int | None = None
    qmin: int = -128
    qmax: int = 127

    def broadcast_shape(self, ndim: int) -> tuple[int, ...]:
        """The shape `scale` takes to broadcast over an `ndim`-D tensor: (1, C, 1, 1)."""
        if self.axis is None:
            return ()
        shape = [1] * ndim
        shape[self.axis] = self.scale.size
        return tuple(shape)

    def check_shape(self, op: str, shape: tuple[int, ...]) -> None:
        """A QuantizationError unless a tensor of `shape` fits these parameters."""
        if self.axis is None:
            return
        if self.axis >= len(shape) or shape[self.axis] != self.scale.size:
            raise QuantizationError(
                f"{op}: parameters for {self.scale.size} channels along axis {self.axis} "
                f"do not fit an array of shape {tuple(shape)}"
            )
