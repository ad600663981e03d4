"""observe_ops: every primitive that runs is reported once, with its arrays and time."""

from __future__ import annotations

import numpy as np
import pytest
from tinytorch.tensor import OpEvent, Tensor, observe_ops, observing, report_op


def test_each_primitive_is_reported_with_its_arrays_attrs_and_time():
    a = Tensor(np.arange(6.0).reshape(2, 3))
    b = Tensor(np.ones((3, 4)))
    events: list[OpEvent] = []
    assert not observing()
    with observe_ops(events.append):
        assert observing()
        y = (a @ b).sum(dim=1)
    assert not observing()
    assert [e.op for e in events] == ["matmul", "sum"]
    mm, total = events
    assert mm.inputs[0] is a.data and mm.inputs[1] is b.data
    assert np.array_equal(mm.output, a.data @ b.data) and mm.output.shape == (2, 4)
    assert total.attrs["dim"] == (1,) and total.output is y.data
    assert all(e.seconds >= 0 for e in events)


def test_blocks_nest_and_end_even_on_error():
    x = Tensor(np.ones(3))
    outer: list[OpEvent] = []
    inner: list[OpEvent] = []
    with observe_ops(outer.append):
        x + x
        with observe_ops(inner.append):
            x * x
        with pytest.raises(ZeroDivisionError), observe_ops(inner.append):
            raise ZeroDivisionError
    assert [e.op for e in outer] == ["add", "mul"]
    assert [e.op for e in inner] == ["mul"]
    assert not observing()
    x.exp()  # nobody watches: nothing is reported anywhere
    assert len(outer) == 2


def test_report_op_reaches_observers_of_other_packages_primitives():
    seen: list[OpEvent] = []
    out = np.zeros(2)
    with observe_ops(seen.append):
        report_op("MyFunction", (np.ones(2),), out, {"k": 1}, 0.5)
    assert seen == [OpEvent("MyFunction", seen[0].inputs, out, {"k": 1}, 0.5)]
    report_op("ignored", (), out, {}, 0.0)  # no observer: a no-op
    assert len(seen) == 1


def test_a_non_callable_observer_is_refused():
    with pytest.raises(TypeError, match="observe_ops: observer must be callable"):
        with observe_ops(42):
            pass
