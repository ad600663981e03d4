"""SinusoidalPositionalEncoding: the fixed position vectors of "Attention Is All You Need"."""

from __future__ import annotations

import numpy as np
from tinytorch.tensor import Tensor

from .checks import check_float_dtype
from .positional import PositionalEncoding


class SinusoidalPositionalEncoding(PositionalEncoding):
    """Fixed sine and cosine position vectors (Vaswani et al., 2017).

        pe[pos, 2i]     = sin(pos / 10000^(2i / dim))
        pe[pos, 2i + 1] = cos(pos / 10000^(2i / dim))

    Each pair of columns is a clock turning at its own speed, from one turn
    every 2*pi positions (i = 0) to one every 2*pi*10000 (the last pair): the
    fast ones tell neighbours apart, the slow ones far-away positions. For any
    offset k, pe[pos + k] is a fixed rotation of pe[pos] (the same for every
    pos), so attention can learn relative positions from dot products. An odd
    `dim` ends with a sine column.

    Nothing is learned: the table is a buffer (`self.pe`, (max_len, dim)),
    not a Parameter, so no optimizer touches it. It is not saved by
    `state_dict` either (`persistent=False`): it is a fixed function of
    max_len and dim, rebuilt on construction. Cost: max_len*dim numbers,
    computed once; a call slices it (a view) and adds.
    """

    def __init__(self, max_len: int, dim: int, dtype: np.dtype | type | str | None = None
                 ) -> None:
        super().__init__(max_len, dim)
        dt = check_float_dtype(type(self).__name__, dtype)
        ### BEGIN SOLUTION
        position = np.arange(self.max_len, dtype=np.float64)[:, None]  # (max_len, 1)
        column = np.arange(self.dim)  # (dim,)
        frequency = 10000.0 ** (-(column - column % 2) / self.dim)  # (dim,) 2i / dim per pair
        angle = position * frequency  # (max_len, dim)
        pe = np.where(column % 2 == 0, np.sin(angle), np.cos(angle)).astype(dt)
        self.register_buffer("pe", Tensor(pe), persistent=False)
        ### END SOLUTION

    def table(self, length: int, offset: int = 0) -> Tensor:
        """Rows offset .. offset + length - 1 of `pe`: (length, dim), no gradient."""
        ### BEGIN SOLUTION
        return self.pe[offset:offset + length]
        ### END SOLUTION
