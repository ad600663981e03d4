"""CausalSelfAttention: each position reads from itself and the positions before it."""

from __future__ import annotations

from tinytorch.attention import scaled_dot_product_attention, scaled_dot_product_attention_composite
from tinytorch.layers import Linear, Module
from tinytorch.regularization import Dropout
from tinytorch.tensor import Tensor

from .checks import check_sequence
from .config import GPTConfig


class CausalSelfAttention(Module):
    """Multi-head causal self-attention with nanoGPT's layout and parameter names.

    One Linear `c_attn` (C -> 3C) makes the queries, keys and values of all
    heads at once (one matmul instead of three); the heads attend in
    parallel through module 15's attention primitive with `is_causal=True`;
    `c_proj` (C -> C) mixes the heads' outputs back into the residual
    stream. PyTorch's `nn.MultiheadAttention` (module 15) computes the same
    with other names; this is the GPT-2 form that `state_dict`s of nanoGPT
    use.

    The Linears see the tokens as B*T rows of a matrix: a token's
    projection does not depend on its neighbours, and one (B*T, C) matmul
    is one BLAS call, where a (B, T, C) operand would be B small ones (and
    a batched weight gradient summed over B afterwards).

    Cost, B sequences of T tokens: 8 B T C^2 FLOPs in the two Linears plus
    4 B T^2 C in the attention itself; memory for backward: the (B, nh, T, T)
    attention weights, the part that grows with the square of the context.
    """

    def __init__(self, config: GPTConfig) -> None:
        super().__init__()
        ### BEGIN SOLUTION
        self.c_attn = Linear(config.n_embd, 3 * config.n_embd, bias=config.bias)
        self.c_proj = Linear(config.n_embd, config.n_embd, bias=config.bias)
        self.resid_dropout = Dropout(config.dropout)
        ### END SOLUTION
        self.n_head, self.n_embd = config.n_head, config.n_embd
        self.attn_dropout_p, self.fused = config.dropout, config.fused

    def forward(self, x: Tensor) -> Tensor:
        """(B, T, C) -> (B, T, C)."""
        check_sequence("CausalSelfAttention", x, self.n_embd)
        ### BEGIN SOLUTION
        B, T, C = x.shape
        nh, hs = self.n_head, C // self.n_head
        qkv = self.c_attn(x.reshape(B * T, C))  # (B*T, 3C): one matmul for all tokens
        q, k, v = (
            part.reshape(B, T, nh, hs).transpose(1, 2)  # (B, nh, T, hs)
            for part in qkv.split(C, dim=1)
        )
        attend = (scaled_dot_product_attention if self.fused
                  else scaled_dot_product_attention_composite)
        p = self.attn_dropout_p if self.training else 0.0
        y = attend(q, k, v, dropout_p=p, is_causal=True)  # (B, nh, T, hs)
        y = y.transpose(1, 2).reshape(B * T, C)  # the heads side by side again
        return self.resid_dropout(self.c_proj(y)).reshape(B, T, C)
        ### END SOLUTION
