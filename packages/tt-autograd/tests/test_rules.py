"""Every primitive of tt-tensor has a backward rule, and each one passes gradcheck.

`CASES` holds one small float64 example per primitive name; the test that
compares its keys with `PRIMITIVES` fails when tt-tensor gains a primitive
this module does not cover yet.
"""

import numpy as np
import pytest
from tinytorch.autograd import RULES, gradcheck
from tinytorch.tensor import PRIMITIVES, Tensor, cat, maximum, pad, where


def t(*shape, low=-1.0, high=1.0, seed=0):
    """A float64 tensor of uniform values that requires grad."""
    data = np.asarray(np.random.default_rng(seed).uniform(low, high, shape))
    return Tensor(data, requires_grad=True)


COND = np.array([[True], [False], [True]])  # (3, 1), broadcasts against (3, 4)


def _written(a, b):
    """`a * 1` with row 1, columns 1:3 overwritten by b: the recorded `setitem`."""
    out = a * 1.0
    out[1, 1:3] = b
    return out

CASES = {
    "add": (lambda a, b: a + b, lambda: (t(3, 4), t(4, seed=1))),
    "sub": (lambda a, b: a - b, lambda: (t(3, 1), t(1, 4, seed=1))),
    "mul": (lambda a, b: a * b, lambda: (t(2, 3, 4), t(3, 1, seed=1))),
    "div": (lambda a, b: a / b, lambda: (t(3, 4), t(4, low=0.5, high=2.0, seed=1))),
    "pow": (lambda a, b: a**b, lambda: (t(3, 4, low=0.5, high=2.0), t(4, seed=1))),
    "maximum": (lambda a, b: maximum(a, b), lambda: (t(3, 4), t(4, seed=1))),
    "neg": (lambda a: -a, lambda: (t(3, 4),)),
    "exp": (lambda a: a.exp(), lambda: (t(3, 4),)),
    "log": (lambda a: a.log(), lambda: (t(3, 4, low=0.5, high=2.0),)),
    "sqrt": (lambda a: a.sqrt(), lambda: (t(3, 4, low=0.5, high=2.0),)),
    "abs": (lambda a: a.abs(), lambda: (t(3, 4),)),
    "tanh": (lambda a: a.tanh(), lambda: (t(3, 4),)),
    "erf": (lambda a: a.erf(), lambda: (t(3, 4),)),
    "clamp": (lambda a: a.clamp(-0.5, 0.5), lambda: (t(3, 4),)),
    "where": (lambda a, b: where(COND, a, b), lambda: (t(3, 4), t(4, seed=1))),
    "sum": (lambda a: a.sum(dim=(0, 2)), lambda: (t(2, 3, 4),)),
    "mean": (lambda a: a.mean(dim=1, keepdim=True), lambda: (t(2, 3, 4),)),
    "amax": (lambda a: a.amax(dim=-1), lambda: (t(3, 4),)),
    "amin": (lambda a: a.amin(dim=0, keepdim=True), lambda: (t(3, 4),)),
    "max": (lambda a: a.max(dim=-1).values, lambda: (t(3, 4),)),
    "min": (lambda a: a.min(dim=0, keepdim=True).values, lambda: (t(3, 4),)),
    "setitem": (lambda a, b: _written(a, b), lambda: (t(3, 4), t(2, seed=1))),
    "matmul": (lambda a, b: a @ b, lambda: (t(3, 4), t(4, 5, seed=1))),
    "reshape": (lambda a: a.reshape(4, 3), lambda: (t(3, 4),)),
    "transpose": (lambda a: a.transpose(0, 2), lambda: (t(2, 3, 4),)),
    "permute": (lambda a: a.permute(2, 0, 1), lambda: (t(2, 3, 4),)),
    "contiguous": (lambda a: a.transpose(0, 1).contiguous(), lambda: (t(3, 4),)),
    "getitem": (lambda a: a[[0, 2, 0]], lambda: (t(3, 4),)),
    "sin": (lambda a: a.sin(), lambda: (t(3, 4),)),
    "cos": (lambda a: a.cos(), lambda: (t(3, 4),)),
    "expand": (lambda a: a.expand(2, 3, 4), lambda: (t(3, 1),)),
    "pad": (lambda a: pad(a, (1, -1, 0, 2)), lambda: (t(3, 4),)),
    "clone": (lambda a: a.clone(), lambda: (t(3, 4),)),
    "cat": (lambda a, b: cat([a, b, a], dim=1), lambda: (t(3, 4), t(3, 2, seed=1))),
}


def test_every_primitive_has_a_rule():
    missing = [op for op in PRIMITIVES if op not in RULES]
    assert missing == [], f"no backward rule for {missing}"


def test_every_primitive_has_a_gradcheck_case():
    assert set(CASES) == set(PRIMITIVES)


@pytest.mark.parametrize("op", PRIMITIVES)
def test_gradcheck_every_primitive(op):
    fn, make = CASES[op]
    inputs = make()
    out = fn(*inputs)
    assert out.requires_grad and out.grad_fn is not None
    assert gradcheck(fn, inputs)


@pytest.mark.parametrize("op", PRIMITIVES)
def test_rule_gives_leaf_dtype_and_shape(op):
    """float32 leaves get float32 gradients of their own shape."""
    fn, make = CASES[op]
    inputs = [Tensor(x.data.astype(np.float32), requires_grad=True) for x in make()]
    out = fn(*inputs)
    out.backward(Tensor(np.ones(out.shape, dtype=np.float32)))
    for x in inputs:
        assert x.grad is not None
        assert x.grad.shape == x.shape
        assert x.grad.dtype == np.float32


def test_where_gradient_is_zero_where_not_chosen_even_for_inf_upstream():
    # grad * mask would give 0 * inf = nan at the unchosen place; where gives 0.
    x = Tensor(np.array([1.0, 2.0]), requires_grad=True)
    y = where(np.array([False, True]), x, 0.0)
    with np.errstate(invalid="ignore"):  # the forward value 0 * inf is nan; not the point
        (y * Tensor(np.array([np.inf, 3.0]))).sum().backward()
    assert x.grad.numpy().tolist() == [0.0, 3.0]
