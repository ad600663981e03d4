"""`benchmark`: time a function honestly, with its spread and the conditions of the machine.

    result = benchmark(lambda: model(x), warmup=3, repeats=30)
    print(result)   # median 12.31 ms, IQR 0.40 ms, 95% CI [12.10, 12.52] ms, ...

How: `warmup` calls first (they fill caches, allocate NumPy's buffers and
make Python's first-call work happen: their times are thrown away), then
`repeats` calls, each timed alone with `time.perf_counter`. The times are
summarised by order statistics (`stats.py`: median, IQR, a distribution-
free 95% CI of the median), because timings on a shared machine have a
long tail of slow runs that would drag a mean. The machine's load average
is read before and after, with its cores and BLAS threads (`machine.py`),
and an `UnreliableTimingWarning` is raised (as a warning) when the larger
of the two loads exceeds 0.75 x cores.

Cost: (warmup + repeats) calls of `fn`.
"""

from __future__ import annotations

import time
import warnings
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from .machine import LOAD_LIMIT, MachineInfo, UnreliableTimingWarning, machine_info
from .stats import MIN_RUNS, Summary, summarize


@dataclass(frozen=True)
class BenchmarkResult:
    """The times of `repeats` calls (ms), their summary and the machine they ran on."""

    name: str
    times_ms: tuple[float, ...]
    summary: Summary
    machine: MachineInfo  # read after the runs
    load_before: tuple[float, float, float] | None
    warmup: int

    @property
    def median_ms(self) -> float:
        return self.summary.median

    @property
    def iqr_ms(self) -> float:
        return self.summary.iqr

    @property
    def ci_ms(self) -> tuple[float, float]:
        """The distribution-free confidence interval of the median, in ms."""
        return self.summary.ci_low, self.summary.ci_high

    @property
    def reliable(self) -> bool:
        """Was the load at most 0.75 x cores before and after the runs?"""
        return _reliable(self.machine, self.load_before)

    def __str__(self) -> str:
        s = self.summary
        return (f"{self.name}: median {ms(s.median)} ms, IQR {ms(s.iqr)} ms, "
                f"{100 * s.ci_coverage:.1f}% CI [{ms(s.ci_low)}, {ms(s.ci_high)}] ms, "
                f"{s.n} runs after {self.warmup} warm-up; {self.machine.describe()}"
                + ("" if self.reliable else " -- UNRELIABLE: the machine was busy"))


def ms(value: float) -> str:
    """Milliseconds with 4 significant digits: 12.31, 0.004512."""
    return f"{value:.4g}"


def _reliable(machine: MachineInfo, load_before: tuple[float, ...] | None) -> bool:
    before_ok = load_before is None or load_before[0] <= LOAD_LIMIT * machine.cpus
    return before_ok and machine.reliable


def _warn_if_busy(what: str, machine: MachineInfo, load_before: tuple[float, ...] | None) -> None:
    """Warn (UnreliableTimingWarning) when the load exceeded the limit before or after."""
    if not _reliable(machine, load_before):
        loads = [x[0] for x in (load_before, machine.load_average) if x is not None]
        warnings.warn(
            f"{what}: the 1-minute load average reached {max(loads):.2f} on {machine.cpus} "
            f"cores (limit {LOAD_LIMIT} x cores = {LOAD_LIMIT * machine.cpus:.2f}): other "
            "processes shared the cores, so these times are unreliable; rerun on a quiet "
            "machine", UnreliableTimingWarning, stacklevel=3)


def check_runs(where: str, warmup: Any, repeats: Any) -> None:
    """Named errors for bad counts: ints, warmup >= 0, repeats >= MIN_RUNS."""
    for name, value in (("warmup", warmup), ("repeats", repeats)):
        if isinstance(value, bool) or not isinstance(value, int):
            raise TypeError(f"{where}: {name} must be an int, got {type(value).__name__}")
    if warmup < 0:
        raise ValueError(f"{where}: warmup={warmup} must be >= 0")
    if repeats < MIN_RUNS:
        raise ValueError(f"{where}: repeats={repeats} is too few for a 95% confidence "
                         f"interval of the median; use at least {MIN_RUNS}")


def time_call(fn: Callable[[], Any]) -> float:
    """Milliseconds one call of `fn` takes (wall clock, `time.perf_counter`)."""
    ### BEGIN SOLUTION
    start = time.perf_counter()
    fn()
    return 1e3 * (time.perf_counter() - start)
    ### END SOLUTION


def benchmark(fn: Callable[[], Any], warmup: int = 3, repeats: int = 30,
              name: str | None = None) -> BenchmarkResult:
    """Call `fn()` `warmup` times untimed, then `repeats` times timed; summarise the times.

    Raises TypeError if `fn` is not callable or a count is not an int, and
    ValueError for warmup < 0 or repeats < 6 (too few runs for a 95%
    confidence interval of the median). Warns `UnreliableTimingWarning`
    when the machine was busy.
    """
    if not callable(fn):
        raise TypeError(f"benchmark: fn must be callable (a function of no arguments), "
                        f"got {type(fn).__name__}")
    check_runs("benchmark", warmup, repeats)
    label = name if name is not None else getattr(fn, "__name__", type(fn).__name__)
    ### BEGIN SOLUTION
    load_before = machine_info().load_average
    for _ in range(warmup):
        fn()
    times = tuple(time_call(fn) for _ in range(repeats))
    machine = machine_info()
    _warn_if_busy(f"benchmark {label!r}", machine, load_before)
    return BenchmarkResult(label, times, summarize(times), machine, load_before, warmup)
    ### END SOLUTION
