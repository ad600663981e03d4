"""benchmark, compare and their statistics: order statistics by hand, the machine record,
the load warning, interleaving, named errors. No assertion is about speed."""

from __future__ import annotations

import math
import os
import warnings

import numpy as np
import pytest
from tinytorch.benchmarking import (
    UnreliableTimingWarning,
    benchmark,
    compare,
    machine_info,
    median_ci_ranks,
    summarize,
)


@pytest.mark.parametrize("n, ranks, tail", [(6, (1, 6), 1), (8, (1, 8), 1),
                                            (10, (2, 9), 1 + 10),
                                            (20, (6, 15), 1 + 20 + 190 + 1140 + 4845 + 15504)])
def test_median_ci_ranks_by_the_binomial_by_hand(n, ranks, tail):
    lo, hi, coverage = median_ci_ranks(n)
    assert (lo, hi) == ranks
    assert coverage == pytest.approx(1 - 2 * tail / 2**n)  # 1 - 2 P(B <= lo - 1)
    assert coverage >= 0.95
    # one rank further in would fall below 95%: the interval is the narrowest that holds
    wider_tail = tail + math.comb(n, lo)
    assert 1 - 2 * wider_tail / 2**n < 0.95


def test_median_ci_ranks_errors():
    with pytest.raises(ValueError, match="n=5 runs are too few"):
        median_ci_ranks(5)
    with pytest.raises(ValueError, match=r"level=1\.5"):
        median_ci_ranks(10, level=1.5)


def test_summarize_by_hand():
    s = summarize([5, 1, 4, 2, 3, 100, 6, 7])  # one slow outlier
    assert (s.n, s.median, s.minimum, s.maximum) == (8, 4.5, 1.0, 100.0)
    assert (s.q1, s.q3, s.iqr) == (2.75, 6.25, 3.5)  # linear interpolation in sorted order
    assert (s.ci_low, s.ci_high) == (1.0, 100.0)  # n = 8: ranks 1 and 8
    assert s.ci_coverage == 1 - 2 / 256
    s = summarize(np.arange(20.0)[::-1])
    assert (s.median, s.ci_low, s.ci_high) == (9.5, 5.0, 14.0)  # ranks 6 and 15


def test_summarize_errors():
    with pytest.raises(ValueError, match="NaN or infinity"):
        summarize([1.0] * 6 + [float("nan")])
    with pytest.raises(ValueError, match="flat sequence"):
        summarize(np.ones((3, 3)))
    with pytest.raises(ValueError, match="too few"):
        summarize([1.0, 2.0])


def quiet(monkeypatch, load=(0.0, 0.0, 0.0)):
    monkeypatch.setattr(os, "getloadavg", lambda: load)


def test_benchmark_calls_warmup_then_repeats_and_summarises(monkeypatch):
    quiet(monkeypatch)
    calls = []
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        result = benchmark(lambda: calls.append(1), warmup=4, repeats=12, name="append")
    assert len(calls) == 16 and len(result.times_ms) == 12
    s = result.summary
    assert s.median == pytest.approx(float(np.median(result.times_ms)))
    assert s.q1 <= s.median <= s.q3 and s.ci_low <= s.median <= s.ci_high
    assert result.ci_ms == (s.ci_low, s.ci_high) and result.iqr_ms == s.q3 - s.q1
    assert result.reliable and result.machine.cpus == (os.cpu_count() or 1)
    assert result.machine.load_average == (0.0, 0.0, 0.0)
    assert str(result).startswith("append: median ") and "% CI [" in str(result)


def test_a_busy_machine_warns_and_is_marked(monkeypatch):
    cpus = os.cpu_count() or 1
    quiet(monkeypatch, (0.76 * cpus, 0.0, 0.0))
    with pytest.warns(UnreliableTimingWarning, match="load average reached"):
        result = benchmark(lambda: None, warmup=0, repeats=6)
    assert not result.reliable and "UNRELIABLE" in str(result)
    quiet(monkeypatch, (0.75 * cpus, 9.0, 9.0))  # at the limit, 1-minute load: fine
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert benchmark(lambda: None, warmup=0, repeats=6).reliable


def test_no_load_average_means_no_warning(monkeypatch):
    def missing():
        raise OSError("no load average here")

    monkeypatch.setattr(os, "getloadavg", missing)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        result = benchmark(lambda: None, warmup=0, repeats=6)
    assert result.machine.load_average is None and result.reliable


def test_blas_threads_come_from_the_variables_or_the_default(monkeypatch):
    for name in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
        monkeypatch.setenv(name, "3")
    info = machine_info()
    assert info.blas_threads == 3 and info.blas_threads_source.endswith("=3")
    for name in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
        monkeypatch.delenv(name)
    info = machine_info()
    assert info.blas_threads == info.cpus and info.blas_threads_source.startswith("default")
    assert f"{info.cpus} cores" in info.describe()


def test_benchmark_errors():
    with pytest.raises(TypeError, match="benchmark: fn must be callable"):
        benchmark(3)
    with pytest.raises(ValueError, match="repeats=5 is too few"):
        benchmark(lambda: None, repeats=5)
    with pytest.raises(ValueError, match="warmup=-1 must be >= 0"):
        benchmark(lambda: None, warmup=-1)
    with pytest.raises(TypeError, match="repeats must be an int, got float"):
        benchmark(lambda: None, repeats=6.0)


def test_compare_interleaves_and_gives_ratios_to_the_baseline(monkeypatch, capsys):
    quiet(monkeypatch)
    order = []
    fns = {"a": lambda: order.append("a"), "b": lambda: order.append("b")}
    table = compare(fns, baseline="b", warmup=1, repeats=6)
    assert order[:2] == ["a", "b"]  # warm-up
    assert order[2:] == ["a", "b", "b", "a"] * 3  # who goes first rotates each round
    assert [row["name"] for row in table.rows()] == ["a", "b"]
    assert table.ratio("b") == 1.0
    assert table.ratio("a") == pytest.approx(table["a"].median_ms / table["b"].median_ms)
    printed = capsys.readouterr().out
    assert printed.strip() == table.table().strip()
    assert "vs b" in printed and "1.00x" in printed and "6 interleaved runs" in printed
    first = compare({"x": lambda: None, "y": lambda: None}, repeats=6, show=False)
    assert first.baseline == "x" and capsys.readouterr().out == ""


def test_compare_errors():
    with pytest.raises(ValueError, match="fns is empty"):
        compare({})
    with pytest.raises(KeyError, match="baseline 'c' is not one of"):
        compare({"a": lambda: None}, baseline="c")
    with pytest.raises(TypeError, match=r"fns\['a'\] must be callable"):
        compare({"a": 1})
    with pytest.raises(TypeError, match="must be a mapping"):
        compare([lambda: None])
