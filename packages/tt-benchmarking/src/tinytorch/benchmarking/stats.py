"""Summarising repeated timings: the median, the interquartile range, and a CI of the median.

Timings on a shared machine are not normally distributed: most runs take
about the same time and a few take much longer (another process ran, the
cache was cold, the garbage collector woke up). So the summary uses order
statistics, which a few slow outliers cannot drag:

- the **median** (the middle run);
- the **interquartile range** IQR = Q3 - Q1, the spread of the middle half
  (quartiles by NumPy's default linear interpolation);
- a **95% confidence interval of the median**, distribution-free: sort the
  n times t(1) <= ... <= t(n). Each run falls below the true median with
  probability 1/2, so the number below it is Binomial(n, 1/2), and
  [t(j), t(n+1-j)] holds the true median with probability
  1 - 2 P(B <= j - 1). The largest j with P(B <= j - 1) <= 0.025 gives an
  interval of at least 95% (its exact coverage is reported). This assumes
  only independent runs of one distribution; it needs n >= 6 (with 5 runs
  even [min, max] covers only 93.75%).

Cost: one sort of n numbers.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

MIN_RUNS = 6  # the fewest runs whose [min, max] covers the median with >= 95%


@dataclass(frozen=True)
class Summary:
    """Order statistics of n timings (in the unit they were given, e.g. milliseconds)."""

    n: int
    median: float
    q1: float
    q3: float
    iqr: float
    ci_low: float
    ci_high: float
    ci_coverage: float  # the exact probability that [ci_low, ci_high] holds the median
    minimum: float
    maximum: float


def binomial_cdf(k: int, n: int) -> float:
    """P(B <= k) for B ~ Binomial(n, 1/2), exactly: sum of C(n, i) for i <= k, over 2^n."""
    ### BEGIN SOLUTION
    if k < 0:
        return 0.0
    return sum(math.comb(n, i) for i in range(min(k, n) + 1)) / 2.0**n
    ### END SOLUTION


def median_ci_ranks(n: int, level: float = 0.95) -> tuple[int, int, float]:
    """(j, n + 1 - j, coverage): the 1-based ranks bounding a `level` CI of the median."""
    if not isinstance(n, int) or isinstance(n, bool) or n < MIN_RUNS:
        raise ValueError(f"median_ci_ranks: n={n!r} runs are too few for a confidence interval "
                         f"of the median (at least {MIN_RUNS})")
    if not 0.0 < level < 1.0:
        raise ValueError(f"median_ci_ranks: level={level!r} must lie between 0 and 1")
    ### BEGIN SOLUTION
    tail = (1.0 - level) / 2.0
    j = 1
    while binomial_cdf(j, n) <= tail:  # can rank j + 1 still be the lower bound?
        j += 1
    return j, n + 1 - j, 1.0 - 2.0 * binomial_cdf(j - 1, n)
    ### END SOLUTION


def summarize(times: Sequence[float], level: float = 0.95) -> Summary:
    """Median, quartiles, IQR and a distribution-free `level` CI of the median of `times`."""
    values = np.asarray(times, dtype=np.float64)
    if values.ndim != 1:
        raise ValueError(f"summarize: times must be a flat sequence of numbers, "
                         f"got shape {values.shape}")
    if not np.all(np.isfinite(values)):
        raise ValueError("summarize: times contain NaN or infinity")
    ### BEGIN SOLUTION
    lo_rank, hi_rank, coverage = median_ci_ranks(int(values.size), level)
    ordered = np.sort(values)
    q1, median, q3 = np.percentile(ordered, [25.0, 50.0, 75.0])
    return Summary(
        n=int(values.size), median=float(median), q1=float(q1), q3=float(q3),
        iqr=float(q3 - q1), ci_low=float(ordered[lo_rank - 1]),
        ci_high=float(ordered[hi_rank - 1]), ci_coverage=float(coverage),
        minimum=float(ordered[0]), maximum=float(ordered[-1]),
    )
    ### END SOLUTION
