"""LearnedPositionalEmbedding: one trained vector per position, as in GPT."""

from __future__ import annotations

import numpy as np
from tinytorch.layers import Parameter, init
from tinytorch.tensor import Tensor

from .checks import check_float_dtype
from .positional import PositionalEncoding


class LearnedPositionalEmbedding(PositionalEncoding):
    """A learned vector per position, `weight` (max_len, dim), as GPT-1 and GPT-2 use.

    The same thing as an `Embedding(max_len, dim)` looked up with the ids
    0 .. T-1 (GPT's `wpe(arange(T))`, the same `weight` shape, so its
    state_dict loads), but read as a slice of the table: a view forward, and
    a backward that writes the gradient into the first T rows, with no
    repeated ids to add up. Initialised like `nn.Embedding`, N(0, 1) from the
    shared generator (GPT models usually re-initialise it smaller).

    Unlike sinusoids, the model learns what position means, but nothing is
    learned for positions it never saw in training: a learned table cannot
    go beyond max_len. Parameters: max_len * dim.
    """

    def __init__(self, max_len: int, dim: int, dtype: np.dtype | type | str | None = None
                 ) -> None:
        super().__init__(max_len, dim)
        dt = check_float_dtype(type(self).__name__, dtype)
        ### BEGIN SOLUTION
        self.weight = Parameter(np.zeros((self.max_len, self.dim), dtype=dt))
        self.reset_parameters()
        ### END SOLUTION

    def reset_parameters(self) -> None:
        """Draw fresh position vectors from N(0, 1)."""
        ### BEGIN SOLUTION
        init.normal_(self.weight, 0.0, 1.0)
        ### END SOLUTION

    def table(self, length: int, offset: int = 0) -> Tensor:
        """Rows offset .. offset + length - 1 of `weight`: (length, dim), differentiable."""
        ### BEGIN SOLUTION
        return self.weight[offset:offset + length]
        ### END SOLUTION
