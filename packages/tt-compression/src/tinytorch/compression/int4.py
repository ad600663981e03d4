"""pack_int4 / unpack_int4: two 4-bit codes in one byte.

NumPy's smallest integer is one byte, so 4-bit codes held as int8 save
nothing. Packing puts code 2i in the low nibble (bits 0-3) and code 2i+1 in
the high nibble (bits 4-7) of byte i:

    byte = (c[2i] & 0xF) | (c[2i+1] & 0xF) << 4

An odd count gets a zero nibble as padding, which is why `unpack_int4`
needs the count `n` back. Signed codes [-8, 7] are stored in two's
complement (-1 -> 0b1111) and sign-extended on the way out; unsigned codes
[0, 15] come back with `signed=False`. Unpacking looks both codes of each
byte up in a 256-row table (one gather), since a layer unpacks its weight
on every call.

Cost: ceil(n / 2) bytes, exactly 8x smaller than float32; a few integer
passes to pack, and again to unpack each time a layer needs its weights.
"""

from __future__ import annotations

import functools
from typing import Any

import numpy as np

from .qparams import QuantizationError


def pack_int4(codes: Any) -> np.ndarray:
    """Flatten integer `codes` in [-8, 15] and pack them, two per byte: uint8 (ceil(n/2),)."""
    c = np.asarray(codes)
    if c.dtype.kind not in "iu":
        raise QuantizationError(f"pack_int4: codes must be integers, got dtype {c.dtype}")
    c = c.reshape(-1)
    if c.size and (c.min() < -8 or c.max() > 15):
        raise QuantizationError(
            f"pack_int4: codes must lie in [-8, 7] (signed) or [0, 15] (unsigned), got values "
            f"in [{c.min()}, {c.max()}]"
        )
    ### BEGIN SOLUTION
    nibbles = (c.astype(np.int16) & 0xF).astype(np.uint8)  # two's complement low 4 bits
    if nibbles.size % 2:
        nibbles = np.append(nibbles, np.uint8(0))  # pad an odd count
    return nibbles[0::2] | (nibbles[1::2] << 4)  # (ceil(n/2),) uint8
    ### END SOLUTION


def unpack_int4(packed: Any, n: int, signed: bool = True) -> np.ndarray:
    """The first `n` codes of `packed` as int8 (n,): in [-8, 7], or [0, 15] if not `signed`."""
    p = np.asarray(packed)
    if p.dtype != np.uint8:
        raise QuantizationError(f"unpack_int4: packed codes must be uint8, got dtype {p.dtype}")
    p = p.reshape(-1)
    if isinstance(n, bool) or not isinstance(n, (int, np.integer)) or not 0 <= n <= 2 * p.size:
        raise QuantizationError(
            f"unpack_int4: n must be an int in [0, {2 * p.size}] for {p.size} bytes, got {n!r}"
        )
    ### BEGIN SOLUTION
    table = _nibble_table(bool(signed))  # (256, 2): byte -> (low code, high code)
    return table[p].reshape(-1)[:n]  # one gather: (bytes, 2) -> (2 * bytes,) -> (n,)
    ### END SOLUTION


@functools.cache
def _nibble_table(signed: bool) -> np.ndarray:
    """The two codes of every byte value, (256, 2) int8: unpacking becomes a table lookup."""
    ### BEGIN SOLUTION
    byte = np.arange(256)
    codes = np.stack([byte & 0xF, byte >> 4], axis=1)
    if signed:
        codes = np.where(codes > 7, codes - 16, codes)  # sign-extend: 0b1111 -> -1
    return codes.astype(np.int8)
    ### END SOLUTION
