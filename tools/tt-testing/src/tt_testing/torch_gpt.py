"""The PyTorch twin of tinytorch.transformers.GPT: nanoGPT's shape and parameter names.

Tests, the GPT-step benchmark and the gpt_2018 twin all compare tinytorch
with this one model, so it is written once, here. Its parameter names equal
tinytorch's (`wte wpe h.N.ln_1 h.N.attn.c_attn ... ln_f lm_head`), so

    twin = torch_gpt(config)
    load_from_tinytorch(twin, model.state_dict())

gives both the same weights. `config` is anything with GPTConfig's fields.
PyTorch is imported only when a twin is made: this module is importable
without it.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np


def torch_gpt(config: Any) -> Any:
    """A PyTorch GPT of `config`'s shape (vocab_size, block_size, n_layer, n_head, n_embd,
    dropout, bias, gelu), initialised as GPT-2 (which `load_from_tinytorch` overwrites)."""
    import torch
    from torch import nn
    from torch.nn import functional as F

    class SelfAttention(nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.c_attn = nn.Linear(config.n_embd, 3 * config.n_embd, bias=config.bias)
            self.c_proj = nn.Linear(config.n_embd, config.n_embd, bias=config.bias)
            self.resid_dropout = nn.Dropout(config.dropout)

        def forward(self, x: Any) -> Any:
            B, T, C = x.shape
            q, k, v = self.c_attn(x).split(C, dim=2)
            q, k, v = (t.view(B, T, config.n_head, C // config.n_head).transpose(1, 2)
                       for t in (q, k, v))  # (B, nh, T, hs)
            p = config.dropout if self.training else 0.0
            y = F.scaled_dot_product_attention(q, k, v, dropout_p=p, is_causal=True)
            return self.resid_dropout(self.c_proj(y.transpose(1, 2).reshape(B, T, C)))

    class MLP(nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.c_fc = nn.Linear(config.n_embd, 4 * config.n_embd, bias=config.bias)
            self.c_proj = nn.Linear(4 * config.n_embd, config.n_embd, bias=config.bias)
            self.dropout = nn.Dropout(config.dropout)

        def forward(self, x: Any) -> Any:
            return self.dropout(self.c_proj(F.gelu(self.c_fc(x), approximate=config.gelu)))

    class Block(nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.ln_1 = nn.LayerNorm(config.n_embd, bias=config.bias)
            self.attn = SelfAttention()
            self.ln_2 = nn.LayerNorm(config.n_embd, bias=config.bias)
            self.mlp = MLP()

        def forward(self, x: Any) -> Any:
            x = x + self.attn(self.ln_1(x))
            return x + self.mlp(self.ln_2(x))

    class GPT(nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.wte = nn.Embedding(config.vocab_size, config.n_embd)
            self.wpe = nn.Embedding(config.block_size, config.n_embd)
            self.drop = nn.Dropout(config.dropout)
            self.h = nn.Sequential(*(Block() for _ in range(config.n_layer)))
            self.ln_f = nn.LayerNorm(config.n_embd, bias=config.bias)
            self.lm_head = nn.Linear(config.n_embd, config.vocab_size, bias=False)
            self.lm_head.weight = self.wte.weight
            for name, p in self.named_parameters():
                std = 0.02 / math.sqrt(2 * config.n_layer) if name.endswith("c_proj.weight") \
                    else 0.02
                nn.init.normal_(p, 0.0, std) if p.ndim == 2 else nn.init.zeros_(p)
            for m in self.modules():
                if isinstance(m, nn.LayerNorm):
                    nn.init.ones_(m.weight)

        def forward(self, idx: Any) -> Any:
            pos = torch.arange(idx.shape[1], device=idx.device)
            x = self.drop(self.wte(idx) + self.wpe(pos))
            return self.lm_head(self.ln_f(self.h(x)))

    return GPT()


def load_from_tinytorch(twin: Any, state: dict[str, np.ndarray]) -> Any:
    """Copy a tinytorch GPT's `state_dict()` into the twin (same names; dtypes kept)."""
    import torch

    twin.load_state_dict({k: torch.from_numpy(np.array(v)) for k, v in state.items()})
    return twin


def spread_weights(model: Any, seed: int, dtype: Any = np.float32) -> Any:
    """Give a GPT weights drawn from `seed`, larger than GPT-2's init, in `dtype`; return it.

    At GPT-2's initialisation every logit is near 0 and ties are common, so a
    test comparing two ways of computing the next token would learn little.
    Here LayerNorm gains are 1 + 0.1 N(0, 1), matrices N(0, 1 / fan_in), other
    vectors 0.1 N(0, 1): the logits spread clearly, as a trained model's do.
    Each parameter is drawn once (the tied head is `wte`), in `named_parameters`
    order.
    """
    rng = np.random.default_rng(seed)
    for name, p in model.named_parameters():
        if ".ln_" in f".{name}" and name.endswith("weight"):
            value = 1.0 + 0.1 * rng.standard_normal(p.shape)
        elif p.ndim == 2:
            value = rng.standard_normal(p.shape) / np.sqrt(p.shape[1])
        else:
            value = 0.1 * rng.standard_normal(p.shape)
        p.data = value.astype(dtype)
    return model
