"""Benchmark: each fused kernel against its composite twin, forward + backward, one thread.

Module 19's claim, measured: for the memory-bound steps of a network, ONE
primitive with a hand-written backward beats the same computation composed
of tensor primitives by at least 1.5x in the same framework. Walks
`tinytorch.kernels.KERNELS` (bias + ReLU, GELU, softmax + cross-entropy,
LayerNorm, attention's masked softmax) at the gpt_2018 milestone's shapes
in float32, and, for the switch, the gpt_2018 GPT itself (forward,
`lm_loss`, backward) with `use_fused` against `use_composite`.

A step: clear the leaves' gradients, forward, backward with a fixed random
upstream gradient. The fused and composite steps run in the same process,
in alternating rounds after a warm-up (`_timing.py`: one BLAS thread);
each is judged by its best round, and the range of the per-round speedups
is printed beside it, with the load average before and after: this 2-core
machine is shared, so read the figures as ranges. The target (>= 1.5x for
the kernels marked memory-bound) lives here, never in a test; the script
exits 1 when a memory-bound kernel misses it.

    python benchmarks/kernels.py [--steps 20] [--rounds 7] [--only gelu] [--report FILE.json]

Needs tt-kernels and the chain before it. No PyTorch.
"""

from __future__ import annotations

import os
import statistics
import sys
from collections.abc import Callable
from typing import Any

import _timing  # before NumPy: it pins BLAS to one thread
import numpy as np

#: The last module this benchmark uses: `nox -s benchmark` installs the chain up to it.
REQUIRES = "tt-kernels"

TARGET = 1.5  # fused at least 1.5x faster than the composite, for memory-bound kernels
GPT_SHAPE = dict(vocab_size=65, block_size=64, n_layer=4, n_head=4, n_embd=128)
GPT_BATCH = 32


def kernel_steps(kernel: Any, seed: int = 0) -> tuple[Callable[[], Any], Callable[[], Any],
                                                      float, str]:
    """(fused step, composite step, largest difference of outputs and gradients, shapes)."""
    from tinytorch.tensor import Tensor

    args, leaves = kernel.example(np.random.default_rng(seed), np.float32, True)
    probe = kernel.fused(*args)
    upstream = Tensor(np.random.default_rng(seed + 1).standard_normal(probe.shape)
                      .astype(np.float32))

    def step(fn: Callable[..., Any]) -> Callable[[], list[np.ndarray]]:
        def run() -> list[np.ndarray]:
            for leaf in leaves:
                leaf.grad = None
            out = fn(*args)
            out.backward(upstream)
            return [out.data] + [leaf.grad.data for leaf in leaves]
        return run

    fused, composite = step(kernel.fused), step(kernel.composite)
    diff = max(float(np.max(np.abs(a - b))) for a, b in zip(fused(), composite(), strict=True))
    shapes = ", ".join(str(tuple(a.shape)) for a in args if hasattr(a, "shape") and
                       getattr(a, "requires_grad", False))
    return fused, composite, diff, shapes


def gpt_steps(seed: int = 0) -> tuple[Callable[[], Any], Callable[[], Any], float, str]:
    """The gpt_2018 GPT, forward + lm_loss + backward: fused, and under `use_composite`."""
    from tinytorch.kernels import use_composite, use_fused
    from tinytorch.tensor import Tensor, manual_seed
    from tinytorch.transformers import GPT, GPTConfig, lm_loss

    manual_seed(seed)
    model = GPT(GPTConfig(**GPT_SHAPE))
    rng = np.random.default_rng(seed)
    shape = (GPT_BATCH, GPT_SHAPE["block_size"])
    x = Tensor(rng.integers(0, GPT_SHAPE["vocab_size"], shape))
    y = Tensor(rng.integers(0, GPT_SHAPE["vocab_size"], shape))
    params = list(model.parameters())

    def step(switch: Callable[[Any], Any]) -> Callable[[], float]:
        def run() -> float:
            with switch(model):
                for p in params:
                    p.grad = None
                loss = lm_loss(model(x), y)
                loss.backward()
            return loss.item()
        return run

    fused, composite = step(use_fused), step(use_composite)
    diff = abs(fused() - composite())
    return fused, composite, diff, f"ids {shape}, 0.8 M parameters"


