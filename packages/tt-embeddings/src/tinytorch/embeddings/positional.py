"""What both positional encodings share: a (max_len, dim) table, read for T positions.

Attention (module 15) treats its input as a SET: shuffle the tokens and
every output is shuffled the same way, nothing else changes. Word order
reaches the model only if each token's vector also says where it is: a
positional encoding adds a vector that depends on the position alone to the
token's embedding. A table of `max_len` positions limits the context length,
so a longer sequence is a named error, not a silent wrong answer.

Called with an int T, an encoding returns its table for positions
offset .. offset + T - 1, shape (T, dim); called with token embeddings
(..., T, dim), it returns them plus that table (broadcast over the batch).
`offset` is where the positions start: 0 for a whole sequence, the number
of tokens already processed when generating one token at a time.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from tinytorch.layers import Module
from tinytorch.tensor import DTypeError, ShapeError, Tensor

from .checks import check_count


class PositionalEncoding(Module):
    """Base of `SinusoidalPositionalEncoding` and `LearnedPositionalEmbedding`.

    Subclasses set up their table in `__init__` and define `table(length,
    offset)`; `forward` checks the input and the length and adds.
    """

    def __init__(self, max_len: int, dim: int) -> None:
        super().__init__()
        op = type(self).__name__
        self.max_len = check_count(op, "max_len", max_len)
        self.dim = check_count(op, "dim", dim)

    def table(self, length: int, offset: int = 0) -> Tensor:
        """The encodings of positions offset .. offset + length - 1: (length, dim)."""
        raise NotImplementedError(f"{type(self).__name__} must define table(length, offset)")

    def _length(self, x: Any) -> int:
        """T from an int or from embeddings of shape (..., T, dim), or a named error."""
        if isinstance(x, (int, np.integer)) and not isinstance(x, bool):
            if x < 0:
                raise ValueError(f"{self!r}: sequence length must be >= 0, got {x}")
            return int(x)
        if not isinstance(x, Tensor):
            raise TypeError(f"{self!r}: expected a sequence length (int) or embeddings "
                            f"(..., T, {self.dim}), got {type(x).__name__}")
        if x.data.dtype.kind != "f":
            raise DTypeError(
                f"{self!r}: got an integer tensor of shape {tuple(x.shape)}; pass the token "
                f"embeddings (..., T, {self.dim}) to add to, or a length T (token ids go "
                "through an Embedding first)"
            )
        if x.ndim < 2 or x.shape[-1] != self.dim:
            raise ShapeError(f"{self!r}: input of shape {tuple(x.shape)} is not "
                             f"(..., T, dim={self.dim})")
        return int(x.shape[-2])

    def forward(self, x: Tensor | int, offset: int = 0) -> Tensor:
        """(..., T, dim) -> x + table(T, offset); an int T -> table(T, offset), (T, dim)."""
        length = self._length(x)
        if isinstance(offset, bool) or not isinstance(offset, (int, np.integer)) or offset < 0:
            raise ValueError(f"{self!r}: offset must be an int >= 0, got {offset!r}")
        if offset + length > self.max_len:
            where = f" starting at position {offset}" if offset else ""
            raise ShapeError(
                f"{self!r}: a sequence of length {length}{where} needs positions up to "
                f"{offset + length - 1}, but max_len={self.max_len} positions are encoded "
                "(crop the sequence or build the encoding with a larger max_len)"
            )
        ### BEGIN SOLUTION
        positions = self.table(length, int(offset))  # (T, dim)
        return positions if not isinstance(x, Tensor) else x + positions
        ### END SOLUTION

    def extra_repr(self) -> str:
        return f"max_len={self.max_len}, dim={self.dim}"
