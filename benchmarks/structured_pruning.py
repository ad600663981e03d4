"""Benchmark: inference time after pruning (module 22): structured pruning shrinks the matmuls.

Three ways to store the same MLP, timed on the same inputs, one thread, in the same process,
interleaved in rounds (`_timing.py`), each judged by its best round:

- dense: the MLP as trained (random weights here: speed does not depend on training);
- structured: `structured_prune(model, amount)`, whole hidden neurons removed, a smaller dense
  MLP (amount 0.5 and 0.9);
- sparse (CSR): `to_sparse` of the model magnitude-pruned to 90 %: the file shrinks, but the
  forward decompresses each weight and then runs the dense product, so it is no faster (and
  `csr_matmul`, the sparse kernel in NumPy, is timed against the dense product on the first
  layer, where its (batch, nnz) gather stays small).

Models: the digits MLP of integration/part4 (64-256-10) and an MNIST-sized MLP
(784-1024-1024-10), at batch 1 and batch 256. The ratio is the dense time over the pruned
time (> 1: faster). No target: the figures are printed with their round ranges and the load
average; the guide page quotes them.

    python benchmarks/structured_pruning.py [--rounds 5] [--steps 30] [--report FILE.json]

Needs tt-compression (and the chain before it).
"""

from __future__ import annotations

import argparse
import itertools
import os
import sys
from pathlib import Path
from typing import Any

import _timing  # before NumPy: it pins BLAS to one thread
import numpy as np

#: The last module this benchmark uses: `nox -s benchmark` installs the chain up to it.
REQUIRES = "tt-compression"

MODELS = {"digits 64-256-10": (64, 256, 10), "mnist 784-1024-1024-10": (784, 1024, 1024, 10)}
BATCHES = (1, 256)
MAX_GATHER = 5_000_000  # csr_matmul is timed only where its (batch, nnz) gather stays small


def mlp(sizes: tuple[int, ...]) -> Any:
    from tinytorch.activations import ReLU
    from tinytorch.layers import Linear, Sequential
    from tinytorch.tensor import manual_seed

    manual_seed(0)
    layers: list[Any] = []
    for a, b in itertools.pairwise(sizes):
        layers += [Linear(a, b), ReLU()]
    return Sequential(*layers[:-1])


def variants(sizes: tuple[int, ...]) -> dict[str, Any]:
    import copy

    from tinytorch.compression import magnitude_prune, structured_prune, to_sparse

    dense = mlp(sizes)
    pruned = copy.deepcopy(dense)
    magnitude_prune(pruned, 0.9)
    return {"dense": dense, "structured 0.5": structured_prune(dense, 0.5),
            "structured 0.9": structured_prune(dense, 0.9), "sparse CSR 0.9": to_sparse(pruned)}


def stored_values(model: Any) -> int:
    """Numbers the model keeps: its parameters, or a sparse layer's non-zeros and bias."""
    from tinytorch.compression import parameter_count

    sparse = sum(m.nnz + (0 if m.bias is None else m.bias.size)
                 for m in model.modules() if hasattr(m, "nnz"))
    return parameter_count(model) + sparse


def forward(model: Any, x: np.ndarray) -> Any:
    from tinytorch.autograd import no_grad
    from tinytorch.tensor import Tensor

    def step() -> Any:
        with no_grad():
            return model(Tensor(x))

    return step


def measure(args: argparse.Namespace) -> list[dict[str, Any]]:
    from tinytorch.compression import csr_matmul

    rows = []
    for name, sizes in MODELS.items():
        models = variants(sizes)
        for batch in BATCHES:
            x = np.random.default_rng(1).standard_normal((batch, sizes[0])).astype(np.float32)
            steps = {k: forward(m, x) for k, m in models.items()}
            first = models["sparse CSR 0.9"][0]
            if batch * first.nnz <= MAX_GATHER:  # the gather holds batch * nnz products
                arrays = (first.values, first.indices, first.indptr)
                steps["csr_matmul, first layer"] = (
                    lambda a=arrays, x=x, r=first.rows: csr_matmul(x, *a, rows=r))
                dense_first = models["dense"][0].weight.data
                steps["dense matmul, first layer"] = lambda w=dense_first, x=x: x @ w.T
            for step in steps.values():  # warm-up
                for _ in range(3):
                    step()
            rounds: dict[str, list[float]] = {k: [] for k in steps}
            for _ in range(args.rounds):
                for k, step in steps.items():
                    rounds[k].append(_timing.time_round(step, args.steps))
            best = {k: min(v) for k, v in rounds.items()}
            for k, ms in best.items():
                base = "dense matmul, first layer" if "first layer" in k else "dense"
                rows.append({
                    "model": name, "batch": batch, "variant": k, "best_ms": round(ms, 4),
                    "rounds_ms": [round(t, 4) for t in rounds[k]],
                    "speedup_vs_dense": round(best[base] / ms, 2),
                    "stored_values": stored_values(models[k]) if k in models else None})
    return rows


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--steps", type=int, default=30, help="timed forward passes per round")
    p.add_argument("--rounds", type=int, default=5, help="interleaved rounds")
    p.add_argument("--report", type=Path, default=None)
    args = p.parse_args()
    rows = measure(args)
    print(f"{'model':<24} {'batch':>5}  {'variant':<26} {'best ms':>9}  {'rounds ms':<19} "
          f"{'vs dense':>8}  stored values")
    for r in rows:
        spread = f"{min(r['rounds_ms']):.3f}-{max(r['rounds_ms']):.3f}"
        params = "" if r["stored_values"] is None else f"{r['stored_values']:,}"
        print(f"{r['model']:<24} {r['batch']:>5}  {r['variant']:<26} {r['best_ms']:>9.3f}  "
              f"{spread:<19} {r['speedup_vs_dense']:>7.2f}x  {params}")
    load = [round(v, 2) for v in os.getloadavg()]
    print(f"best of {args.rounds} interleaved rounds of {args.steps} forward passes (median per "
          f"round), one BLAS thread; load average {load}")
    if args.report:
        _timing.write_json_atomic(args.report, {"rows": rows, "load_average": load,
                                                "blas_threads": 1, "cpus": os.cpu_count()})
    return 0


if __name__ == "__main__":
    sys.exit(main())