def measure(fused: Callable[[], Any], composite: Callable[[], Any], steps: int,
            rounds: int, warmup: int = 2) -> dict[str, Any]:
    """Alternating rounds; each side's best round, and the per-round speedups."""
    for _ in range(warmup):
        fused(), composite()
    f_rounds, c_rounds = [], []
    for _ in range(rounds):
        f_rounds.append(_timing.time_round(fused, steps))
        c_rounds.append(_timing.time_round(composite, steps))
    per_round = [c / f for f, c in zip(f_rounds, c_rounds, strict=True)]
    return {"fused_ms": round(min(f_rounds), 3), "composite_ms": round(min(c_rounds), 3),
            "speedup": round(min(c_rounds) / min(f_rounds), 3),
            "speedup_range": [round(min(per_round), 3), round(max(per_round), 3)],
            "median_round_speedup": round(statistics.median(per_round), 3),
            "fused_rounds_ms": [round(t, 3) for t in f_rounds],
            "composite_rounds_ms": [round(t, 3) for t in c_rounds],
            "steps": steps, "rounds": rounds}


def main() -> int:
    args = _timing.arguments(__doc__, steps=20)
    args.rounds = max(args.rounds, 3)
    from tinytorch.kernels import KERNELS

    load_before = _timing.load_average()
    rows = []
    for name, kernel in KERNELS.items():
        if args.only and args.only not in name:
            continue
        fused, composite, diff, shapes = kernel_steps(kernel)
        row = measure(fused, composite, args.steps, args.rounds)
        target = TARGET if kernel.memory_bound else None
        rows.append({"workload": name, "shapes": shapes, "source": kernel.source,
                     "memory_bound": kernel.memory_bound, "target_speedup": target,
                     "passed": target is None or row["speedup"] >= target,
                     "max_difference": diff, **row})
    if not args.only or args.only in "gpt":
        fused, composite, diff, shapes = gpt_steps()
        row = measure(fused, composite, max(1, args.steps // 10), args.rounds, warmup=1)
        rows.append({"workload": "gpt (use_fused vs use_composite)", "shapes": shapes,
                     "source": "tt-transformers", "memory_bound": False,
                     "target_speedup": None, "passed": True, "max_difference": diff, **row})
    load_after = _timing.load_average()

    width = max(len(r["workload"]) for r in rows)
    print(f"{'kernel (forward + backward, float32)':<{width}}  fused ms  composite ms  "
          f"speedup  per-round range  target")
    for r in rows:
        target = "-" if r["target_speedup"] is None else f">= {r['target_speedup']:g}"
        mark = "" if r["target_speedup"] is None else ("ok" if r["passed"] else "MISSED")
        lo, hi = r["speedup_range"]
        print(f"{r['workload']:<{width}}  {r['fused_ms']:>8.3f}  {r['composite_ms']:>12.3f}  "
              f"{r['speedup']:>6.2f}x  {lo:>6.2f}-{hi:<6.2f}   {target:<7} {mark}")
    print(f"best of {args.rounds} alternating rounds of {args.steps} steps (the GPT: "
          f"{max(1, args.steps // 10)}), one BLAS thread; load average {load_before} before, "
          f"{load_after} after, on {os.cpu_count()} cores; largest difference fused vs "
          f"composite {max(r['max_difference'] for r in rows):.2e}")
    for r in rows:
        print(f"  {r['workload']}: {r['shapes']}")
    return _timing.finish_alone(args, rows, load_before, benchmark="kernels_fused_vs_composite")

if __name__ == "__main__":
    sys.exit(main())
