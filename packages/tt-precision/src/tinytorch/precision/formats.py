"""Storage formats: how a half-precision array is kept, and how it is read back.

Mixed precision keeps numbers in a short format and computes in float32.
A `StorageFormat` says, for one dtype name:

- `store(a)`: the array kept in memory (float16: a float16 array; bfloat16:
  uint16 codes, see `bfloat16.py`; float32/float64: the array itself);
- `load(stored)`: those numbers as an array of the compute dtype
  (`compute`: float32 for the half formats);
- `round(a)`: the array that flows to the next layer, holding only values
  the format can represent. For float16 that is a float16 array (2 bytes a
  number: real savings everywhere downstream). NumPy has no bfloat16 dtype,
  so for bfloat16 it is a float32 array whose low 16 bits are zero: the
  numbers are exactly bfloat16's, the bytes are float32's. Only what this
  module stores itself (`store`: saved activations and weight copies) is 2
  bytes a number under bfloat16.

`float32` and `float64` are formats too, the identity: the mixed layers then
compute exactly in that dtype, which is how their backward rules are checked
against finite differences in float64.

Any other dtype (float8, TF32, an integer type, a typo) raises
`UnsupportedDTypeError`: it cannot be emulated here.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from .bfloat16 import from_bfloat16, round_bfloat16, to_bfloat16
from .errors import UnsupportedDTypeError

HALF = ("float16", "bfloat16")
SUPPORTED = ("float16", "bfloat16", "float32", "float64")
_ALIASES = {"half": "float16", "fp16": "float16", "bf16": "bfloat16", "float": "float32",
            "fp32": "float32", "single": "float32", "double": "float64", "fp64": "float64"}


@dataclass(frozen=True)
class StorageFormat:
    """One number format: its `name`, the dtype arrays flow in, and the compute dtype."""

    name: str

    @property
    def is_half(self) -> bool:
        """True for float16 and bfloat16 (2 bytes a number)."""
        return self.name in HALF

    @property
    def compute(self) -> np.dtype:
        """The dtype products are computed in: float32 for half formats, else the format's."""
        return np.dtype(np.float32 if self.is_half else self.name)

    @property
    def flow(self) -> np.dtype:
        """The dtype of the arrays passed between layers (bfloat16 flows as float32)."""
        return np.dtype(np.float16 if self.name == "float16" else self.compute)

    @property
    def itemsize(self) -> int:
        """Bytes a stored number takes."""
        return 2 if self.is_half else self.compute.itemsize

    def store(self, a: np.ndarray) -> np.ndarray:
        """The array kept in memory for `a` (no copy when it is already stored that way)."""
        ### BEGIN SOLUTION
        if self.name == "bfloat16":
            return to_bfloat16(a)
        with np.errstate(over="ignore"):  # beyond float16's range: inf, as the hardware
            return np.asarray(a).astype(self.flow, copy=False)
        ### END SOLUTION

    def load(self, stored: np.ndarray) -> np.ndarray:
        """The numbers of `store`'s result, as an array of the compute dtype."""
        ### BEGIN SOLUTION
        if self.name == "bfloat16":
            return from_bfloat16(stored)
        return stored.astype(self.compute, copy=False)
        ### END SOLUTION

    def round(self, a: np.ndarray) -> np.ndarray:
        """`a` rounded to the format, as the array that flows on (dtype `flow`)."""
        ### BEGIN SOLUTION
        if self.name == "bfloat16":
            return round_bfloat16(a)
        with np.errstate(over="ignore"):  # beyond float16's range: inf, as the hardware
            return np.asarray(a).astype(self.flow, copy=False)
        ### END SOLUTION


def storage_format(dtype: Any) -> StorageFormat:
    """The format of `dtype`: "float16"/np.float16/"half", "bfloat16"/"bf16", float32, float64.

    Raises UnsupportedDTypeError, naming the dtype, for anything else.
    """
    if isinstance(dtype, StorageFormat):
        return dtype
    if dtype is None or isinstance(dtype, bool):
        raise UnsupportedDTypeError(f"tinytorch.precision: expected a dtype, got {dtype!r}; "
                                    f"supported: {', '.join(SUPPORTED)}")
    name = dtype.lower() if isinstance(dtype, str) else None
    if name is None:
        try:
            name = np.dtype(dtype).name
        except TypeError:
            name = getattr(dtype, "__name__", repr(dtype))
    name = _ALIASES.get(name, name)
    if name not in SUPPORTED:
        raise UnsupportedDTypeError(
            f"tinytorch.precision: cannot emulate dtype {dtype!r} in NumPy; supported: "
            f"{', '.join(SUPPORTED)} (bfloat16 is emulated by rounding float32)"
        )
    return StorageFormat(name)
