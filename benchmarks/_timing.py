"""What every benchmark here shares: one thread, and both frameworks timed in turns.

Import this module before NumPy: it pins NumPy's BLAS to one thread, which
only works before the library loads. PyTorch gets one thread in `peer()`.
On this busy 2-core machine two threads each make every ratio random.

`interleave` times TinyTorch and PyTorch in the SAME process, in alternating
rounds after a warm-up: a slow phase of the machine (another job, a noisy
neighbour) then hits both frameworks instead of one. Each framework is
judged by its best round (timeit's advice: the minimum is the estimate that
disturbances touch least) and the median round's ratio is reported beside
it. Files whose name starts with `_` are helpers, not benchmarks: `nox -s
benchmark` does not run them.
"""

from __future__ import annotations

import os
import sys

if "numpy" in sys.modules:
    raise RuntimeError("import _timing before NumPy: BLAS reads its thread count when it loads")
for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ[_var] = "1"

import argparse  # noqa: E402
import itertools  # noqa: E402
import platform  # noqa: E402
import statistics  # noqa: E402
import time  # noqa: E402
from collections.abc import Callable  # noqa: E402
from pathlib import Path  # noqa: E402
from typing import Any  # noqa: E402

import numpy as np  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "milestones"))
from harness import write_json_atomic  # noqa: E402 (also used by the scripts)

Step = Callable[[], Any]


def peer() -> Any:
    """PyTorch with one intra-op thread, or None (with the install hint printed)."""
    try:
        import torch
    except ImportError:
        print("PyTorch is not installed: pip install torch==2.13.0 (the CPU build)")
        return None
    torch.set_num_threads(1)
    return torch


def time_round(step: Step, steps: int) -> float:
    """Median milliseconds of `steps` calls of `step`."""
    times = []
    for _ in range(steps):
        t0 = time.perf_counter()
        step()
        times.append(time.perf_counter() - t0)
    return 1e3 * statistics.median(times)


def interleave(tinytorch: Step, pytorch: Step, steps: int, rounds: int, warmup: int,
               target: float) -> dict[str, Any]:
    """Time both steps in alternating rounds; TinyTorch's time as a ratio to PyTorch's."""
    for _ in range(warmup):
        tinytorch(), pytorch()
    tt_rounds, pt_rounds = [], []
    for _ in range(rounds):
        tt_rounds.append(time_round(tinytorch, steps))
        pt_rounds.append(time_round(pytorch, steps))
    tt_ms, pt_ms = min(tt_rounds), min(pt_rounds)
    ratio = tt_ms / pt_ms
    return {
        "tinytorch_ms": round(tt_ms, 3), "pytorch_ms": round(pt_ms, 3),
        "ratio": round(ratio, 3), "target_ratio": target, "passed": ratio <= target,
        "median_round_ratio": round(statistics.median(tt_rounds)
                                    / statistics.median(pt_rounds), 3),
        "tinytorch_rounds_ms": [round(t, 3) for t in tt_rounds],
        "pytorch_rounds_ms": [round(t, 3) for t in pt_rounds],
        "steps": steps, "rounds": rounds,
    }


def same_numbers(tinytorch: Callable[..., float], pytorch: Callable[..., float],
                 batches: list[tuple[np.ndarray, np.ndarray]]) -> tuple[Step, Step,
                                                                          float]:
    """Run both steps over `batches` (the warm-up); the largest loss difference, and
    each step as a no-argument call that goes on cycling through the batches."""
    drift = max(abs(tinytorch(x, y) - pytorch(x, y)) for x, y in batches)
    tt_batches, pt_batches = itertools.cycle(batches), itertools.cycle(batches)
    return (lambda: tinytorch(*next(tt_batches))), (lambda: pytorch(*next(pt_batches))), drift


