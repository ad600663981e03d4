"""GPT: token and position embeddings, a stack of blocks, a final LayerNorm, a tied head."""

from __future__ import annotations

import math
from typing import Any

import numpy as np
from tinytorch.embeddings import Embedding
from tinytorch.layers import Linear, Module, Sequential, init
from tinytorch.normalization import LayerNorm
from tinytorch.regularization import Dropout, weight_decay_groups
from tinytorch.tensor import DTypeError, ShapeError, Tensor, arange

from .block import TransformerBlock, normalize
from .config import GPTConfig


class GPT(Module):
    """A decoder-only transformer language model, nanoGPT's `GPT` in tinytorch.

        idx (B, T) ids -> wte(idx) + wpe(0..T-1)   (B, T, C)
                       -> dropout, n_layer TransformerBlocks, ln_f
                       -> lm_head                  (B, T, V) logits

    The head is tied to the token table (`lm_head.weight is wte.weight`,
    Press and Wolf, 2017): the same vectors that read a token in also score
    it on the way out, which saves V*C parameters (most of a small GPT's)
    and trains both from both ends. `state_dict` lists both names, as
    PyTorch does, so a nanoGPT-shaped PyTorch model loads it directly.

    Initialisation is GPT-2's: every weight from N(0, 0.02), biases 0, and
    the two projections that write into the residual stream (`c_proj`)
    from N(0, 0.02 / sqrt(2 n_layer)), so the stream's variance does not
    grow with depth. Drawn from `tinytorch.tensor`'s seeded generator.
    """

    def __init__(self, config: GPTConfig) -> None:
        super().__init__()
        if not isinstance(config, GPTConfig):
            raise TypeError(f"GPT: expected a GPTConfig, got {type(config).__name__}")
        self.config = config
        ### BEGIN SOLUTION
        self.wte = Embedding(config.vocab_size, config.n_embd)  # token table (V, C)
        self.wpe = Embedding(config.block_size, config.n_embd)  # position table (T, C)
        self.drop = Dropout(config.dropout)
        self.h = Sequential(*(TransformerBlock(config) for _ in range(config.n_layer)))
        self.ln_f = LayerNorm(config.n_embd, bias=config.bias)
        self.lm_head = Linear(config.n_embd, config.vocab_size, bias=False)
        self.lm_head.weight = self.wte.weight  # tied: one Parameter, two names
        self._init_weights()
        ### END SOLUTION

    def _init_weights(self) -> None:
        """GPT-2's initialisation (see the class docstring)."""
        ### BEGIN SOLUTION
        residual_std = 0.02 / math.sqrt(2 * self.config.n_layer)
        for name, param in self.named_parameters():  # each once: the tied head is wte
            if name.endswith("c_proj.weight"):
                init.normal_(param, 0.0, residual_std)
            elif param.ndim == 2:  # the Linear weights and both embedding tables
                init.normal_(param, 0.0, 0.02)
            elif name.endswith("bias"):
                init.zeros_(param)
        # the LayerNorm gains keep their init, 1
        ### END SOLUTION

    def forward(self, idx: Any) -> Tensor:
        """Token ids (B, T), T <= block_size -> next-token logits (B, T, vocab_size)."""
        idx = self._check_ids(idx)
        ### BEGIN SOLUTION
        B, T = idx.shape
        pos = arange(T, dtype=np.int64)  # (T,)
        x = self.drop(self.wte(idx) + self.wpe(pos))  # (B, T, C)
        x = self.h(x)  # (B, T, C)
        x = normalize(self.ln_f, x, self.config.fused)
        cfg = self.config
        return self.lm_head(x.reshape(B * T, cfg.n_embd)).reshape(B, T, cfg.vocab_size)
        ### END SOLUTION

    def num_parameters(self, non_embedding: bool = True) -> int:
        """The number of parameters, each shared one once (the tied head counts once).

        With `non_embedding=True` (nanoGPT's default) the position table is
        left out: it is a lookup, not computation. The token table stays,
        because the tied head uses it as the output layer's weights.
        """
        ### BEGIN SOLUTION
        total = sum(p.numel() for p in self.parameters())
        if non_embedding:
            total -= self.wpe.weight.numel()
        return total
        ### END SOLUTION

    def optimizer_groups(self, weight_decay: float) -> list[dict[str, Any]]:
        """Two parameter groups: the matrices decayed, biases and LayerNorm gains not.

        Pass the list to `AdamW`. Which parameters are decayed is module
        12's `weight_decay_groups` rule: every 2-D weight (Linear, both
        embedding tables) is; every bias and LayerNorm parameter is not.
        """
        return weight_decay_groups(self, weight_decay)

    def _check_ids(self, idx: Any) -> Tensor:
        """idx as an integer Tensor (B, T) with 1 <= T <= block_size and ids in range."""
        if not isinstance(idx, Tensor):
            idx = Tensor(np.asarray(idx))
        data, cfg = idx.data, self.config
        if data.dtype.kind not in "iu":
            raise DTypeError(f"GPT: token ids must be integers, got dtype {data.dtype}")
        if data.ndim != 2:
            raise ShapeError(f"GPT: token ids must have shape (B, T), got {tuple(data.shape)}")
        if not 1 <= data.shape[1] <= cfg.block_size:
            raise ShapeError(
                f"GPT: a sequence of length {data.shape[1]} does not fit the context: "
                f"block_size is {cfg.block_size} (crop the input to its last "
                f"{cfg.block_size} tokens)"
            )
        if data.size and (data.min() < 0 or data.max() >= cfg.vocab_size):
            bad = int(data.min()) if data.min() < 0 else int(data.max())
            raise IndexError(
                f"GPT: token id {bad} is outside the vocabulary 0..{cfg.vocab_size - 1}"
            )
        return idx
