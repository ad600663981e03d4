"""Benchmark: Conv2d and MaxPool2d forward + backward against PyTorch (CPU).

Times TinyTorch's `tinytorch.spatial` and PyTorch on the same shapes and the
same numbers, in the same process, interleaved in rounds after a warm-up,
with one thread each (NumPy's BLAS and PyTorch's intra-op pool; `_timing.py`):
on a busy 2-core machine two threads make every ratio random. Reports TinyTorch's time
as a ratio to PyTorch's; the targets live here, never in a test.

A step is: forward, then backward with a fixed upstream gradient (the input
gradient too, except for a network's first layer, whose input is data).

| workload | shapes (batch 64) | target |
|---|---|---|
| conv LeNet 1 | 1 -> 6, 5x5, on 28x28 | <= 1.5 |
| conv LeNet 2 | 6 -> 16, 5x5, on 14x14 | <= 1.5 |
| conv CIFAR 1 | 3 -> 32, 3x3 pad 1, on 32x32 | <= 1.5 |
| conv CIFAR 2 | 32 -> 64, 3x3 pad 1, on 16x16 | <= 1.5 |
| maxpool LeNet | 2x2 on 6x28x28 | <= 1.0 |
| maxpool CIFAR | 2x2 on 32x32x32 | <= 1.0 |

    python benchmarks/conv_pool.py [--steps 30] [--rounds 5] [--report FILE.json]

Needs tt-spatial (and its dependencies) and torch==2.13.0 (the CPU build).
"""

from __future__ import annotations

import sys
from dataclasses import dataclass
from typing import Any

import _timing  # before NumPy: it pins BLAS to one thread
import numpy as np

#: The last module this benchmark uses: `nox -s benchmark` installs the chain up to it.
REQUIRES = "tt-spatial"

BATCH = 64


@dataclass(frozen=True)
class Workload:
    name: str
    kind: str  # "conv" or "maxpool"
    input_shape: tuple[int, int, int, int]
    out_channels: int = 0
    kernel: int = 2
    padding: int = 0
    input_grad: bool = True
    target: float = 1.5


WORKLOADS = (
    Workload("conv LeNet 1 (1->6 5x5, 28x28)", "conv", (BATCH, 1, 28, 28), 6, 5,
             input_grad=False),
    Workload("conv LeNet 2 (6->16 5x5, 14x14)", "conv", (BATCH, 6, 14, 14), 16, 5),
    Workload("conv CIFAR 1 (3->32 3x3 p1, 32x32)", "conv", (BATCH, 3, 32, 32), 32, 3, 1,
             input_grad=False),
    Workload("conv CIFAR 2 (32->64 3x3 p1, 16x16)", "conv", (BATCH, 32, 16, 16), 64, 3, 1),
    Workload("maxpool 2x2 LeNet (6x28x28)", "maxpool", (BATCH, 6, 28, 28), target=1.0),
    Workload("maxpool 2x2 CIFAR (32x32x32)", "maxpool", (BATCH, 32, 32, 32), target=1.0),
)


def arrays(w: Workload, seed: int = 0) -> dict[str, np.ndarray]:
    """Input, weights and upstream gradient, float32, the same for both frameworks."""
    rng = np.random.default_rng(seed)
    x = rng.standard_normal(w.input_shape, dtype=np.float32)
    if w.kind == "maxpool":
        x = np.maximum(x, 0)  # after a ReLU: many ties at 0, the realistic case
        out_hw = (w.input_shape[2] // 2, w.input_shape[3] // 2)
        return {"x": x, "g": rng.standard_normal((BATCH, w.input_shape[1], *out_hw),
                                                 dtype=np.float32)}
    c = w.input_shape[1]
    bound = 1 / np.sqrt(c * w.kernel * w.kernel)
    weight = rng.uniform(-bound, bound, (w.out_channels, c, w.kernel, w.kernel))
    bias = rng.uniform(-bound, bound, w.out_channels)
    oh = w.input_shape[2] + 2 * w.padding - w.kernel + 1
    ow = w.input_shape[3] + 2 * w.padding - w.kernel + 1
    g = rng.standard_normal((BATCH, w.out_channels, oh, ow), dtype=np.float32)
    return {"x": x, "weight": weight.astype(np.float32), "bias": bias.astype(np.float32),
            "g": g}


def tinytorch_step(w: Workload, a: dict[str, np.ndarray]) -> Any:
    from tinytorch.spatial import Conv2d, MaxPool2d
    from tinytorch.tensor import Tensor

    if w.kind == "conv":
        layer = Conv2d(w.input_shape[1], w.out_channels, w.kernel, padding=w.padding)
        layer.weight.data[...] = a["weight"]
        layer.bias.data[...] = a["bias"]
    else:
        layer = MaxPool2d(2)
    x = Tensor(a["x"], requires_grad=w.input_grad)
    g = Tensor(a["g"])
    params = list(layer.parameters())

    def step() -> np.ndarray:
        x.grad = None
        for p in params:
            p.grad = None
        y = layer(x)
        y.backward(g)
        return y.data

    return step


def torch_step(w: Workload, a: dict[str, np.ndarray]) -> Any:
    import torch

    if w.kind == "conv":
        layer = torch.nn.Conv2d(w.input_shape[1], w.out_channels, w.kernel, padding=w.padding)
        with torch.no_grad():
            layer.weight.copy_(torch.from_numpy(a["weight"]))
            layer.bias.copy_(torch.from_numpy(a["bias"]))
    else:
        layer = torch.nn.MaxPool2d(2)
    x = torch.from_numpy(a["x"]).requires_grad_(w.input_grad)
    g = torch.from_numpy(a["g"])
    params = list(layer.parameters())

    def step() -> np.ndarray:
        x.grad = None
        for p in params:
            p.grad = None
        y = layer(x)
        y.backward(g)
        return y.detach().numpy()

    return step


def run(w: Workload, steps: int, rounds: int) -> dict[str, Any]:
    a = arrays(w)
    tt, pt = tinytorch_step(w, a), torch_step(w, a)
    diff = float(np.max(np.abs(tt() - pt())))
    return {"workload": w.name, **_timing.interleave(tt, pt, steps, rounds, warmup=3,
                                                     target=w.target),
            "max_output_difference": diff}


def main() -> int:
    args = _timing.arguments(__doc__)
    torch = _timing.peer()
    if torch is None:
        return 2
    rows = [run(w, args.steps, args.rounds) for w in WORKLOADS
            if args.only is None or args.only in w.name]
    _timing.table(rows, "workload (batch 64, forward + backward)", args)
    return _timing.finish(args, torch, rows, benchmark="conv_pool_forward_backward",
                          batch=BATCH)


if __name__ == "__main__":
    sys.exit(main())
