"""tinytorch.attention: scaled dot-product attention and multi-head attention.

Attention lets each position of a sequence read from the others:
`scaled_dot_product_attention(q, k, v)` computes softmax(q k^T / sqrt(E) +
mask) v, with PyTorch's mask rules (a bool mask marks what takes part, a
float mask is added, `is_causal` hides the future). It runs as ONE autograd
primitive with a hand-written backward; `scaled_dot_product_attention_composite`
is its teaching twin from tensor ops, tested equal. `MultiheadAttention` is
PyTorch's `nn.MultiheadAttention`, parameter for parameter.

    from tinytorch.attention import MultiheadAttention, causal_mask
    mha = MultiheadAttention(128, 4, batch_first=True)
    y, _ = mha(x, x, x, attn_mask=causal_mask(64), need_weights=False)  # (B, 64, 128)
"""

from .__about__ import __version__
from .composite import scaled_dot_product_attention_composite
from .functional import scaled_dot_product_attention
from .masks import causal_mask
from .multihead import MultiheadAttention

__all__ = [
    "MultiheadAttention",
    "__version__",
    "causal_mask",
    "scaled_dot_product_attention",
    "scaled_dot_product_attention_composite",
]
