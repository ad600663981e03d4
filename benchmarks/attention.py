"""Benchmark: causal self-attention forward + backward against PyTorch (CPU).

Times TinyTorch's `tinytorch.attention` and PyTorch on the same shapes and
numbers, in the same process, interleaved in rounds after a warm-up, with one
thread each (NumPy's BLAS and PyTorch's intra-op pool; `_timing.py`).
Reports TinyTorch's time as a ratio to PyTorch's; the targets live here,
never in a test. The composite twin (`scaled_dot_product_attention_composite`,
tensor primitives only) is timed against PyTorch the same way and reported
beside, without a target.

Shapes: batch 32, context 64, d_model 128, 4 heads (head size 32), the
gpt_2018 milestone's attention. A step is forward, then backward with a
fixed upstream gradient.

| workload (PyTorch's twin) | shapes | target |
|---|---|---|
| `scaled_dot_product_attention` (`F.`'s), causal | (32, 4, 64, 32) | <= 1.2 |
| `MultiheadAttention` (`nn.`'s), causal mask, need_weights=False | (32, 64, 128) | <= 1.2 |

    python benchmarks/attention.py [--steps 20] [--rounds 5] [--report FILE.json]

Needs tt-attention (and its dependencies) and torch==2.13.0 (the CPU build).
"""

from __future__ import annotations

import sys
from typing import Any

import _timing  # before NumPy: it pins BLAS to one thread
import numpy as np

#: The last module this benchmark uses: `nox -s benchmark` installs the chain up to it.
REQUIRES = "tt-attention"

BATCH, CONTEXT, DIM, HEADS = 32, 64, 128, 4
TARGET = 1.2


def arrays(seed: int = 0) -> dict[str, np.ndarray]:
    """q, k, v per head, the module's input and weights, upstream gradients; float32."""
    rng = np.random.default_rng(seed)
    hs = DIM // HEADS

    def normal(*shape: int, std: float = 1.0) -> np.ndarray:
        return (std * rng.standard_normal(shape)).astype(np.float32)

    return {"q": normal(BATCH, HEADS, CONTEXT, hs), "k": normal(BATCH, HEADS, CONTEXT, hs),
            "v": normal(BATCH, HEADS, CONTEXT, hs), "g_heads": normal(BATCH, HEADS, CONTEXT, hs),
            "x": normal(BATCH, CONTEXT, DIM), "g": normal(BATCH, CONTEXT, DIM),
            "in_proj_weight": normal(3 * DIM, DIM, std=DIM ** -0.5),
            "in_proj_bias": normal(3 * DIM, std=0.02),
            "out_proj.weight": normal(DIM, DIM, std=DIM ** -0.5),
            "out_proj.bias": normal(DIM, std=0.02)}


def tinytorch_steps(a: dict[str, np.ndarray]) -> dict[str, Any]:
    from tinytorch.attention import (
        MultiheadAttention,
        causal_mask,
        scaled_dot_product_attention,
        scaled_dot_product_attention_composite,
    )
    from tinytorch.tensor import Tensor

    q, k, v = (Tensor(a[n], requires_grad=True) for n in "qkv")
    g_heads, g = Tensor(a["g_heads"]), Tensor(a["g"])

    def sdpa(fn: Any) -> Any:
        def step() -> np.ndarray:
            for t in (q, k, v):
                t.grad = None
            y = fn(q, k, v, is_causal=True)
            y.backward(g_heads)
            return y.data
        return step

    mha = MultiheadAttention(DIM, HEADS, batch_first=True)
    mha.load_state_dict({n: a[n] for n in ("in_proj_weight", "in_proj_bias",
                                           "out_proj.weight", "out_proj.bias")})
    x, mask = Tensor(a["x"], requires_grad=True), causal_mask(CONTEXT)
    params = list(mha.parameters())

    def module() -> np.ndarray:
        x.grad = None
        for p in params:
            p.grad = None
        y, _ = mha(x, x, x, attn_mask=mask, need_weights=False, is_causal=True)
        y.backward(g)
        return y.data

    return {"primitive": sdpa(scaled_dot_product_attention),
            "composite": sdpa(scaled_dot_product_attention_composite), "module": module}


def torch_steps(a: dict[str, np.ndarray]) -> dict[str, Any]:
    import torch
    import torch.nn.functional as F

    q, k, v = (torch.from_numpy(a[n]).requires_grad_(True) for n in "qkv")
    g_heads, g = torch.from_numpy(a["g_heads"]), torch.from_numpy(a["g"])

    def sdpa() -> np.ndarray:
        for t in (q, k, v):
            t.grad = None
        y = F.scaled_dot_product_attention(q, k, v, is_causal=True)
        y.backward(g_heads)
        return y.detach().numpy()

    mha = torch.nn.MultiheadAttention(DIM, HEADS, batch_first=True)
    mha.load_state_dict({n: torch.from_numpy(a[n]) for n in (
        "in_proj_weight", "in_proj_bias", "out_proj.weight", "out_proj.bias")})
    x = torch.from_numpy(a["x"]).requires_grad_(True)
    mask = torch.nn.Transformer.generate_square_subsequent_mask(CONTEXT)
    params = list(mha.parameters())

    def module() -> np.ndarray:
        x.grad = None
        for p in params:
            p.grad = None
        y, _ = mha(x, x, x, attn_mask=mask, need_weights=False, is_causal=True)
        y.backward(g)
        return y.detach().numpy()

    return {"primitive": sdpa, "composite": sdpa, "module": module}


def main() -> int:
    args = _timing.arguments(__doc__, steps=20, only=False)
    torch = _timing.peer()
    if torch is None:
        return 2
    a = arrays()
    tt, pt = tinytorch_steps(a), torch_steps(a)
    names = {"primitive": "scaled_dot_product_attention (32, 4, 64, 32), causal",
             "composite": "  its composite twin (no target)",
             "module": "MultiheadAttention (32, 64, 128), 4 heads, causal"}
    rows = []
    for key, name in names.items():
        diff = float(np.max(np.abs(tt[key]() - pt[key]())))
        row = _timing.interleave(tt[key], pt[key], args.steps, args.rounds, warmup=3,
                                 target=TARGET)
        if key == "composite":  # the teaching twin: measured, not held to a target
            row["target_ratio"], row["passed"] = None, True
        rows.append({"workload": name, "key": key, **row, "max_output_difference": diff})
    _timing.table(rows, "workload (forward + backward)", args)
    return _timing.finish(args, torch, rows, benchmark="attention_forward_backward",
                          batch=BATCH, context=CONTEXT, d_model=DIM, heads=HEADS)


if __name__ == "__main__":
    sys.exit(main())
