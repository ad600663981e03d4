"""In-place ops under autograd: PyTorch's leaf rule, rebasing, version counters.

Which cases raise and which work is checked against PyTorch (where
installed) and against the expected outcome written here; gradients of the
allowed in-place chains are checked with finite differences in float64.
"""

from __future__ import annotations

import warnings

import numpy as np
import pytest
from tinytorch.autograd import Function, gradcheck, no_grad
from tinytorch.tensor import Tensor
from tt_testing import assert_close, torch_or_skip

LEAF = "a leaf Variable that requires grad is being used in an in-place operation"
MODIFIED = "one of the variables needed for gradient computation has been modified by an inplace"


def leaf(*values):
    return Tensor(np.array(values, dtype=np.float64), requires_grad=True)


# ------------------------------------------------------------------ the leaf rule


def test_leaf_inplace_needs_no_grad():
    p = leaf(1.0, 2.0)
    for call in (lambda: p.add_(1.0), lambda: p.__isub__(1.0), lambda: p.zero_(),
                 lambda: p.clamp_(0.0, 1.0), lambda: p.__setitem__(0, 5.0)):
        with pytest.raises(RuntimeError, match=LEAF):
            call()
    assert p.tolist() == [1.0, 2.0]


def test_sgd_step_under_no_grad_changes_the_parameter_in_place():
    p = leaf(1.0, 2.0)
    (p * p).sum().backward()
    data, lr = p.data, 0.1
    with no_grad():
        p -= lr * p.grad
    assert p.data is data  # same array: views and optimizer state see the update
    assert_close(p, [0.8, 1.6])
    assert p.is_leaf and p.requires_grad and p._version == 1
    with no_grad():
        p.zero_()
        p[1] = 4.0
    assert p.tolist() == [0.0, 4.0]


def test_view_of_a_leaf_is_protected_too():
    p = leaf(1.0, 2.0, 3.0)
    with pytest.raises(RuntimeError, match="a view of a leaf Variable"):
        p[1:].mul_(2.0)
    with no_grad():
        p[1:].mul_(2.0)
    assert p.tolist() == [1.0, 4.0, 6.0]


# ------------------------------------------------------------------ recorded in-place ops


def _chain(x):
    y = x * 2.0
    y += 1.0  # add (reads nothing)
    y *= x  # mul: needs the old y, kept as a copy
    y -= x.sum()
    y /= 3.0
    y.clamp_(-5.0, 5.0)
    return y


def test_recorded_chain_gradients_are_exact():
    x = Tensor(np.array([0.3, -1.2, 2.0]), requires_grad=True)
    assert gradcheck(_chain, (x,))


def test_operand_in_the_target_memory_uses_the_old_values():
    def square(a):
        y = a * 1.0
        y.mul_(y)  # y = a^2: the mul must read the old y for both operands
        z = a * 1.0
        z += z[::-1]  # a view of z, overwritten by the same op
        return y * z

    x = Tensor(np.array([0.3, -1.2, 2.0]), requires_grad=True)
    assert gradcheck(square, (x,))


def test_rebasing_moves_grad_fn_and_keeps_earlier_consumers():
    x = Tensor(np.array([1.0, 2.0]), requires_grad=True)
    y = x * 3.0
    before = y * 2.0  # uses y as it was (6x); reads only the constant
    y += x  # y = 4x now, its node is the add
    assert y.grad_fn.name == "AddBackward" and not y.is_leaf
    (before * x).sum().backward(retain_graph=True)  # 6x^2: 12x, through the old node
    assert_close(x.grad, 12.0 * np.array([1.0, 2.0]))
    x.grad = None
    (before.sum() + y.sum()).backward()
    assert_close(x.grad, [10.0, 10.0])


def test_setitem_on_a_computed_tensor_is_differentiable():
    def f(a, b):
        out = a * 1.0
        out[0, :, [1, 2]] = b  # PyTorch indexing: region (3, 2)
        return out * a

    a = Tensor(np.random.default_rng(0).normal(size=(2, 3, 4)), requires_grad=True)
    b = Tensor(np.random.default_rng(1).normal(size=(3, 2)), requires_grad=True)
    assert gradcheck(f, (a, b))


def test_inplace_into_a_plain_tensor_makes_it_part_of_the_graph():
    w = leaf(1.0, 2.0)
    buf = Tensor(np.zeros(2))
    buf += w * w
    buf.copy_(buf * 2.0)
    assert buf.requires_grad and not buf.is_leaf
    buf.sum().backward()
    assert_close(w.grad, [4.0, 8.0])


def test_fill_and_zero_cut_the_gradient_of_old_values():
    x = leaf(1.0, 2.0)
    v = Tensor(np.float64(3.0), requires_grad=True)
    y = x * 2.0
    y.fill_(v)  # every element is now v
    (y * Tensor(np.array([1.0, 5.0]))).sum().backward()
    assert x.grad is None or not x.grad.data.any()
    assert_close(v.grad, 6.0)


