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

import itertools  # noqa: E402
import platform  # noqa: E402
import statistics  # noqa: E402
import time  # noqa: E402
from collections.abc import Callable  # noqa: E402
from pathlib import Path  # noqa: E402
from typing import Any  # noqa: E402

import numpy as np  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "milestones"))
from harness import write_json_atomic  # noqa: E402, F401 (re-exported for the scripts)

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


def machine(torch: Any) -> dict[str, Any]:
    """What a figure depends on: versions, threads, cores, and how busy the machine was."""
    return {"torch": torch.__version__, "numpy": np.__version__,
            "torch_threads": torch.get_num_threads(), "blas_threads": 1,
            "cpus": os.cpu_count(), "load_average": [round(x, 2) for x in os.getloadavg()],
            "machine": platform.processor() or platform.machine(),
            "date": time.strftime("%Y-%m-%d")}
