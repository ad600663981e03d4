"""The extension point: every differentiable op calls `apply` with the table's name and attrs.

A fake engine (conftest.FakeEngine) is installed with `set_engine` and records
what `apply` hands it; the tests compare that with the table in dispatch.py.
"""

from __future__ import annotations

import numpy as np
import pytest
import tinytorch.tensor as tt
from tinytorch.tensor import PRIMITIVES, Tensor, apply, get_engine, set_engine


def _x(*shape, requires_grad=True):
    data = np.arange(1, int(np.prod(shape)) + 1, dtype=np.float32).reshape(shape) / 10
    return Tensor(data, requires_grad=requires_grad)


def _scalar_input(t, value, dtype=np.float32):
    assert isinstance(t, Tensor) and t.shape == () and t.dtype == dtype
    assert t.item() == pytest.approx(value)
    return True


# (description, op name expected, call, check of (inputs, attrs) given the leaf x)
CASES = [
    ("a + b", "add", lambda x, y: x + y, lambda x, y, i, a: i == (x, y) and a == {}),
    ("a + 2.0", "add", lambda x, y: x + 2.0,
     lambda x, y, i, a: i[0] is x and _scalar_input(i[1], 2.0) and a == {}),
    ("3 - a", "sub", lambda x, y: 3 - x,
     lambda x, y, i, a: _scalar_input(i[0], 3.0) and i[1] is x),
    ("a * b", "mul", lambda x, y: x * y, lambda x, y, i, a: i == (x, y)),
    ("a / 2", "div", lambda x, y: x / 2, lambda x, y, i, a: _scalar_input(i[1], 2.0)),
    ("a ** 2", "pow", lambda x, y: x**2, lambda x, y, i, a: _scalar_input(i[1], 2.0)),
    ("2 ** a", "pow", lambda x, y: 2**x, lambda x, y, i, a: _scalar_input(i[0], 2.0)),
    ("maximum(a, 0)", "maximum", lambda x, y: tt.maximum(x, 0.0),
     lambda x, y, i, a: i[0] is x and _scalar_input(i[1], 0.0)),
    ("-a", "neg", lambda x, y: -x, lambda x, y, i, a: i == (x,) and a == {}),
    ("exp", "exp", lambda x, y: x.exp(), lambda x, y, i, a: i == (x,) and a == {}),
    ("log", "log", lambda x, y: tt.log(x), lambda x, y, i, a: i == (x,)),
    ("sqrt", "sqrt", lambda x, y: x.sqrt(), lambda x, y, i, a: i == (x,)),
    ("abs", "abs", lambda x, y: abs(x), lambda x, y, i, a: i == (x,)),
    ("tanh", "tanh", lambda x, y: x.tanh(), lambda x, y, i, a: i == (x,)),
    ("erf", "erf", lambda x, y: x.erf(), lambda x, y, i, a: i == (x,)),
    ("clamp(min=0)", "clamp", lambda x, y: x.clamp(min=0),
     lambda x, y, i, a: a == {"min": 0.0, "max": None} and isinstance(a["min"], float)),
    ("clamp(-1, 1)", "clamp", lambda x, y: tt.clamp(x, -1, 1),
     lambda x, y, i, a: a == {"min": -1.0, "max": 1.0}),
    ("where", "where", lambda x, y: tt.where(x > 0.3, x, y),
     lambda x, y, i, a: i == (x, y) and set(a) == {"cond"} and a["cond"].dtype == np.bool_
     and isinstance(a["cond"], np.ndarray)),
    ("where scalar", "where", lambda x, y: tt.where(x > 0.3, x, 0.0),
     lambda x, y, i, a: i[0] is x and _scalar_input(i[1], 0.0)),
    ("sum()", "sum", lambda x, y: x.sum(), lambda x, y, i, a: a == {"dim": None, "keepdim": False}),
    ("sum(-1, keepdim)", "sum", lambda x, y: x.sum(dim=-1, keepdim=True),
     lambda x, y, i, a: a == {"dim": (1,), "keepdim": True}),
    ("mean((1, 0))", "mean", lambda x, y: x.mean(dim=(1, 0)),
     lambda x, y, i, a: a == {"dim": (0, 1), "keepdim": False}),
    ("amax(0)", "amax", lambda x, y: x.amax(0),
     lambda x, y, i, a: a == {"dim": (0,), "keepdim": False}),
    ("amin([-1])", "amin", lambda x, y: tt.amin(x, [-1], True),
     lambda x, y, i, a: a == {"dim": (1,), "keepdim": True}),
    ("matmul", "matmul", lambda x, y: x @ y.detach().T,
     lambda x, y, i, a: i[0] is x and i[1].shape == (3, 2) and a == {}),
    ("reshape(-1)", "reshape", lambda x, y: x.reshape(-1), lambda x, y, i, a: a == {"shape": (6,)}),
    ("reshape(3, -1)", "reshape", lambda x, y: x.reshape(3, -1),
     lambda x, y, i, a: a == {"shape": (3, 2)}),
    ("view", "reshape", lambda x, y: x.view(6, 1), lambda x, y, i, a: a == {"shape": (6, 1)}),
    ("flatten", "reshape", lambda x, y: x.flatten(), lambda x, y, i, a: a == {"shape": (6,)}),
    ("unsqueeze", "reshape", lambda x, y: x.unsqueeze(0),
     lambda x, y, i, a: a == {"shape": (1, 2, 3)}),
    ("transpose(-1, 0)", "transpose", lambda x, y: x.transpose(-1, 0),
     lambda x, y, i, a: a == {"dim0": 1, "dim1": 0}),
    (".T", "transpose", lambda x, y: x.T, lambda x, y, i, a: a == {"dim0": 0, "dim1": 1}),
    ("permute(-1, 0)", "permute", lambda x, y: x.permute(-1, 0),
     lambda x, y, i, a: a == {"dims": (1, 0)}),
    ("getitem slice", "getitem", lambda x, y: x[0, 1:],
     lambda x, y, i, a: a == {"index": (0, slice(1, None))}),
    ("getitem tensor", "getitem", lambda x, y: x[Tensor([1, 0])],
     lambda x, y, i, a: isinstance(a["index"], np.ndarray) and a["index"].tolist() == [1, 0]),
    ("getitem mask", "getitem", lambda x, y: x[x > 0.3],
     lambda x, y, i, a: a["index"].dtype == np.bool_),
    ("sin", "sin", lambda x, y: x.sin(), lambda x, y, i, a: i == (x,) and a == {}),
    ("cos", "cos", lambda x, y: tt.cos(x), lambda x, y, i, a: i == (x,) and a == {}),
    ("expand", "expand", lambda x, y: Tensor(x.data[:1], requires_grad=True).expand(4, -1, 3),
     lambda x, y, i, a: a == {"shape": (4, 1, 3)}),
    ("pad", "pad", lambda x, y: tt.pad(x, (1, 0)),
     lambda x, y, i, a: i == (x,) and a["pad"] == ((0, 0), (1, 0)) and a["value"] == 0.0),
    ("clone", "clone", lambda x, y: x.clone(), lambda x, y, i, a: i == (x,) and a == {}),
    ("cat", "cat", lambda x, y: tt.cat([x, y], -1),
     lambda x, y, i, a: i == (x, y) and a == {"dim": 1}),
]


