"""GPTConfig: every size of a GPT in one checked record."""

from __future__ import annotations

from dataclasses import dataclass

_APPROXIMATIONS = ("none", "tanh")


@dataclass(frozen=True)
class GPTConfig:
    """The shape of a GPT, nanoGPT's names; checked when it is made.

    - `vocab_size`: the number of token ids (96 for the Jargon File's
      characters, 50257 for GPT-2's BPE).
    - `block_size`: the longest context, T; position embeddings exist for
      0..block_size-1 only, so a longer sequence is an error.
    - `n_layer` blocks of `n_head` heads over `n_embd` features
      (`n_embd % n_head == 0`; each head has n_embd / n_head).
    - `dropout`: on the embeddings, the attention weights and each residual
      branch while training; 0 for small data sets and for exact twins.
    - `bias`: biases in the Linear and LayerNorm layers (GPT-2 has them).
    - `gelu`: 'tanh' (GPT-2) or 'none' (the exact erf form).
    - `fused`: use the fused primitives (LayerNorm, attention, GELU, the
      loss). False runs the composite teaching twins: the same numbers,
      about twice the time.

    Parameters, for L layers of width C and vocabulary V:
    12 L C^2 (attention 4 C^2, MLP 8 C^2) + (V + block_size) C, plus biases
    and LayerNorm gains; the head shares the token table.
    """

    vocab_size: int
    block_size: int = 64
    n_layer: int = 4
    n_head: int = 4
    n_embd: int = 128
    dropout: float = 0.0
    bias: bool = True
    gelu: str = "tanh"
    fused: bool = True

    def __post_init__(self) -> None:
        for name in ("vocab_size", "block_size", "n_layer", "n_head", "n_embd"):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, int) or value < 1:
                raise ValueError(f"GPTConfig: {name} must be a positive int, got {value!r}")
        if self.n_embd % self.n_head:
            raise ValueError(
                f"GPTConfig: n_embd={self.n_embd} is not divisible by n_head={self.n_head}: "
                "every head needs the same width n_embd / n_head"
            )
        if isinstance(self.dropout, bool) or not isinstance(self.dropout, (int, float)) \
                or not 0.0 <= self.dropout < 1.0:
            raise ValueError(f"GPTConfig: dropout must be in [0, 1), got {self.dropout!r}")
        if self.gelu not in _APPROXIMATIONS:
            raise ValueError(f"GPTConfig: gelu must be 'none' or 'tanh', got {self.gelu!r}")
        for name in ("bias", "fused"):
            if not isinstance(getattr(self, name), bool):
                raise TypeError(f"GPTConfig: {name} must be True or False, "
                                f"got {getattr(self, name)!r}")

    @property
    def head_size(self) -> int:
        """n_embd / n_head: the width of one head's queries, keys and values."""
        return self.n_embd // self.n_head
