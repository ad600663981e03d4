"""MLP: the transformer block's feed-forward part, applied to every position alone."""

from __future__ import annotations

from tinytorch.activations import gelu
from tinytorch.layers import Linear, Module
from tinytorch.regularization import Dropout
from tinytorch.tensor import Tensor

from .checks import check_sequence
from .config import GPTConfig
from .gelu import gelu_fused


class MLP(Module):
    """Linear C -> 4C, GELU, Linear 4C -> C, dropout; nanoGPT's names `c_fc`, `c_proj`.

    Attention moves information between positions; the MLP then transforms
    each position's vector on its own. It holds two thirds of a block's
    parameters (8 C^2) and FLOPs (16 B T C^2 forward), and its 4C-wide
    hidden activation is the largest array a block keeps for backward.
    """

    def __init__(self, config: GPTConfig) -> None:
        super().__init__()
        ### BEGIN SOLUTION
        self.c_fc = Linear(config.n_embd, 4 * config.n_embd, bias=config.bias)
        self.c_proj = Linear(4 * config.n_embd, config.n_embd, bias=config.bias)
        self.dropout = Dropout(config.dropout)
        ### END SOLUTION
        self.n_embd, self.approximate, self.fused = config.n_embd, config.gelu, config.fused

    def forward(self, x: Tensor) -> Tensor:
        """(B, T, C) -> (B, T, C)."""
        check_sequence("MLP", x, self.n_embd)
        ### BEGIN SOLUTION
        B, T, C = x.shape
        act = gelu_fused if self.fused else gelu
        h = act(self.c_fc(x.reshape(B * T, C)), approximate=self.approximate)  # (B*T, 4C)
        return self.dropout(self.c_proj(h)).reshape(B, T, C)  # rows are tokens, as in attention
        ### END SOLUTION
