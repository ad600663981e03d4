"""Embedding: the layer that owns a table of learned vectors, one per id."""

from __future__ import annotations

import numpy as np
from tinytorch.layers import Module, Parameter, init
from tinytorch.tensor import Tensor

from .checks import check_count, check_float_dtype, check_padding_idx
from .functional import embedding


class Embedding(Module):
    """A lookup table of `num_embeddings` learned vectors, PyTorch's `nn.Embedding`.

    `weight` has shape (num_embeddings, embedding_dim): row i is the vector
    of id i (a character, a BPE token, a position). Calling the layer on an
    integer Tensor of ids, of any shape such as (B, T), returns (B, T, D).

    Initialisation is PyTorch's: every entry from N(0, 1), drawn from
    `tinytorch.tensor.default_generator()` (so `manual_seed` fixes it). With
    `padding_idx`, that row starts at zero and its gradient is always zero,
    so the padding token of batched sequences stays the zero vector (unless
    you overwrite it yourself).

    Parameters: num_embeddings * embedding_dim, often most of a small
    language model's (GPT-2's 50257 x 768 table is 38.6 million). Cost per
    call: N*D copies forward; backward a zero gradient of the whole table
    and N*D adds (see `embedding`).
    """

    def __init__(
        self,
        num_embeddings: int,
        embedding_dim: int,
        padding_idx: int | None = None,
        dtype: np.dtype | type | str | None = None,
    ) -> None:
        super().__init__()
        self.num_embeddings = check_count("Embedding", "num_embeddings", num_embeddings)
        self.embedding_dim = check_count("Embedding", "embedding_dim", embedding_dim)
        self.padding_idx = check_padding_idx("Embedding", padding_idx, self.num_embeddings)
        dt = check_float_dtype("Embedding", dtype)
        ### BEGIN SOLUTION
        self.weight = Parameter(np.zeros((self.num_embeddings, self.embedding_dim), dtype=dt))
        self.reset_parameters()
        ### END SOLUTION

    def reset_parameters(self) -> None:
        """Draw fresh weights from N(0, 1); zero the padding row."""
        ### BEGIN SOLUTION
        init.normal_(self.weight, 0.0, 1.0)
        if self.padding_idx is not None:
            self.weight.data[self.padding_idx] = 0.0
        ### END SOLUTION

    def forward(self, input: Tensor) -> Tensor:
        """Integer ids of any shape (...) -> (..., embedding_dim)."""
        ### BEGIN SOLUTION
        return embedding(input, self.weight, self.padding_idx)
        ### END SOLUTION

    def extra_repr(self) -> str:
        text = f"{self.num_embeddings}, {self.embedding_dim}"
        if self.padding_idx is not None:
            text += f", padding_idx={self.padding_idx}"
        return text
