"""TransformerBlock: the pre-LayerNorm block, x + attn(ln(x)), then x + mlp(ln(x))."""

from __future__ import annotations

from tinytorch.layers import Module
from tinytorch.normalization import LayerNorm, layer_norm_composite
from tinytorch.tensor import Tensor

from .attention import CausalSelfAttention
from .checks import check_sequence
from .config import GPTConfig
from .mlp import MLP


def normalize(ln: LayerNorm, x: Tensor, fused: bool) -> Tensor:
    """`ln(x)`, through the fused primitive or its composite teaching twin."""
    if fused:
        return ln(x)
    return layer_norm_composite(x, ln.normalized_shape, ln.weight, ln.bias, ln.eps)


class TransformerBlock(Module):
    """One GPT block: communicate (attention), then compute (MLP), each on a residual branch.

        x = x + attn(ln_1(x))      # (B, T, C)
        x = x + mlp(ln_2(x))       # (B, T, C)

    Pre-LayerNorm (GPT-2's order, not the 2017 paper's post-LN): the
    residual stream x itself is never normalized, so the gradient reaches
    early blocks through the additions unchanged, and deep stacks train
    without a learning-rate warm-up trick to save them.

    Parameters: 12 C^2 + 13 C (with biases). Cost: 24 B T C^2 + 4 B T^2 C
    FLOPs forward, about twice that backward.
    """

    def __init__(self, config: GPTConfig) -> None:
        super().__init__()
        ### BEGIN SOLUTION
        self.ln_1 = LayerNorm(config.n_embd, bias=config.bias)
        self.attn = CausalSelfAttention(config)
        self.ln_2 = LayerNorm(config.n_embd, bias=config.bias)
        self.mlp = MLP(config)
        ### END SOLUTION
        self.n_embd, self.fused = config.n_embd, config.fused

    def forward(self, x: Tensor) -> Tensor:
        """(B, T, C) -> (B, T, C)."""
        check_sequence("TransformerBlock", x, self.n_embd)
        ### BEGIN SOLUTION
        x = x + self.attn(normalize(self.ln_1, x, self.fused))
        return x + self.mlp(normalize(self.ln_2, x, self.fused))
        ### END SOLUTION
