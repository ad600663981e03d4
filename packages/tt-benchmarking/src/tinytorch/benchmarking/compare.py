"""`compare`: several implementations of one thing, timed in turns, as a table of ratios.

    table = compare({"composite": lambda: f(x), "fused": lambda: g(x)}, baseline="composite")
    print(table)

The implementations are timed *interleaved*, in the same process: round r
calls each one once (in an order that rotates every round), so a slow phase
of the machine (another job, a frequency drop) hits all of them instead of
one. Each row gives the median and IQR of its times (`stats.py`) and its
median as a ratio to the baseline's (< 1: faster than the baseline). The
ratio of two medians has no simple distribution-free interval; each row's
own confidence interval of the median is given instead, so two rows whose
intervals overlap are not clearly different.

Cost: len(fns) x (warmup + repeats) calls.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from .bench import BenchmarkResult, _warn_if_busy, check_runs, ms, time_call
from .machine import MachineInfo, machine_info
from .stats import summarize
from .text_table import format_table


@dataclass(frozen=True)
class Comparison:
    """Each implementation's result, in the order given, and the baseline's name."""

    results: tuple[BenchmarkResult, ...]
    baseline: str
    machine: MachineInfo

    def ratio(self, name: str) -> float:
        """`name`'s median divided by the baseline's."""
        base = self[self.baseline].median_ms
        return self[name].median_ms / base

    def __getitem__(self, name: str) -> BenchmarkResult:
        for result in self.results:
            if result.name == name:
                return result
        raise KeyError(f"Comparison: no implementation named {name!r}; "
                       f"have {[r.name for r in self.results]}")

    def rows(self) -> list[dict[str, Any]]:
        """One dict per implementation: name, median_ms, iqr_ms, ci_ms, ratio."""
        return [{"name": r.name, "median_ms": r.median_ms, "iqr_ms": r.iqr_ms,
                 "ci_ms": r.ci_ms, "ratio": self.ratio(r.name)} for r in self.results]

    def table(self) -> str:
        """The rows as text, with the machine's conditions under them."""
        n = self.results[0].summary.n
        coverage = self.results[0].summary.ci_coverage
        body = [[row["name"], ms(row["median_ms"]), ms(row["iqr_ms"]),
                 f"[{ms(row['ci_ms'][0])}, {ms(row['ci_ms'][1])}]", f"{row['ratio']:.2f}x"]
                for row in self.rows()]
        head = ["implementation", "median ms", "IQR ms", f"{100 * coverage:.0f}% CI ms",
                f"vs {self.baseline}"]
        return (format_table(head, body)
                + f"\n{n} interleaved runs each; {self.machine.describe()}")

    def __str__(self) -> str:
        return self.table()


def compare(fns: Mapping[str, Callable[[], Any]], baseline: str | None = None,
            warmup: int = 3, repeats: int = 30, show: bool = True) -> Comparison:
    """Time every `fns[name]()` interleaved; ratios to `baseline` (the first by default).

    Prints the table unless `show=False`. Raises TypeError for a non-mapping
    or a value that is not callable, ValueError for an empty mapping or bad
    counts, KeyError for a baseline that is not a name of `fns`.
    """
    if not isinstance(fns, Mapping):
        raise TypeError(f"compare: fns must be a mapping name -> function, "
                        f"got {type(fns).__name__}")
    if not fns:
        raise ValueError("compare: fns is empty; give at least one implementation")
    for name, fn in fns.items():
        if not callable(fn):
            raise TypeError(f"compare: fns[{name!r}] must be callable, got {type(fn).__name__}")
    check_runs("compare", warmup, repeats)
    names = [str(n) for n in fns]
    base = names[0] if baseline is None else baseline
    if base not in names:
        raise KeyError(f"compare: baseline {base!r} is not one of {names}")
    calls = list(fns.values())
    ### BEGIN SOLUTION
    load_before = machine_info().load_average
    for _ in range(warmup):
        for fn in calls:
            fn()
    times: list[list[float]] = [[] for _ in calls]
    for r in range(repeats):
        for i in range(len(calls)):
            k = (i + r) % len(calls)  # rotate who goes first
            times[k].append(time_call(calls[k]))
    machine = machine_info()
    _warn_if_busy("compare", machine, load_before)
    results = tuple(BenchmarkResult(name, tuple(t), summarize(t), machine, load_before, warmup)
                    for name, t in zip(names, times, strict=True))
    comparison = Comparison(results, base, machine)
    ### END SOLUTION
    if show:
        print(comparison.table())
    return comparison