def adam_step(model: Any, optimizer: Any, loss_fn: Any, inputs: Callable[[np.ndarray], Any],
              targets: Callable[[np.ndarray], Any]) -> Callable[[np.ndarray, np.ndarray], float]:
    """One training step, the same for both frameworks: zero_grad, forward, loss, backward,
    the optimizer's step; `inputs` and `targets` turn the NumPy batch into the framework's."""
    def step(x: np.ndarray, y: np.ndarray) -> float:
        optimizer.zero_grad()
        loss = loss_fn(model(inputs(x)), targets(y))
        loss.backward()
        optimizer.step()
        return loss.item()

    return step


def load_average() -> list[float]:
    """The 1, 5 and 15 minute load averages, rounded: how busy this shared machine is."""
    return [round(x, 2) for x in os.getloadavg()]


def machine(torch: Any = None) -> dict[str, Any]:
    """What a figure depends on: versions, threads, cores, and how busy the machine was.

    `torch`: the PyTorch peer, when the benchmark has one (its version and threads).
    """
    record = {"numpy": np.__version__, "blas_threads": 1, "cpus": os.cpu_count(),
              "load_average": load_average(),
              "machine": platform.processor() or platform.machine(),
              "date": time.strftime("%Y-%m-%d")}
    if torch is not None:
        record.update(torch=torch.__version__, torch_threads=torch.get_num_threads())
    return record


def finish_alone(args: argparse.Namespace, rows: list[dict[str, Any]], load_before: list[float],
                 **fields: Any) -> int:
    """`finish` for a benchmark without a PyTorch peer: the load before and after the run."""
    result = {**fields, "workloads": rows, "passed": all(r.get("passed", True) for r in rows),
              **machine(), "load_average_before": load_before}
    result["load_average_after"] = result.pop("load_average")
    if args.report:
        write_json_atomic(args.report, result)
    return 0 if result["passed"] else 1


def arguments(doc: str, steps: int = 30, only: bool = True) -> argparse.Namespace:
    """The options every layer benchmark takes: --steps, --rounds, --only, --report."""
    p = argparse.ArgumentParser(description=doc.splitlines()[0])
    p.add_argument("--steps", type=int, default=steps, help="timed steps per round")
    p.add_argument("--rounds", type=int, default=5, help="alternating rounds per framework")
    if only:
        p.add_argument("--only", default=None,
                       help="run the workloads whose name contains this")
    p.add_argument("--report", type=Path, default=None)
    return p.parse_args()


def table(rows: list[dict[str, Any]], title: str, args: argparse.Namespace,
          extra: tuple[str, Any] | None = None) -> None:
    """Print one line a workload (a target of None: no target) and the closing line.

    `extra`: (a column heading, a function of the row giving its cell).
    """
    width = max(len(r["workload"]) for r in rows)
    head = f"  {extra[0]}" if extra else ""
    print(f"{title:<{width}}  TinyTorch ms  PyTorch ms  ratio  target  median-round ratio{head}")
    for r in rows:
        target = "-" if r["target_ratio"] is None else f"<= {r['target_ratio']:g}"
        mark = "" if r["target_ratio"] is None else ("ok" if r["passed"] else "SLOW")
        cell = f"  {extra[1](r)}" if extra else ""
        print(f"{r['workload']:<{width}}  {r['tinytorch_ms']:>12.3f}  {r['pytorch_ms']:>10.3f}"
              f"  {r['ratio']:>5.2f}  {target:<7} {r['median_round_ratio']:>18.2f}{cell}  {mark}")
    print(f"best of {args.rounds} rounds of {args.steps} steps each, one thread each; "
          f"largest output difference {max(r['max_output_difference'] for r in rows):.2e}")


def finish(args: argparse.Namespace, torch: Any, rows: list[dict[str, Any]],
           **fields: Any) -> int:
    """Write the report (`--report`), with the machine's record; 0 when every target held."""
    result = {**fields, "workloads": rows, "passed": all(r["passed"] for r in rows),
              **machine(torch)}
    if args.report:
        write_json_atomic(args.report, result)
    return 0 if result["passed"] else 1
