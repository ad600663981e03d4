"""Benchmark: Embedding forward + backward against PyTorch (CPU), and the add.at twin.

Times TinyTorch's `tinytorch.embeddings.Embedding` and `torch.nn.Embedding`
on the same ids, weights and upstream gradient, in the same process,
interleaved in rounds after a warm-up, with one thread each (NumPy's BLAS
and PyTorch's intra-op pool; `_timing.py`). Reports TinyTorch's time as a
ratio to PyTorch's; the targets live here, never in a test. The teaching
twin (`embedding_add_at`, whose backward is `np.add.at`) is timed against
PyTorch the same way and reported beside it, without a target.

A step is: forward of a batch of 32 sequences of 64 ids (2048 ids, GPT's
batch and context in the gpt_2018 milestone), then backward with a fixed
upstream gradient into the (V, 128) table. The backward is the hard part:
it must add up the gradients of repeated ids.

| workload | ids | target |
|---|---|---|
| Embedding(65, 128) | 2048, uniform over 65 characters: each 17 to 43 times | <= 1.5 |
| Embedding(4096, 128) | 2048, uniform over 4096: 1600 distinct, 384 of them 2-4 times | <= 1.5 |

    python benchmarks/embedding.py [--steps 30] [--rounds 5] [--report FILE.json]

Needs tt-embeddings (and its dependencies) and torch==2.13.0 (the CPU build).
"""

from __future__ import annotations

import sys
from dataclasses import dataclass
from typing import Any

import _timing  # before NumPy: it pins BLAS to one thread
import numpy as np

#: The last module this benchmark uses: `nox -s benchmark` installs the chain up to it.
REQUIRES = "tt-embeddings"

BATCH, CONTEXT, DIM = 32, 64, 128


@dataclass(frozen=True)
class Workload:
    name: str
    vocab: int
    target: float = 1.5


WORKLOADS = (
    Workload("Embedding(65, 128), many repeats", 65),
    Workload("Embedding(4096, 128), few repeats", 4096),
)


def arrays(w: Workload, seed: int = 0) -> dict[str, np.ndarray]:
    """Ids, table and upstream gradient, the same for both frameworks (float32)."""
    rng = np.random.default_rng(seed)
    return {"ids": rng.integers(0, w.vocab, size=(BATCH, CONTEXT)),
            "weight": rng.standard_normal((w.vocab, DIM), dtype=np.float32),
            "g": rng.standard_normal((BATCH, CONTEXT, DIM), dtype=np.float32)}


def tinytorch_step(a: dict[str, np.ndarray], twin: bool = False) -> Any:
    from tinytorch.embeddings import Embedding, embedding_add_at
    from tinytorch.tensor import Tensor

    layer = Embedding(*a["weight"].shape)
    layer.weight.data[...] = a["weight"]
    ids, g = Tensor(a["ids"]), Tensor(a["g"])

    def step() -> tuple[np.ndarray, np.ndarray]:
        layer.weight.grad = None
        y = embedding_add_at(ids, layer.weight) if twin else layer(ids)
        y.backward(g)
        return y.data, layer.weight.grad.data

    return step


def torch_step(a: dict[str, np.ndarray]) -> Any:
    import torch

    layer = torch.nn.Embedding(*a["weight"].shape)
    with torch.no_grad():
        layer.weight.copy_(torch.from_numpy(a["weight"]))
    ids, g = torch.from_numpy(a["ids"]), torch.from_numpy(a["g"])

    def step() -> tuple[np.ndarray, np.ndarray]:
        layer.weight.grad = None
        y = layer(ids)
        y.backward(g)
        return y.detach().numpy(), layer.weight.grad.numpy()

    return step


def run(w: Workload, steps: int, rounds: int) -> dict[str, Any]:
    a = arrays(w)
    tt, twin, pt = tinytorch_step(a), tinytorch_step(a, twin=True), torch_step(a)
    (y, grad), (_, twin_grad), (ty, tgrad) = tt(), twin(), pt()
    repeats = np.bincount(a["ids"].ravel(), minlength=w.vocab)
    result = {"workload": w.name, **_timing.interleave(tt, pt, steps, rounds, warmup=3,
                                                       target=w.target)}
    twin_timing = _timing.interleave(twin, pt, max(1, steps // 3), rounds, warmup=1,
                                     target=w.target)
    result.update({
        "twin_ms": twin_timing["tinytorch_ms"], "twin_ratio": twin_timing["ratio"],
        "distinct_ids": int(np.count_nonzero(repeats)), "most_repeats": int(repeats.max()),
        "max_output_difference": float(np.max(np.abs(y - ty))),
        "max_gradient_difference": float(max(np.max(np.abs(grad - tgrad)),
                                             np.max(np.abs(twin_grad - tgrad)))),
    })
    return result


def main() -> int:
    args = _timing.arguments(__doc__)
    torch = _timing.peer()
    if torch is None:
        return 2
    rows = [run(w, args.steps, args.rounds) for w in WORKLOADS
            if args.only is None or args.only in w.name]
    _timing.table(rows, "workload (2048 ids, forward + backward)", args,
                  ("add.at twin ms (ratio)",
                   lambda r: f"{r['twin_ms']:>8.3f} ({r['twin_ratio']:.2f})"))
    print(f"largest gradient difference {max(r['max_gradient_difference'] for r in rows):.2e}")
    return _timing.finish(args, torch, rows, benchmark="embedding_forward_backward",
                          batch=BATCH, context=CONTEXT, dim=DIM)


if __name__ == "__main__":
    sys.exit(main())
