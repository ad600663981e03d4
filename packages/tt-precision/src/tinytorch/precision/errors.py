"""The named error of this module: a number format it cannot emulate."""

from __future__ import annotations

from tinytorch.tensor import DTypeError


class UnsupportedDTypeError(DTypeError):
    """A storage dtype that tinytorch.precision cannot emulate in NumPy.

    NumPy has float16 (IEEE half) but no bfloat16, float8 or TF32. This module
    emulates bfloat16 by rounding float32 (see `bfloat16.py`); any other
    format (`"float8_e4m3"`, an integer or complex dtype, a typo) is refused
    with this error, which names the dtype and the formats that are supported.
    It is a `DTypeError` (so a `TypeError` and a `RuntimeError` too).
    """
