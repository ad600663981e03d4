"""Profiler: parameters (shared once), named errors, per-op calls and time, live memory
counted once per buffer, the block's life cycle and the text table."""

from __future__ import annotations

import gc

import numpy as np
import pytest
from tinytorch.benchmarking import LiveMemory, Profiler, buffer_of
from tinytorch.layers import Linear, Module, Parameter, Sequential
from tinytorch.tensor import Tensor, manual_seed, observing

KB40 = 100 * 100 * 4  # one (100, 100) float32 array


class NoWeights(Module):
    def forward(self, x):
        return x * 2.0


def square():
    return Tensor(np.ones((100, 100), np.float32))


def test_parameters_and_bytes_count_each_shared_parameter_once():
    manual_seed(0)
    lin = Linear(3, 4)
    with Profiler(Sequential(lin, Linear(4, 3), lin)) as prof:
        pass
    p = prof.report()["parameters"]
    assert p == {"count": (3 * 4 + 4) + (4 * 3 + 3), "bytes": 4 * (16 + 15),  # lin once
                 "tensors": 4}
    big = Linear(10, 10)
    big.weight = Parameter(np.zeros((10, 10), np.float64))
    with Profiler(big) as prof:
        pass
    assert prof.report()["parameters"] == {"count": 110, "bytes": 800 + 40, "tensors": 2}
    assert prof.report()["model"] == "Linear"


def test_a_model_without_parameters_is_a_named_error():
    with pytest.raises(ValueError, match="Profiler: NoWeights has no parameters"):
        Profiler(NoWeights())
    with pytest.raises(TypeError, match=r"model must be a tinytorch\.layers\.Module or "
                                        r"None, got function"):
        Profiler(lambda x: x)


def test_ops_are_counted_with_calls_time_and_share():
    manual_seed(0)
    model = Sequential(Linear(6, 5), Linear(5, 4))
    with Profiler(model) as prof:
        model(Tensor(np.ones((3, 6), np.float32)))
    r = prof.report()
    calls = {row["op"]: row["calls"] for row in r["ops"]}
    assert calls == {"matmul": 2, "add": 2, "transpose": 2}  # x @ W.T + b, twice
    times = [row["total_ms"] for row in r["ops"]]
    assert times == sorted(times, reverse=True) and min(times) >= 0
    t = r["time"]
    assert t["observed_ms"] == pytest.approx(sum(times))
    assert t["wall_ms"] >= t["observed_ms"]
    assert t["not_observed_ms"] == pytest.approx(t["wall_ms"] - t["observed_ms"])
    assert sum(row["share"] for row in r["ops"]) <= 1.0 + 1e-9
    assert r["flops"]["total"] == 2 * 3 * (6 * 5 + 5 * 4)


def test_peak_memory_counts_new_buffers_views_once_and_frees():
    x = square()  # made before the block: not counted
    with Profiler() as prof:
        y = x * 2.0  # + 40 kB
        z = y.reshape(10000)  # a view of y: + 0
        t = x.transpose(0, 1)  # a view of x, older than the block: + 0
        w = z + 1.0  # + 40 kB  -> 80 kB
        del y, z  # y's buffer is freed with its last view -> 40 kB
        gc.collect()
        v = w * 3.0  # + 40 kB -> 80 kB
    m = prof.report()["memory"]
    assert m == {"peak_bytes": 2 * KB40, "live_at_exit_bytes": 2 * KB40,
                 "allocated_bytes": 3 * KB40, "buffers": 3}
    assert v.shape == (10000,) and t.shape == (100, 100)


def test_a_loop_that_rebinds_keeps_two_buffers_at_most():
    x = square()
    with Profiler() as prof:
        for _ in range(5):
            y = x * 2.0  # the new one exists before the old one is freed
    m = prof.report()["memory"]
    assert (m["peak_bytes"], m["allocated_bytes"], m["buffers"]) == (2 * KB40, 5 * KB40, 5)
    assert m["live_at_exit_bytes"] == KB40 and y.shape == (100, 100)


def test_live_memory_and_buffer_of_directly():
    a = np.zeros(1000)
    assert buffer_of(a[2:5].reshape(3, 1).T) is a
    memory = LiveMemory()
    b = np.ones(10)
    memory.add(b)
    memory.add(b[:5])  # view of a counted buffer
    memory.add(a[:10], (a,))  # view of an input from before
    assert (memory.current, memory.peak, memory.buffers) == (80, 80, 1)
    del b
    gc.collect()
    assert (memory.current, memory.peak) == (0, 80)
    c = np.ones(4)
    memory.add(c)
    memory.close()
    del c
    assert memory.current == 32  # closed: frees are no longer counted


def test_a_training_step_profiles_forward_and_times_the_rest():
    manual_seed(0)
    model = Linear(8, 2)
    x = Tensor(np.ones((4, 8), np.float32))
    with Profiler(model) as prof:
        loss = (model(x) * model(x)).sum()
        loss.backward()
    r = prof.report()
    assert model.weight.grad is not None
    assert r["flops"]["total"] == 2 * (2 * 4 * 8 * 2)  # two forwards; backward not observed
    assert {row["op"] for row in r["ops"]} >= {"matmul", "add", "mul", "sum"}
    assert r["time"]["not_observed_ms"] >= 0


def test_life_cycle_report_before_the_end_nesting_and_errors_inside():
    prof = Profiler()
    with pytest.raises(RuntimeError, match="after the `with Profiler"):
        prof.report()
    x = square()
    with pytest.raises(ZeroDivisionError), prof:
        x * 2.0
        1 / 0  # noqa: B018
    assert not observing()  # the observer is gone even after an error
    assert prof.report()["ops"][0]["op"] == "mul"
    with prof:  # opened again: starts from zero
        with Profiler() as inner:
            x + 1.0
        x - 1.0
        with pytest.raises(RuntimeError, match="already open"), prof:
            pass
    assert [row["op"] for row in inner.report()["ops"]] == ["add"]
    assert sorted(row["op"] for row in prof.report()["ops"]) == ["add", "sub"]


def test_table_shows_parameters_ops_and_the_unobserved_rest():
    manual_seed(0)
    model = Sequential(Linear(6, 5), Linear(5, 4))
    with Profiler(model) as prof:
        model(Tensor(np.ones((3, 6), np.float32)))
    text = prof.table()
    assert "model Sequential: 59 parameters in 4 tensors, 236 B" in text
    assert "matmul" in text and "(not observed)" in text and "FLOPs" in text
    assert "300 FLOP" in text  # 2 * 3 * (6 * 5 + 5 * 4)
    short = prof.table(top=1)
    assert "(2 more ops)" in short and "transpose" not in short
    with pytest.raises(ValueError, match="top must be a positive int"):
        prof.table(top=0)