@pytest.mark.parametrize(("desc", "op", "call", "check"), CASES, ids=[c[0] for c in CASES])
def test_op_calls_apply_with_table_name_and_attrs(engine, desc, op, call, check):
    x, y = _x(2, 3), _x(2, 3)
    out = call(x, y)
    assert engine.ops == [op]
    _name, recorded_out, inputs, attrs = engine.records[0]
    assert recorded_out is out
    assert all(isinstance(t, Tensor) for t in inputs)
    assert check(x, y, inputs, attrs), (inputs, attrs)
    assert out.requires_grad  # the fake engine marked it


def test_contiguous_records_only_when_it_copies(engine):
    x = _x(2, 3)
    assert x.contiguous() is x and engine.ops == []
    t = x.T
    c = t.contiguous()
    assert engine.ops == ["transpose", "contiguous"]
    assert engine.records[1][2] == (t,) and engine.records[1][3] == {}
    assert c.is_contiguous()


def test_every_primitive_is_reachable_from_the_api(engine):
    reached = set()
    x, y = _x(2, 3), _x(2, 3)
    for _desc, _op, call, _check in CASES:
        engine.records.clear()
        call(x, y)
        reached.update(engine.ops)
    engine.records.clear()
    x.T.contiguous()
    x.max(0), x.min(dim=1)  # max/min with a dim: (values, indices)
    target = Tensor(np.zeros(3, dtype=np.float32))
    target[0] = x[0, 0]  # setitem, recorded: the value requires grad
    reached.update(engine.ops)
    assert reached == set(PRIMITIVES)


