"""Benchmark: the matmul ladder and the two convolutions, in GFLOP/s on this machine.

Module 19's first lesson, measured: the same product computed four ways
(`tinytorch.kernels.MATMUL_LADDER`: three Python loops, Python loops in
tiles, one Python loop over rows with NumPy vector ops, one BLAS call),
each in GFLOP/s and as a fraction of the BLAS peak (BLAS's best figure in
this run), on square float32 matrices: 64 and 128 for every rung (the
Python rungs take seconds beyond that), up to 512 for the others. Then
tt-spatial's two convolutions, reused, not copied: `conv2d` (im2col and
one BLAS product) and `conv2d_loops` (a Python loop per output pixel),
forward only, in GFLOP/s.

Every workload runs in each of `--rounds` rounds, one after the other, so a
slow phase of this shared machine hits all of them; each is judged by its
best round and the range over rounds is printed beside it, with the load
average. One BLAS thread (`_timing.py`). No target: the figures are the
lesson. Exits 0.

    python benchmarks/kernels_ladder.py [--steps 10] [--rounds 5] [--report FILE.json]

Needs tt-kernels and the chain before it (tt-spatial among it). No PyTorch.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable
from typing import Any

import _timing  # before NumPy: it pins BLAS to one thread
import numpy as np

#: The last module this benchmark uses: `nox -s benchmark` installs the chain up to it.
REQUIRES = "tt-kernels"

PYTHON_SIZES = (64, 128)  # the rungs whose inner loops are Python
FAST_SIZES = (64, 128, 256, 512)
CONVS = (  # (name, input shape, out channels, kernel, padding)
    ("LeNet conv 2: 6->16, 5x5 on 14x14, batch 8", (8, 6, 14, 14), 16, 5, 0),
    ("CIFAR conv 2: 32->64, 3x3 pad 1 on 16x16, batch 2", (2, 32, 16, 16), 64, 3, 1),
)


def workloads(steps: int) -> list[dict[str, Any]]:
    """Each: name, family, FLOPs per call, the call, calls per round."""
    from tinytorch.kernels import MATMUL_LADDER, matmul_flops
    from tinytorch.spatial import conv2d, conv2d_loops
    from tinytorch.tensor import Tensor

    rng = np.random.default_rng(0)
    found = []
    for rung, fn in MATMUL_LADDER:
        python = rung in ("naive", "blocked")
        for n in PYTHON_SIZES if python else FAST_SIZES:
            a = rng.standard_normal((n, n)).astype(np.float32)
            b = rng.standard_normal((n, n)).astype(np.float32)
            found.append({"name": f"matmul {rung} {n}x{n}", "family": "matmul", "rung": rung,
                          "size": n, "flops": matmul_flops(n, n, n),
                          "call": (lambda fn=fn, a=a, b=b: fn(a, b)),
                          "calls": 1 if python else (steps if n <= 256 else max(1, steps // 4)),
                          "check": float(np.max(np.abs(fn(a, b) - a @ b)))})
    for name, shape, out_ch, k, pad in CONVS:
        x = Tensor(rng.standard_normal(shape).astype(np.float32))
        w = Tensor((rng.standard_normal((out_ch, shape[1], k, k)) / k).astype(np.float32))
        side = shape[2] + 2 * pad - k + 1
        flops = 2 * shape[0] * out_ch * side * side * shape[1] * k * k
        fast = conv2d(x, w, padding=pad).data
        diff = float(np.max(np.abs(conv2d_loops(x, w, padding=pad).data - fast)))
        for label, fn, calls in (("im2col (conv2d)", conv2d, steps),
                                 ("loops (conv2d_loops)", conv2d_loops, 1)):
            found.append({"name": f"{label}: {name}", "family": "conv", "rung": label,
                          "size": shape, "flops": flops, "calls": calls, "check": diff,
                          "call": (lambda fn=fn, x=x, w=w, pad=pad: fn(x, w, padding=pad))})
    return found


def main() -> int:
    args = _timing.arguments(__doc__, steps=10, only=False)
    load_before = _timing.load_average()
    loads = workloads(args.steps)
    rounds: dict[str, list[float]] = {w["name"]: [] for w in loads}
    for _ in range(args.rounds):
        for w in loads:
            call: Callable[[], Any] = w["call"]
            rounds[w["name"]].append(_timing.time_round(call, w["calls"]))
    load_after = _timing.load_average()
    peak = max(w["flops"] / (min(rounds[w["name"]]) * 1e6) for w in loads
               if w["family"] == "matmul" and w["rung"] == "blas")
    rows = []
    for w in loads:
        best, worst = min(rounds[w["name"]]), max(rounds[w["name"]])
        gflops = w["flops"] / (best * 1e6)  # ms -> GFLOP/s
        rows.append({"workload": w["name"], "family": w["family"], "rung": w["rung"],
                     "size": w["size"], "flops": w["flops"], "best_ms": round(best, 4),
                     "worst_ms": round(worst, 4), "gflops": round(gflops, 4),
                     "gflops_range": [round(w["flops"] / (worst * 1e6), 4), round(gflops, 4)],
                     "fraction_of_blas_peak": round(gflops / peak, 6),
                     "max_difference": w["check"], "rounds_ms": [round(t, 4) for t in
                                                                 rounds[w["name"]]]})
    def largest(family: str) -> float:
        return max(r["max_difference"] for r in rows if r["family"] == family)

    width = max(len(r["workload"]) for r in rows)
    print(f"{'workload (float32, forward)':<{width}}  best ms  GFLOP/s (range)       "
          f"of BLAS peak")
    for r in rows:
        lo, hi = r["gflops_range"]
        print(f"{r['workload']:<{width}}  {r['best_ms']:>9.3f}  {hi:>8.3f} ({lo:.3f}-{hi:.3f})"
              f"  {100 * r['fraction_of_blas_peak']:>9.3f}%")
    print(f"BLAS peak in this run: {peak:.2f} GFLOP/s (one thread); best of {args.rounds} "
          f"rounds; load average {load_before} before, {load_after} after, on "
          f"{os.cpu_count()} cores; largest difference from a @ b {largest('matmul'):.1e}, "
          f"conv2d against its loops {largest('conv'):.1e}")
    return _timing.finish_alone(args, rows, load_before, benchmark="kernels_ladder",
                                blas_peak_gflops=peak)

if __name__ == "__main__":
    sys.exit(main())
