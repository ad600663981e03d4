"""Benchmark: one training step of LeNet-5 and of a CIFAR-style CNN (batch 64, Adam).

Times TinyTorch and PyTorch (CPU) on the same shapes, from the same initial
weights and batches, each framework in its own process, alternating in
rounds after a warm-up, with one thread for NumPy's BLAS and for PyTorch
(two threads on this busy 2-core machine make every ratio random). Reports
TinyTorch's time as a ratio to PyTorch's; the targets live here, never in a
test.

A step is: forward, cross-entropy loss, backward, Adam update, zero_grad.

- `lenet`: LeNet-5 on (64, 1, 28, 28): conv 6@5x5 pad 2, ReLU, max-pool 2,
  conv 16@5x5, ReLU, max-pool 2, 400-120-84-10. Target <= 1.2.
- `cifar`: on (64, 3, 32, 32): conv 32@3x3 pad 1, ReLU, max-pool 2, conv
  64@3x3 pad 1, ReLU, max-pool 2, 4096-10. Target <= 1.4.

    python benchmarks/cnn_step.py [--steps 40] [--rounds 3] [--only lenet|cifar]
                                  [--report FILE.json]

Needs the Part I and Part II packages and torch==2.13.0 (the CPU build).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import time
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "milestones"))
sys.path.insert(0, str(HERE))
from harness import write_json_atomic  # noqa: E402
from mlp_step import time_steps  # noqa: E402

REQUIRES = "tt-spatial"  # the last module used: `nox -s benchmark` installs 01..09
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

    def step(x: np.ndarray, y: np.ndarray) -> float:
        opt.zero_grad()
        loss = loss_fn(model(Tensor(x)), y)
        loss.backward()
        opt.step()
        return loss.item()

    return step


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

    def step(x: np.ndarray, y: np.ndarray) -> float:
        opt.zero_grad()
        loss = loss_fn(model(torch.from_numpy(x)), torch.from_numpy(y))
        loss.backward()
        opt.step()
        return loss.item()

    return step


def worker(framework: str, net: str, steps: int) -> None:
    """Time one framework on one net in this process; print the result as JSON."""
    if framework == "torch":
        import torch

        torch.set_num_threads(1)
    make = tinytorch_step_fn if framework == "tinytorch" else torch_step_fn
    times, losses = time_steps(make(net), make_batches(net, steps), warmup=min(5, steps // 4))
    print(json.dumps({"times": times, "losses": losses}))


def measure(framework: str, net: str, steps: int) -> dict:
    env = {**os.environ, "OMP_NUM_THREADS": "1", "OPENBLAS_NUM_THREADS": "1",
           "MKL_NUM_THREADS": "1"}
    proc = subprocess.run([sys.executable, __file__, "--worker", framework, "--net", net,
                           "--steps", str(steps)], capture_output=True, text=True, env=env,
                          check=False)
    if proc.returncode != 0:
        raise SystemExit(f"{framework} worker ({net}) failed:\n{proc.stderr.strip()}")
    return json.loads(proc.stdout.strip().splitlines()[-1])


def bench(net: str, steps: int, rounds: int) -> dict:
    """Alternate the frameworks in rounds; judge each by its best round (as mlp_step.py)."""
    tt_rounds, pt_rounds = [], []
    for _ in range(rounds):
        tt, pt = measure("tinytorch", net, steps), measure("torch", net, steps)
        tt_rounds.append(1e3 * statistics.median(tt["times"]))
        pt_rounds.append(1e3 * statistics.median(pt["times"]))
    drift = max(abs(a - b) for a, b in zip(tt["losses"], pt["losses"], strict=False))
    tt_ms, pt_ms = min(tt_rounds), min(pt_rounds)
    target = NETS[net]["target"]
    ratio = tt_ms / pt_ms
    median_ratio = statistics.median(tt_rounds) / statistics.median(pt_rounds)
    print(f"{net}, batch {BATCH}, Adam: TinyTorch {tt_ms:.2f} ms/step, PyTorch {pt_ms:.2f} "
          f"ms/step -> ratio {ratio:.2f} (target <= {target}); best of {rounds} rounds, "
          f"median round ratio {median_ratio:.2f}; largest loss difference {drift:.2e}")
    return {"benchmark": f"{net}_adam_step", "batch": BATCH, "steps": steps, "rounds": rounds,
            "tinytorch_ms": round(tt_ms, 3), "pytorch_ms": round(pt_ms, 3),
            "ratio": round(ratio, 3), "target_ratio": target, "passed": ratio <= target,
            "median_round_ratio": round(median_ratio, 3),
            "tinytorch_rounds_ms": [round(t, 3) for t in tt_rounds],
            "pytorch_rounds_ms": [round(t, 3) for t in pt_rounds],
            "max_loss_difference": drift}


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--steps", type=int, default=40, help="steps per round and framework")
    p.add_argument("--rounds", type=int, default=3, help="alternating rounds per framework")
    p.add_argument("--only", choices=sorted(NETS), default=None, help="one net only")
    p.add_argument("--report", type=Path, default=None)
    p.add_argument("--worker", choices=["tinytorch", "torch"], help=argparse.SUPPRESS)
    p.add_argument("--net", choices=sorted(NETS), help=argparse.SUPPRESS)
    args = p.parse_args()
    if args.worker:
        worker(args.worker, args.net, args.steps)
        return 0
    try:
        import torch
    except ImportError:
        print("PyTorch is not installed: pip install torch==2.13.0 (the CPU build)")
        return 2
    results = [bench(net, args.steps, args.rounds) for net in ([args.only] if args.only
                                                               else NETS)]
    report = {"results": results, "torch": torch.__version__, "numpy": np.__version__,
              "threads": 1, "cpus": os.cpu_count(),
              "machine": platform.processor() or platform.machine(),
              "date": time.strftime("%Y-%m-%d")}
    if args.report:
        write_json_atomic(args.report, report)
    return 0 if all(r["passed"] for r in results) else 1


if __name__ == "__main__":
    sys.exit(main())