# ------------------------------------------------------------------ version counters

# (name, function of a leaf x, whether backward must raise here, in PyTorch).
# Each builds y from x, changes something in place, then returns the loss.

CASES = [
    ("mul-by-const then add_", lambda x, lib: _add1(x * 2), False, False),
    ("exp then add_", lambda x, lib: _add1(x.exp()), True, True),
    ("tanh then mul_", lambda x, lib: _mul2(x.tanh()), True, True),
    ("sqrt then sub_", lambda x, lib: _sub1(x.sqrt()), True, True),
    ("log input changed", lambda x, lib: _use_then_change(x * 1.0, lambda t: t.log()), True,
     True),
    ("sum input changed", lambda x, lib: _use_then_change(x * 1.0, lambda t: t.sum()), False,
     False),
    ("reshape input changed",
     lambda x, lib: _use_then_change(x * 1.0, lambda t: t.reshape(3) * 2.0), False, False),
    ("add input changed", lambda x, lib: _use_then_change(x * 1.0, lambda t: t + 1), False,
     False),
    ("mul by changed const", lambda x, lib: _const_changed(x, lib), True, True),
    ("mul-saved x * y then y changed", lambda x, lib: _use_then_change(x * 1.0, lambda t: t * x),
     True, True),
    ("amax input changed", lambda x, lib: _use_then_change(x * 1.0, lambda t: t.amax()), True,
     True),
    ("max(dim) input changed",
     lambda x, lib: _use_then_change(x * 1.0, lambda t: t.max(dim=0)[0]), False, False),
]


def _add1(t):
    t += 1.0
    return t.sum()


def _mul2(t):
    t *= 2.0
    return t.sum()


def _sub1(t):
    t -= 1.0
    return t.sum()


def _use_then_change(t, use):
    out = use(t)
    t.add_(1.0)
    return out.sum()


def _const_changed(x, lib):
    c = lib.ones(3, dtype=x.dtype) if hasattr(lib, "ones") else None
    out = x * c
    c.mul_(2.0)
    return out.sum()


class _TT:
    """The bits of a `torch`-like namespace the cases use, for tinytorch."""

    @staticmethod
    def ones(n, dtype):
        return Tensor(np.ones(n, dtype=dtype))


@pytest.mark.parametrize(("name", "fn", "raises", "_torch"), CASES, ids=[c[0] for c in CASES])
def test_which_inplace_changes_break_backward(name, fn, raises, _torch):
    x = Tensor(np.array([0.5, 1.5, 2.5]), requires_grad=True)
    loss = fn(x, _TT)
    if raises:
        with pytest.raises(RuntimeError, match=MODIFIED):
            loss.backward()
    else:
        loss.backward()
        assert x.grad is not None


@pytest.mark.parametrize(("name", "fn", "_ours", "raises"), CASES, ids=[c[0] for c in CASES])
def test_which_inplace_changes_break_backward_in_torch(name, fn, _ours, raises):
    torch = torch_or_skip()
    x = torch.tensor([0.5, 1.5, 2.5], dtype=torch.float64, requires_grad=True)
    loss = fn(x, torch)
    if raises:
        with pytest.raises(RuntimeError, match=MODIFIED):
            loss.backward()
    else:
        loss.backward()


def test_message_names_node_position_and_versions():
    x = Tensor(np.array([1.0, 2.0]), requires_grad=True)
    c = Tensor(np.array([3.0, 4.0]))
    y = c * x  # MulBackward reads c (input 0) for x's gradient
    c += 1.0
    with pytest.raises(RuntimeError) as info:
        y.sum().backward()
    assert str(info.value) == (
        "one of the variables needed for gradient computation has been modified by an "
        "inplace operation: [MulBackward] input 0 is at version 1; expected version 0 "
        "instead."
    )


def test_change_through_a_view_is_seen():
    x = Tensor(np.array([1.0, 2.0, 3.0]), requires_grad=True)
    base = Tensor(np.array([1.0, 2.0, 3.0]))
    y = x * base  # saves base
    with no_grad():
        base[1:].zero_()  # through a view: the shared counter moves
    with pytest.raises(RuntimeError, match=r"\[MulBackward\] input 1 is at version 1"):
        y.sum().backward()


def test_view_used_after_its_base_changed_is_refused():
    # PyTorch would rebuild the view's graph; TinyTorch refuses to record it
    # rather than return the gradient of the old values.
    x = Tensor(np.array([1.0, 2.0]), requires_grad=True)
    y = x * 3.0
    v = y[0:1]
    early = v * 2.0  # used before the change: fine
    y.mul_(2.0)
    with pytest.raises(RuntimeError, match="sum: an input is a view whose base was changed"):
        v.sum()
    with no_grad():
        assert v.sum().item() == 6.0  # nothing recorded: the new values are fine
    (early.sum() + y[0:1].sum()).backward()  # a fresh view works
    assert_close(x.grad, [12.0, 0.0])


