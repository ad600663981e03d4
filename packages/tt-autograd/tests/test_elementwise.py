"""Gradients of the elementwise ops: broadcasting, scalars, edge conventions."""

import math

import numpy as np
import pytest
from tinytorch.autograd import gradcheck
from tinytorch.tensor import Tensor, maximum, where
from tt_testing import assert_close, torch_or_skip


def t(*shape, low=-1.0, high=1.0, seed=0):
    data = np.asarray(np.random.default_rng(seed).uniform(low, high, shape))
    return Tensor(data, requires_grad=True)


def pos(*shape, seed=0):
    return t(*shape, low=0.5, high=2.0, seed=seed)


BINARY = {
    "add": lambda a, b: a + b,
    "sub": lambda a, b: a - b,
    "mul": lambda a, b: a * b,
    "div": lambda a, b: a / b,
    "pow": lambda a, b: a**b,
    "maximum": lambda a, b: maximum(a, b),
}

# (shape of a, shape of b): broadcasting on either side, both sides, 0-d operands
SHAPES = [
    ((3, 4), (3, 4)),
    ((3, 4), (4,)),
    ((4,), (3, 4)),
    ((3, 1), (1, 4)),
    ((2, 1, 4), (3, 1)),
    ((), (3, 4)),
    ((3, 4), ()),
    ((), ()),
]


@pytest.mark.parametrize("op", list(BINARY))
@pytest.mark.parametrize("shapes", SHAPES, ids=str)
def test_binary_broadcasting(op, shapes):
    a, b = pos(*shapes[0]), pos(*shapes[1], seed=1)  # positive: valid for pow and div
    b.data = np.asarray(b.data + 0.1)  # keep maximum away from ties
    assert gradcheck(BINARY[op], (a, b))


@pytest.mark.parametrize("op", list(BINARY))
def test_python_scalar_on_either_side(op):
    x = pos(3, 4)
    f = BINARY[op]
    assert gradcheck(lambda a: f(a, 1.5), (x,))
    assert gradcheck(lambda a: f(1.5, a), (x,))
    f(x, 1.5).sum().backward()  # the scalar got no gradient, x got one
    assert x.grad is not None and x.grad.shape == (3, 4)


def test_only_one_input_requires_grad():
    a, b = t(3, 4), t(4, seed=1)
    b.requires_grad = False
    (a * b).sum().backward()
    assert b.grad is None
    assert_close(a.grad, np.broadcast_to(b.data, (3, 4)))


def test_pow_tensor_exponent_gets_log_base():
    base, expo = pos(5), t(5, seed=1)
    (base**expo).sum().backward()
    assert_close(expo.grad, base.data**expo.data * np.log(base.data), rtol=1e-10)
    assert_close(base.grad, expo.data * base.data ** (expo.data - 1), rtol=1e-10)


def test_scalar_base_pow():
    x = t(4)
    (2.0**x).sum().backward()
    assert_close(x.grad, 2.0**x.data * math.log(2.0), rtol=1e-10)


def test_pow_edges_follow_torch():
    base = Tensor(np.array([0.0, 1.0, 2.0, 0.0]), requires_grad=True)
    expo = Tensor(np.array([0.0, 0.0, 1.0, 2.0]), requires_grad=True)
    (base**expo).sum().backward()
    assert_close(base.grad, [0.0, 0.0, 1.0, 0.0])
    assert_close(expo.grad, [0.0, 0.0, 2.0 * math.log(2.0), 0.0])


def test_maximum_ties_split_evenly():
    a = Tensor(np.array([1.0, 2.0, 3.0]), requires_grad=True)
    b = Tensor(np.array([1.0, 3.0, 2.0]), requires_grad=True)
    maximum(a, b).sum().backward()
    assert_close(a.grad, [0.5, 0.0, 1.0])
    assert_close(b.grad, [0.5, 1.0, 0.0])


def test_maximum_ties_match_torch():
    torch = torch_or_skip()
    a_np, b_np = np.array([[1.0, 2.0], [0.0, 0.0]]), np.array([1.0, 0.0])
    a, b = Tensor(a_np, requires_grad=True), Tensor(b_np, requires_grad=True)
    (maximum(a, b) * 3.0).sum().backward()
    ta = torch.tensor(a_np, requires_grad=True)
    tb = torch.tensor(b_np, requires_grad=True)
    (torch.maximum(ta, tb) * 3.0).sum().backward()
    assert_close(a.grad, ta.grad)
    assert_close(b.grad, tb.grad)


@pytest.mark.parametrize(
    "name, fn, make",
    [
        ("neg", lambda a: -a, lambda: t(2, 3)),
        ("exp", lambda a: a.exp(), lambda: t(2, 3)),
        ("log", lambda a: a.log(), lambda: pos(2, 3)),
        ("sqrt", lambda a: a.sqrt(), lambda: pos(2, 3)),
        ("abs", lambda a: a.abs(), lambda: t(2, 3)),
        ("tanh", lambda a: a.tanh(), lambda: t(2, 3, low=-3, high=3)),
        ("erf", lambda a: a.erf(), lambda: t(2, 3, low=-2, high=2)),
        ("clamp both", lambda a: a.clamp(-0.3, 0.4), lambda: t(2, 3)),
        ("clamp min", lambda a: a.clamp(min=0.0), lambda: t(2, 3)),
        ("clamp max", lambda a: a.clamp(max=0.1), lambda: t(2, 3)),
        ("0-d", lambda a: a.exp().tanh(), lambda: t()),
    ],
)
def test_unary_gradcheck(name, fn, make):
    assert gradcheck(fn, (make(),))


def test_erf_derivative_formula():
    x = t(6, low=-2, high=2)
    x.erf().sum().backward()
    assert_close(x.grad, 2 / math.sqrt(math.pi) * np.exp(-x.data**2), rtol=1e-12)


def test_abs_at_zero_is_zero():
    x = Tensor(np.array([-2.0, 0.0, 3.0]), requires_grad=True)
    x.abs().sum().backward()
    assert_close(x.grad, [-1.0, 0.0, 1.0])


def test_clamp_boundary_passes_gradient():
    x = Tensor(np.array([0.0, 1.0, 1.5, 2.0, 3.0]), requires_grad=True)
    x.clamp(1.0, 2.0).sum().backward()
    assert_close(x.grad, [0.0, 1.0, 1.0, 1.0, 0.0])


def test_clamp_matches_torch():
    torch = torch_or_skip()
    data = np.array([-1.0, 0.0, 0.5, 1.0, 2.0])
    x, tx = Tensor(data, requires_grad=True), torch.tensor(data, requires_grad=True)
    (x.clamp(0.0, 1.0) * 2.0).sum().backward()
    (tx.clamp(0.0, 1.0) * 2.0).sum().backward()
    assert_close(x.grad, tx.grad)


def test_where_broadcasting_condition():
    cond = np.array([[True], [False], [True]])  # (3, 1)
    assert gradcheck(lambda a, b: where(cond, a, b), (t(3, 4), t(4, seed=1)))
    assert gradcheck(lambda a, b: where(cond, a, b), (t(1, 4), t(3, 1, seed=1)))
    a, b = t(3, 4), t(seed=1)  # b is 0-d
    where(cond, a, b).sum().backward()
    assert_close(a.grad, np.broadcast_to(cond, (3, 4)).astype(float))
    assert_close(b.grad, np.array(4.0))  # the 4 elements of the False row
