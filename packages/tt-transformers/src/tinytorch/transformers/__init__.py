"""tinytorch.transformers: the pre-LayerNorm transformer block and a GPT.

A GPT is token and position embeddings (module 14), a stack of blocks of
causal self-attention (module 15) and a GELU MLP, each on a residual
branch after a LayerNorm (module 11), and a head tied to the token table.
`lm_loss` is the next-token cross entropy. The block runs on fused
primitives (LayerNorm, attention, `gelu_fused`, `lm_loss`), each one
autograd node with a hand-written backward; `GPTConfig(fused=False)` runs
the composite twins instead, tested equal, at about twice the time.

    from tinytorch.transformers import GPT, GPTConfig, lm_loss
    model = GPT(GPTConfig(vocab_size=65, block_size=64, n_layer=4, n_head=4, n_embd=128))
    logits = model(idx)                  # (B, T) ids -> (B, T, 65)
    loss = lm_loss(logits, targets)      # targets (B, T); -100 is ignored
"""

from .__about__ import __version__
from .attention import CausalSelfAttention
from .block import TransformerBlock
from .config import GPTConfig
from .gelu import gelu_fused
from .gpt import GPT
from .lm_loss import lm_loss, lm_loss_composite
from .mlp import MLP

__all__ = [
    "GPT",
    "MLP",
    "CausalSelfAttention",
    "GPTConfig",
    "TransformerBlock",
    "__version__",
    "gelu_fused",
    "lm_loss",
    "lm_loss_composite",
]
