"""Benchmark: one training step of the gpt_2018 GPT (4 layers, d 128, 4 heads, T 64, B 32).

Times TinyTorch and PyTorch (CPU) on the same model, from the same initial
weights (PyTorch's twin loads TinyTorch's `state_dict`) and the same
batches, in the same process, in alternating rounds after a warm-up, with
one thread each (`_timing.py`). Reports TinyTorch's time as a ratio to
PyTorch's; the target (at most 1.3x) lives here, never in a test. The
composite model (`GPTConfig(fused=False)`: LayerNorm, attention, GELU and
the loss from tensor primitives) is timed beside it, as TinyTorch alone,
to show what the fused primitives buy.

A step is: forward, `lm_loss`, backward, AdamW update, zero_grad.
Work per step: about 6 x 2048 tokens x 0.8 M parameters = 10 GFLOP in the
matmuls, plus 3 x 4 x 32 x 64^2 x 128 x 4 layers = 0.8 GFLOP in attention.

    python benchmarks/gpt_step.py [--steps 10] [--rounds 5] [--report FILE.json]

Needs the Part III packages, tt-testing (the PyTorch twin) and torch==2.13.0.
"""

from __future__ import annotations

import sys

import _timing  # before NumPy: it pins BLAS to one thread
import numpy as np

#: The last module this benchmark uses: `nox -s benchmark` installs the chain up to it.
REQUIRES = "tt-transformers"

SHAPE = dict(vocab_size=65, block_size=64, n_layer=4, n_head=4, n_embd=128)
BATCH = 32
TARGET_RATIO = 1.3


def make_batches(n: int, seed: int = 0) -> list[tuple[np.ndarray, np.ndarray]]:
    rng = np.random.default_rng(seed)
    shape = (BATCH, SHAPE["block_size"])
    vocab = SHAPE["vocab_size"]
    return [(rng.integers(0, vocab, shape), rng.integers(0, vocab, shape)) for _ in range(n)]


def tinytorch_step_fn(fused: bool = True):
    from tinytorch.optimizers import AdamW
    from tinytorch.tensor import Tensor, manual_seed
    from tinytorch.transformers import GPT, GPTConfig, lm_loss

    manual_seed(0)
    model = GPT(GPTConfig(**SHAPE, fused=fused))
    opt = AdamW(model.optimizer_groups(0.1), lr=1e-3)
    return model, _timing.adam_step(model, opt, lm_loss, Tensor, lambda y: y)


def torch_step_fn(state):
    import torch
    from tinytorch.transformers import GPTConfig
    from tt_testing import load_from_tinytorch, torch_gpt

    twin = load_from_tinytorch(torch_gpt(GPTConfig(**SHAPE)), state)
    decay = [p for p in twin.parameters() if p.ndim == 2]
    rest = [p for p in twin.parameters() if p.ndim < 2]
    opt = torch.optim.AdamW([{"params": decay, "weight_decay": 0.1},
                             {"params": rest, "weight_decay": 0.0}], lr=1e-3)

    def loss_fn(logits, y):
        flat = logits.reshape(-1, logits.shape[-1])  # (B*T, V)
        return torch.nn.functional.cross_entropy(flat, y.reshape(-1))

    return _timing.adam_step(twin, opt, loss_fn, torch.from_numpy, torch.from_numpy)


def main() -> int:
    args = _timing.arguments(__doc__, steps=10, only=False)
    torch = _timing.peer()
    if torch is None:
        return 2
    model, tt = tinytorch_step_fn()
    pt = torch_step_fn(model.state_dict())
    tt, pt, drift = _timing.same_numbers(tt, pt, make_batches(8))
    row = {"workload": "GPT step, 4 layers, d 128, T 64, B 32",
           **_timing.interleave(tt, pt, args.steps, args.rounds, warmup=0, target=TARGET_RATIO),
           "max_output_difference": drift}
    _, composite = tinytorch_step_fn(fused=False)
    batches = make_batches(4)
    composite_ms = min(_timing.time_round(lambda: composite(*batches[0]), args.steps)
                       for _ in range(max(2, args.rounds // 2)))
    _timing.table([row], "workload", args, extra=("composite ms", lambda r: f"{composite_ms:.1f}"))
    print(f"the composite model (fused=False) takes {composite_ms / row['tinytorch_ms']:.2f}x "
          f"the fused one, {composite_ms / row['pytorch_ms']:.2f}x PyTorch")
    return _timing.finish(args, torch, [row], benchmark="gpt_step", batch=BATCH,
                          composite_ms=round(composite_ms, 3))


if __name__ == "__main__":
    sys.exit(main())