def test_inplace_on_a_recorded_view_is_refused_with_a_clear_message():
    x = Tensor(np.array([1.0, 2.0]), requires_grad=True)
    y = x * 3.0
    with pytest.raises(RuntimeError, match="in-place change of a view while autograd records"):
        y[0:1].add_(1.0)


class _Square(Function):
    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return x * x

    @staticmethod
    def backward(ctx, grad):
        (x,) = ctx.saved_tensors
        return 2 * x * grad


class _Exp(Function):
    @staticmethod
    def forward(ctx, x):
        out = np.exp(x)
        ctx.save_for_backward(out)
        return out

    @staticmethod
    def backward(ctx, grad):
        (out,) = ctx.saved_tensors
        return out * grad


def test_function_saved_tensors_are_checked():
    x = Tensor(np.array([1.0, 2.0]), requires_grad=True)
    h = x * 1.0
    y = _Square.apply(h)
    h.add_(1.0)
    with pytest.raises(RuntimeError, match=r"\[_SquareBackward\] input 0 is at version 1"):
        y.sum().backward()
    e = _Exp.apply(x)
    e += 1.0
    with pytest.raises(RuntimeError, match=r"\[_ExpBackward\] output 0 is at version 1"):
        e.sum().backward()
    h2 = x * 1.0
    y2 = _Square.apply(h2)
    y2.sum().backward()  # unchanged: works
    assert_close(x.grad, [2.0, 4.0])


# ------------------------------------------------------------------ max / min with a dim


def test_max_dim_gradient_goes_to_the_index_only():
    x = Tensor(np.array([[1.0, 3.0, 3.0], [2.0, 2.0, 0.0]]), requires_grad=True)
    values, indices = x.max(dim=1)
    assert indices.tolist() == [1, 0]
    (values * Tensor(np.array([1.0, 10.0]))).sum().backward()
    assert_close(x.grad, [[0.0, 1.0, 0.0], [10.0, 0.0, 0.0]])  # ties: all to the first


def test_max_min_dim_gradcheck_and_torch():
    x = Tensor(np.random.default_rng(3).normal(size=(2, 3, 4)), requires_grad=True)
    for dim in (0, 1, -1):
        for keepdim in (False, True):
            assert gradcheck(lambda a, d=dim, k=keepdim: a.max(d, k).values, (x,))
            assert gradcheck(lambda a, d=dim, k=keepdim: a.min(dim=d, keepdim=k)[0], (x,))
    torch = torch_or_skip()
    data = np.array([[1.0, 3.0, 3.0], [3.0, 2.0, 3.0]])
    for ours, theirs in (("max", torch.max), ("min", torch.min)):
        a = Tensor(data, requires_grad=True)
        ta = torch.tensor(data, requires_grad=True)
        w = np.array([1.0, 7.0])
        (getattr(a, ours)(dim=1).values * Tensor(w)).sum().backward()
        (theirs(ta, 1).values * torch.tensor(w)).sum().backward()
        assert_close(a.grad, ta.grad.numpy())


# ------------------------------------------------------------------ PyTorch indexing, backward


def test_int_then_advanced_index_gradient():
    x = Tensor(np.arange(24.0).reshape(2, 3, 4), requires_grad=True)
    out = x[0, :, [1, 2, 1]]
    assert out.shape == (3, 3)
    out.backward(Tensor(np.ones((3, 3))))
    expected = np.zeros((2, 3, 4))
    expected[0, :, 1] = 2.0  # picked twice
    expected[0, :, 2] = 1.0
    assert_close(x.grad, expected)
    assert gradcheck(lambda a: a[1, [0, 2], 1:3] * a[0, :, [3, 0]][:2], (x.detach() * 0.1 + 0.5,))


def test_int_then_advanced_index_matches_torch():
    torch = torch_or_skip()
    data = np.random.default_rng(5).normal(size=(2, 3, 4))
    x, tx = Tensor(data, requires_grad=True), torch.tensor(data, requires_grad=True)
    w = np.random.default_rng(6).normal(size=(3, 2))
    (x[1, :, [3, 0]] * Tensor(w)).sum().backward()
    (tx[1, :, [3, 0]] * torch.tensor(w)).sum().backward()
    assert_close(x.grad, tx.grad.numpy())


# ------------------------------------------------------------------ no warnings in backward


def test_backward_through_inf_and_nan_is_silent():
    x = Tensor(np.array([0.0, 1.0, -1.0]), requires_grad=True)
    for f in (lambda a: a.log(), lambda a: a.sqrt(), lambda a: 1.0 / a, lambda a: a**0.5,
              lambda a: a**-1.0):
        x.grad = None
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            f(x).sum().backward()
        assert not np.isfinite(x.grad.data[0])
    z = Tensor(np.zeros((0, 2)), requires_grad=True)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        z.mean(dim=0).sum().backward()
    assert z.grad.shape == (0, 2)
