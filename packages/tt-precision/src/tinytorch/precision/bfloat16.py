"""bfloat16 emulated in NumPy: float32 rounded to its top 16 bits.

bfloat16 ("brain float", Google 2018) keeps float32's sign and 8-bit
exponent and cuts the mantissa from 23 bits to 7:

    float32   s eeeeeeee mmmmmmmmmmmmmmmmmmmmmmm   (1 + 8 + 23 bits)
    bfloat16  s eeeeeeee mmmmmmm                   (1 + 8 + 7 bits)

So it has float32's range (up to 3.4e38: no overflow where float32 has
none, which is why bf16 training needs no loss scaling) and about 2-3
significant decimal digits (a spacing of 2**-7 = 0.0078 just above 1).
float16 is the other trade: 5 exponent bits and 10 mantissa bits, so finer
steps (2**-10 above 1) but a range of only 6.1e-5 .. 65504 for normal numbers.

NumPy has no bfloat16 dtype, so this module stores a bfloat16 number as its
16-bit pattern, a **uint16 code** (2 bytes, what the hardware stores):
`to_bfloat16(x)` gives the codes, `from_bfloat16(codes)` the float32 values
(the code shifted into the top half of a float32, the low 16 bits zero), and
`round_bfloat16(x)` both at once: float32 values that bfloat16 can hold.

Rounding is to the nearest bfloat16, ties to the even code, as PyTorch and
the hardware do: add 0x7FFF plus the lowest kept bit to the float32 pattern,
then drop the low 16 bits. Infinities stay infinities; a float32 that rounds
past the largest bfloat16 becomes inf; every NaN becomes the quiet NaN 0x7FC0
(PyTorch's choice: the rounding add could otherwise carry a NaN into inf).

Cost: a few integer passes over the array (about a float32 copy's time
each); memory: 2 bytes a number for the codes.
"""

from __future__ import annotations

from typing import Any

import numpy as np

QUIET_NAN = np.uint16(0x7FC0)  # the code every NaN becomes, as in PyTorch


def _float32(x: Any, op: str) -> np.ndarray:
    """`x` (a Tensor, an array or numbers) as a float32 array; integers and floats only."""
    a = np.asarray(getattr(x, "data", x))
    if a.dtype.kind not in "biuf":
        from .errors import UnsupportedDTypeError

        raise UnsupportedDTypeError(f"{op}: expected real numbers, got dtype {a.dtype}")
    return a.astype(np.float32, copy=False)


def to_bfloat16(x: Any) -> np.ndarray:
    """The bfloat16 codes (uint16, same shape) of `x`, rounded to nearest, ties to even.

    float64 input is first rounded to float32 (as `torch.tensor(x,
    dtype=torch.bfloat16)` would from a float32 tensor).
    """
    a = _float32(x, "to_bfloat16")
    ### BEGIN SOLUTION
    flat = a.reshape(-1)  # 1-d: uint32 arrays wrap silently, 0-d scalars would warn
    bits = flat.view(np.uint32)
    lowest_kept = (bits >> 16) & 1
    rounded = ((bits + (0x7FFF + lowest_kept)) >> 16).astype(np.uint16)  # wraps only for NaN
    return np.where(np.isnan(flat), QUIET_NAN, rounded).reshape(a.shape)
    ### END SOLUTION


def from_bfloat16(codes: Any) -> np.ndarray:
    """float32 values of bfloat16 codes (uint16): the code in the top 16 bits, zeros below."""
    c = np.asarray(codes)
    if c.dtype != np.uint16:
        from .errors import UnsupportedDTypeError

        raise UnsupportedDTypeError(
            f"from_bfloat16: bfloat16 codes are uint16, got dtype {c.dtype} "
            "(use to_bfloat16 to make them)"
        )
    ### BEGIN SOLUTION
    return (c.reshape(-1).astype(np.uint32) << 16).view(np.float32).reshape(c.shape)
    ### END SOLUTION


def round_bfloat16(x: Any) -> np.ndarray:
    """`x` rounded to the nearest bfloat16, as float32 values (the low 16 bits zero)."""
    ### BEGIN SOLUTION
    return from_bfloat16(to_bfloat16(x))
    ### END SOLUTION
