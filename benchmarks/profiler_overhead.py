"""Benchmark: what the Profiler costs, on one training step of the gpt_2018 GPT.

Times the step of benchmarks/gpt_step.py (4 layers, d 128, 4 heads, T 64,
B 32: forward, lm_loss, backward, AdamW, zero_grad) plain and inside
`with Profiler(model):`, interleaved in the same process with one thread
(`compare` of tinytorch.benchmarking rotates who goes first each round), and
reports the ratio of the medians; then the same for 1000 tiny (4, 4) adds,
the worst case, as microseconds per primitive, beside an empty observer
(the part that is tt-tensor's reporting, not the Profiler's work). Then
profiles one step and prints the Profiler's table (FLOPs, peak live tensor
memory, the slowest ops): the tables of docs/modules/18-benchmarking.md
come from this script.

    python benchmarks/profiler_overhead.py [--steps 10] [--report FILE.json]

Needs the Part III packages and tt-benchmarking.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import _timing  # before NumPy: it pins BLAS to one thread
from gpt_step import BATCH, SHAPE, make_batches, tinytorch_step_fn

#: The last module this benchmark uses: `nox -s benchmark` installs the chain up to it.
REQUIRES = "tt-benchmarking"
SMALL_OPS = 1000


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--steps", type=int, default=10,
                   help="timed steps per variant, interleaved one by one")
    p.add_argument("--rounds", type=int, default=None,
                   help="taken for `nox -s benchmark -- --rounds N`; unused: every step is "
                        "its own interleaved round here")
    p.add_argument("--warmup", type=int, default=2)
    p.add_argument("--top", type=int, default=12, help="ops shown in the table")
    p.add_argument("--report", type=Path, default=None)
    args = p.parse_args()

    import numpy as np
    from tinytorch.benchmarking import Profiler, compare, machine_info
    from tinytorch.tensor import Tensor, observe_ops

    model, step = tinytorch_step_fn()
    batches = make_batches(4)
    state = {"i": 0}

    def plain() -> None:
        state["i"] += 1
        step(*batches[state["i"] % len(batches)])

    def profiled() -> None:
        with Profiler(model):
            plain()

    table = compare({"plain step": plain, "inside Profiler": profiled}, warmup=args.warmup,
                    repeats=args.steps)
    ratio = table.ratio("inside Profiler")
    print(f"Profiler overhead on a GPT training step: {ratio:.3f}x the plain step "
          f"({100 * (ratio - 1):+.1f}%)\n")

    # the worst case: many tiny primitives, where the per-op cost is all there is
    x = Tensor(np.ones((4, 4), np.float32))

    def tiny() -> None:
        y = x
        for _ in range(SMALL_OPS):
            y = y + 1.0

    def tiny_observed() -> None:  # tt-tensor's observer plumbing alone
        with observe_ops(lambda event: None):
            tiny()

    def tiny_profiled() -> None:
        with Profiler():
            tiny()

    small = compare({"1000 tiny adds": tiny, "empty observer": tiny_observed,
                     "inside Profiler": tiny_profiled},
                    warmup=args.warmup, repeats=max(args.steps, 10))

    def per_op_us(name: str) -> float:
        return 1e3 * (small[name].median_ms - small["1000 tiny adds"].median_ms) / SMALL_OPS

    print(f"per primitive: {per_op_us('inside Profiler'):.2f} us more inside the Profiler "
          f"({small.ratio('inside Profiler'):.2f}x on (4, 4) adds), of which "
          f"{per_op_us('empty observer'):.2f} us is tt-tensor's observer plumbing\n")

    with Profiler(model) as prof:
        plain()
    text = prof.table(top=args.top)
    print(f"one profiled step (GPT {SHAPE}, batch {BATCH}):")
    print(text)
    if args.report:
        report = prof.report()
        _timing.write_json_atomic(args.report, {
            "benchmark": "profiler_overhead", "shape": SHAPE, "batch": BATCH,
            "comparison": table.rows(), "ratio": ratio, "tiny_ops": small.rows(),
            "per_op_overhead_us": per_op_us("inside Profiler"),
            "per_op_observer_us": per_op_us("empty observer"),
            "profile": {k: report[k] for k in ("parameters", "flops", "memory", "time")},
            "top_ops": report["ops"][:args.top], "table": text,
            "machine": machine_info().describe(),
        })
    return 0


if __name__ == "__main__":
    sys.exit(main())
