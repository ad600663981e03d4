"""Benchmark: one training step of LeNet-5 and of a CIFAR-style CNN (batch 64, Adam).

Times TinyTorch and PyTorch (CPU) on the same shapes, from the same initial
weights and batches, in the same process, in alternating rounds after a
warm-up, with one thread for NumPy's BLAS and for PyTorch (`_timing.py`).
Reports TinyTorch's time as a ratio to PyTorch's; the targets live here,
never in a test.

A step is: forward, cross-entropy loss, backward, Adam update, zero_grad.

- `lenet`: LeNet-5 on (64, 1, 28, 28): conv 6@5x5 pad 2, ReLU, max-pool 2,
  conv 16@5x5, ReLU, max-pool 2, 400-120-84-10. Target <= 1.2.
- `cifar`: on (64, 3, 32, 32): conv 32@3x3 pad 1, ReLU, max-pool 2, conv
  64@3x3 pad 1, ReLU, max-pool 2, 4096-10. Target <= 1.4.

    python benchmarks/cnn_step.py [--steps 40] [--rounds 5] [--only lenet|cifar]
                                  [--report FILE.json]

Needs the Part I and Part II packages and torch==2.13.0 (the CPU build).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import _timing  # before NumPy: it pins BLAS to one thread
import numpy as np

REQUIRES = "tt-spatial"  # the last module used: `nox -s benchmark` installs 01..09
WARMUP = 10  # steps of each framework, on the same batches: their losses are compared
BATCH = 64
# (kind, arguments): conv (in, out, k, pad), pool (k), flat, linear (in, out), relu
NETS = {
    "lenet": {"input": (1, 28, 28), "target": 1.2, "layers": [
        ("conv", (1, 6, 5, 2)), ("relu",), ("pool", (2,)),
        ("conv", (6, 16, 5, 0)), ("relu",), ("pool", (2,)), ("flat",),
        ("linear", (400, 120)), ("relu",), ("linear", (120, 84)), ("relu",),
        ("linear", (84, 10))]},
    "cifar": {"input": (3, 32, 32), "target": 1.4, "layers": [
        ("conv", (3, 32, 3, 1)), ("relu",), ("pool", (2,)),
        ("conv", (32, 64, 3, 1)), ("relu",), ("pool", (2,)), ("flat",),
        ("linear", (4096, 10))]},
}


def initial_weights(net: str, seed: int = 0) -> list[tuple[np.ndarray, np.ndarray]]:
    """PyTorch's default init ranges (uniform +-1/sqrt(fan_in)), drawn by NumPy."""
    rng = np.random.default_rng(seed)
    out = []
    for kind, *args in NETS[net]["layers"]:
        if kind == "conv":
            cin, cout, k, _ = args[0]
            shape, fan_in = (cout, cin, k, k), cin * k * k
        elif kind == "linear":
            fin, fout = args[0]
            shape, fan_in = (fout, fin), fin
        else:
            continue
        bound = 1 / np.sqrt(fan_in)
        out.append((rng.uniform(-bound, bound, shape).astype(np.float32),
                    rng.uniform(-bound, bound, shape[0]).astype(np.float32)))
    return out


def make_batches(net: str, n: int, seed: int = 0) -> list[tuple[np.ndarray, np.ndarray]]:
    rng = np.random.default_rng(seed)
    return [(rng.standard_normal((BATCH, *NETS[net]["input"]), dtype=np.float32),
             rng.integers(0, 10, BATCH)) for _ in range(n)]


def tinytorch_step_fn(net: str):
    from tinytorch.activations import ReLU
    from tinytorch.layers import Linear, Sequential
    from tinytorch.losses import CrossEntropyLoss
    from tinytorch.optimizers import Adam
    from tinytorch.spatial import Conv2d, Flatten, MaxPool2d
    from tinytorch.tensor import Tensor

    weights, layers = iter(initial_weights(net)), []
    for kind, *args in NETS[net]["layers"]:
        if kind in ("conv", "linear"):
            layer = (Conv2d(*args[0][:3], padding=args[0][3]) if kind == "conv"
                     else Linear(*args[0]))
            w, b = next(weights)
            layer.weight.data[...] = w
            layer.bias.data[...] = b
        else:
            layer = {"relu": ReLU, "flat": Flatten}.get(kind, MaxPool2d)(*(args[0] if args
                                                                           else ()))
        layers.append(layer)
    model = Sequential(*layers)
    opt, loss_fn = Adam(model.parameters(), lr=1e-3), CrossEntropyLoss()

    return _timing.adam_step(model, opt, loss_fn, Tensor, lambda y: y)


def torch_step_fn(net: str):
    import torch

    weights, layers = iter(initial_weights(net)), []
    for kind, *args in NETS[net]["layers"]:
        if kind in ("conv", "linear"):
            layer = (torch.nn.Conv2d(*args[0][:3], padding=args[0][3]) if kind == "conv"
                     else torch.nn.Linear(*args[0]))
            w, b = next(weights)
            with torch.no_grad():
                layer.weight.copy_(torch.from_numpy(w))
                layer.bias.copy_(torch.from_numpy(b))
        else:
            layer = {"relu": torch.nn.ReLU, "flat": torch.nn.Flatten}.get(
                kind, torch.nn.MaxPool2d)(*(args[0] if args else ()))
        layers.append(layer)
    model = torch.nn.Sequential(*layers)
    opt, loss_fn = torch.optim.Adam(model.parameters(), lr=1e-3), torch.nn.CrossEntropyLoss()

    return _timing.adam_step(model, opt, loss_fn, torch.from_numpy, torch.from_numpy)


def bench(net: str, steps: int, rounds: int) -> dict:
    tt, pt, drift = _timing.same_numbers(tinytorch_step_fn(net), torch_step_fn(net),
                                         make_batches(net, WARMUP))
    r = {"benchmark": f"{net}_adam_step", "batch": BATCH,
         **_timing.interleave(tt, pt, steps, rounds, warmup=0, target=NETS[net]["target"]),
         "max_loss_difference": drift}
    print(f"{net}, batch {BATCH}, Adam: TinyTorch {r['tinytorch_ms']:.2f} ms/step, PyTorch "
          f"{r['pytorch_ms']:.2f} ms/step -> ratio {r['ratio']:.2f} (target <= "
          f"{r['target_ratio']}); best of {rounds} rounds, median round ratio "
          f"{r['median_round_ratio']:.2f}; largest loss difference {drift:.2e}")
    return r


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--steps", type=int, default=40, help="timed steps per round")
    p.add_argument("--rounds", type=int, default=5, help="alternating rounds per framework")
    p.add_argument("--only", choices=sorted(NETS), default=None, help="one net only")
    p.add_argument("--report", type=Path, default=None)
    args = p.parse_args()
    torch = _timing.peer()
    if torch is None:
        return 2
    results = [bench(net, args.steps, args.rounds) for net in ([args.only] if args.only
                                                               else NETS)]
    if args.report:
        _timing.write_json_atomic(args.report, {"results": results, **_timing.machine(torch)})
    return 0 if all(r["passed"] for r in results) else 1


if __name__ == "__main__":
    sys.exit(main())