def test_gradient_free_ops_do_not_record(engine):
    x = _x(2, 3)
    for call in (lambda: x < 0.2, lambda: x == x, lambda: x >= 1, lambda: x.argmax(),
                 lambda: x.argmin(1), lambda: x.detach(), lambda: x.size(), lambda: x.T.T):
        call()
    assert engine.ops == ["transpose", "transpose"]  # only the two .T
    engine.records.clear()
    for call in (lambda: x < 0.2, lambda: x == x, lambda: x.argmax(), lambda: x.detach()):
        call()
    assert engine.ops == []


def test_no_record_without_requires_grad(engine):
    a, b = _x(2, 3, requires_grad=False), _x(2, 3, requires_grad=False)
    out = (a * b).sum()
    assert engine.ops == [] and not out.requires_grad and out.is_leaf


def test_one_input_requiring_grad_is_enough(engine):
    a, b = _x(2, 3, requires_grad=False), _x(2, 3)
    a + b
    assert engine.ops == ["add"]


def test_chains_record_every_step(engine):
    x = _x(2, 3)
    (x * 2.0 + 1.0).sum()
    assert engine.ops == ["mul", "add", "sum"]


def test_apply_passes_attrs_to_forward(engine):
    x = _x(3)
    out = apply("scale", lambda a, k: a * k, x, k=3.0)
    np.testing.assert_allclose(out.data, x.data * 3.0)
    assert engine.records[0][0] == "scale" and engine.records[0][3] == {"k": 3.0}


def test_apply_result_is_an_array_even_for_numpy_scalars():
    out = apply("sum", lambda a, dim, keepdim: np.sum(a), _x(3), dim=None, keepdim=False)
    assert isinstance(out.data, np.ndarray) and out.shape == ()


def test_backward_delegates_to_engine(engine):
    x = _x(2)
    g = Tensor([1.0, 1.0])
    x.backward(g)
    x.backward()
    x.backward(g, retain_graph=True)
    assert engine.backward_calls == [(x, g, False), (x, None, False), (x, g, True)]


def test_set_and_get_engine(engine):
    assert get_engine() is engine
    set_engine(None)
    assert get_engine() is None
    x = _x(2)
    assert not (x * 2.0).requires_grad  # no engine: nothing is recorded


def test_grad_fn_reads_the_node_slot_the_engine_sets():
    class NodeEngine:
        def record(self, op, out, inputs, attrs):
            out._node = ("node", op)
            out.requires_grad = True

        def backward(self, tensor, gradient):
            pass

    set_engine(NodeEngine())
    out = _x(2) * 2.0
    assert out.grad_fn == ("node", "mul") and not out.is_leaf


def test_primitives_table():
    assert len(PRIMITIVES) == len(set(PRIMITIVES)) == 34
    assert tt.ENTRY_POINT_GROUP == "tinytorch.engine"
    assert isinstance(tt.GradEngine, type)
