"""tinytorch.benchmarking: measure what a model costs, and time code honestly.

Module 18 opens the systems part of the course. Before making anything
faster, measure: where the time goes, how much work (FLOPs) and memory a
model needs, and whether a speed-up is real or noise.

    from tinytorch.benchmarking import Profiler, benchmark, compare

    with Profiler(model) as prof:         # any call: forward, or a training step
        model(x)
    print(prof.table())                   # parameters, FLOPs, peak memory, time per op

    print(benchmark(lambda: model(x)))    # median, IQR, 95% CI, load, BLAS threads
    compare({"loops": slow, "numpy": fast})  # interleaved, ratios to a baseline

- `Profiler` (`profiler.py`) watches tt-tensor's op observers; FLOPs by
  PyTorch's `FlopCounterMode` convention (`flops.py`), live memory with
  weak references (`memory.py`).
- `benchmark` and `compare` (`bench.py`, `compare.py`) summarise timings by
  order statistics (`stats.py`) and record the machine (`machine.py`).
- `pareto_front` and `plot_pareto` (`pareto.py`): latency against accuracy.
"""

from .__about__ import __version__
from .bench import BenchmarkResult, benchmark
from .compare import Comparison, compare
from .flops import (
    attention_flops,
    conv2d_flops,
    flops_of,
    has_flop_formula,
    matmul_flops,
    register_flops,
)
from .machine import LOAD_LIMIT, MachineInfo, UnreliableTimingWarning, machine_info
from .memory import LiveMemory, buffer_of
from .pareto import pareto_front, plot_pareto
from .profiler import Profiler
from .stats import Summary, median_ci_ranks, summarize

__all__ = [
    "LOAD_LIMIT",
    "BenchmarkResult",
    "Comparison",
    "LiveMemory",
    "MachineInfo",
    "Profiler",
    "Summary",
    "UnreliableTimingWarning",
    "__version__",
    "attention_flops",
    "benchmark",
    "buffer_of",
    "compare",
    "conv2d_flops",
    "flops_of",
    "has_flop_formula",
    "machine_info",
    "matmul_flops",
    "median_ci_ranks",
    "pareto_front",
    "plot_pareto",
    "register_flops",
    "summarize",
]
