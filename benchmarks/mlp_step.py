"""Benchmark: one training step of a 784-256-128-10 MLP (batch 128, Adam).

Times TinyTorch and PyTorch (CPU) on the same shapes, from the same initial
weights and batches, in the same process, in alternating rounds after a
warm-up, with one thread each (`_timing.py`). Reports TinyTorch's time as a
ratio to PyTorch's. The target (at most 1.3x) lives here, never in a test.

A step is: forward, cross-entropy loss, backward, Adam update, zero_grad.
Work per step: about 3 x 2 x 128 x (784*256 + 256*128 + 128*10) = 0.18 GFLOP
(forward matmuls, plus two matmuls each for the backward pass).

    python benchmarks/mlp_step.py [--steps 150] [--rounds 5] [--report FILE.json]

Needs the Part I packages and torch==2.13.0 (the CPU build).
"""

from __future__ import annotations

import argparse
import itertools
import sys
from pathlib import Path

import _timing  # before NumPy: it pins BLAS to one thread
import numpy as np

#: The last module this benchmark uses: `nox -s benchmark` installs the chain up to it.
REQUIRES = "tt-training"

SIZES = (784, 256, 128, 10)
BATCH = 128
TARGET_RATIO = 1.3


def make_batches(n: int, seed: int = 0) -> list[tuple[np.ndarray, np.ndarray]]:
    rng = np.random.default_rng(seed)
    return [(rng.standard_normal((BATCH, SIZES[0]), dtype=np.float32),
             rng.integers(0, SIZES[-1], BATCH)) for _ in range(n)]


def initial_weights(seed: int = 0) -> list[tuple[np.ndarray, np.ndarray]]:
    rng = np.random.default_rng(seed)
    out = []
    for fan_in, fan_out in itertools.pairwise(SIZES):
        bound = 1 / np.sqrt(fan_in)
        out.append((rng.uniform(-bound, bound, (fan_out, fan_in)).astype(np.float32),
                    rng.uniform(-bound, bound, fan_out).astype(np.float32)))
    return out


def tinytorch_step_fn(weights):
    from tinytorch.activations import ReLU
    from tinytorch.layers import Linear, Sequential
    from tinytorch.losses import CrossEntropyLoss
    from tinytorch.optimizers import Adam
    from tinytorch.tensor import Tensor

    layers = []
    for i, (w, b) in enumerate(weights):
        lin = Linear(w.shape[1], w.shape[0])
        lin.weight.data[...] = w
        lin.bias.data[...] = b
        layers += [lin, ReLU()] if i < len(weights) - 1 else [lin]
    model = Sequential(*layers)
    opt, loss_fn = Adam(model.parameters(), lr=1e-3), CrossEntropyLoss()

    return _timing.adam_step(model, opt, loss_fn, Tensor, lambda y: y)


def torch_step_fn(weights):
    import torch

    layers = []
    for i, (w, b) in enumerate(weights):
        lin = torch.nn.Linear(w.shape[1], w.shape[0])
        with torch.no_grad():
            lin.weight.copy_(torch.from_numpy(w))
            lin.bias.copy_(torch.from_numpy(b))
        layers += [lin, torch.nn.ReLU()] if i < len(weights) - 1 else [lin]
    model = torch.nn.Sequential(*layers)
    opt, loss_fn = torch.optim.Adam(model.parameters(), lr=1e-3), torch.nn.CrossEntropyLoss()

    return _timing.adam_step(model, opt, loss_fn, torch.from_numpy, torch.from_numpy)


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--steps", type=int, default=150, help="timed steps per round")
    p.add_argument("--rounds", type=int, default=5, help="alternating rounds per framework")
    p.add_argument("--report", type=Path, default=None)
    args = p.parse_args()
    torch = _timing.peer()
    if torch is None:
        return 2
    tt, pt, drift = _timing.same_numbers(tinytorch_step_fn(initial_weights()),
                                 torch_step_fn(initial_weights()), make_batches(20))
    result = {"benchmark": "mlp_784_256_128_10_adam_step", "batch": BATCH,
              **_timing.interleave(tt, pt, args.steps, args.rounds, warmup=0,
                                   target=TARGET_RATIO),
              "max_loss_difference": drift, **_timing.machine(torch)}
    print(f"MLP 784-256-128-10, batch {BATCH}, Adam: TinyTorch {result['tinytorch_ms']:.2f} "
          f"ms/step, PyTorch {result['pytorch_ms']:.2f} ms/step -> ratio {result['ratio']:.2f} "
          f"(target <= {TARGET_RATIO}); best of {args.rounds} rounds each, median round ratio "
          f"{result['median_round_ratio']:.2f}")
    print(f"same numbers: largest loss difference over the 20 warm-up steps = {drift:.2e}")
    if args.report:
        _timing.write_json_atomic(args.report, result)
    return 0 if result["passed"] else 1


if __name__ == "__main__":
    sys.exit(main())
