"""The update rules against their textbook formulas, written out in NumPy (no torch needed)."""

from __future__ import annotations

import tracemalloc

import numpy as np
import pytest
from tinytorch.optimizers import SGD, Adam, AdamW
from tinytorch.tensor import Tensor


def param(values, dtype=np.float64):
    return Tensor(np.array(values, dtype=dtype), requires_grad=True)


def grads_for(steps, shape, seed=3):
    rng = np.random.default_rng(seed)
    return [rng.standard_normal(shape) for _ in range(steps)]


def test_plain_sgd_is_p_minus_lr_g():
    p = param([1.0, -2.0, 3.0])
    opt = SGD([p], lr=0.5)
    p.grad = Tensor(np.array([2.0, 2.0, -4.0]))
    opt.step()
    np.testing.assert_allclose(p.data, [0.0, -3.0, 5.0])


@pytest.mark.parametrize("nesterov", [False, True])
def test_sgd_momentum_weight_decay_formula(nesterov):
    lr, mu, wd = 0.1, 0.9, 0.01
    x0 = np.array([0.5, -1.5, 2.0])
    p = param(x0)
    opt = SGD([p], lr=lr, momentum=mu, weight_decay=wd, nesterov=nesterov)
    x, buf = x0.copy(), None
    for g in grads_for(10, 3):
        p.grad = Tensor(g.copy())
        opt.step()
        d = g + wd * x
        buf = d.copy() if buf is None else mu * buf + d
        x = x - lr * (d + mu * buf if nesterov else buf)
        np.testing.assert_allclose(p.data, x, rtol=1e-13)


@pytest.mark.parametrize("decoupled", [False, True])
def test_adam_formula(decoupled):
    lr, b1, b2, eps, wd = 0.01, 0.9, 0.999, 1e-8, 0.1
    x0 = np.array([[0.5, -1.5], [2.0, 0.1]])
    p = param(x0)
    cls = AdamW if decoupled else Adam
    opt = cls([p], lr=lr, betas=(b1, b2), eps=eps, weight_decay=wd)
    x, m, v = x0.copy(), np.zeros((2, 2)), np.zeros((2, 2))
    for t, g in enumerate(grads_for(20, (2, 2)), start=1):
        p.grad = Tensor(g.copy())
        opt.step()
        if decoupled:
            x = x * (1 - lr * wd)
        else:
            g = g + wd * x
        m = b1 * m + (1 - b1) * g
        v = b2 * v + (1 - b2) * g * g
        x = x - lr * (m / (1 - b1**t)) / (np.sqrt(v / (1 - b2**t)) + eps)
        np.testing.assert_allclose(p.data, x, rtol=1e-12)


def test_amsgrad_uses_running_max_of_second_moment():
    p = param([1.0])
    opt = Adam([p], lr=0.1, amsgrad=True)
    p.grad = Tensor(np.array([10.0]))
    opt.step()
    p.grad = Tensor(np.array([0.0]))
    opt.step()
    state = opt.state_dict()["state"][0]
    assert state["max_exp_avg_sq"][0] == pytest.approx((1 - 0.999) * 100.0)
    assert state["exp_avg_sq"][0] < state["max_exp_avg_sq"][0]


@pytest.mark.parametrize("make", [
    lambda ps: SGD(ps, lr=0.1, momentum=0.9, nesterov=True, weight_decay=1e-4),
    lambda ps: Adam(ps, lr=1e-3, weight_decay=1e-4, amsgrad=True),
    lambda ps: AdamW(ps, lr=1e-3),
], ids=["sgd", "adam", "adamw"])
def test_float32_params_stay_float32_and_update_in_place(make):
    p = param(np.ones((3, 2)), dtype=np.float32)
    array = p.data
    opt = make([p])
    for _ in range(3):
        p.grad = Tensor(np.full((3, 2), 0.5, dtype=np.float32))
        opt.step()
    assert p.data is array  # the same buffer, updated in place
    assert p.data.dtype == np.float32
    assert np.all(p.data < 1.0)
    for value in opt.state_dict()["state"][0].values():
        if isinstance(value, np.ndarray):
            assert value.dtype == np.float32


def test_params_without_grad_are_skipped():
    a, b = param([1.0, 2.0]), param([3.0])
    opt = Adam([a, b], lr=0.1)
    a.grad = Tensor(np.array([1.0, 1.0]))
    opt.step()
    np.testing.assert_array_equal(b.data, [3.0])
    assert 1 not in opt.state_dict()["state"]
    assert not np.allclose(a.data, [1.0, 2.0])


def test_grad_shape_mismatch_names_the_parameter():
    p = param(np.zeros((2, 3)))
    p.grad = Tensor(np.zeros((2, 3)))
    p.grad.data = np.zeros((3, 2))  # a gradient gone wrong behind the setter's back
    with pytest.raises(ValueError, match=r"SGD.step: parameter 0 has shape \(2, 3\).*\(3, 2\)"):
        SGD([p], lr=0.1).step()


def test_adam_step_on_mlp_allocates_no_arrays():
    """The hot path: after the first step, a step of Adam on a 784-256-128-10 MLP
    allocates nothing as large as a layer (all work goes into preallocated buffers)."""
    rng = np.random.default_rng(0)
    shapes = [(256, 784), (256,), (128, 256), (128,), (10, 128), (10,)]
    params = [param(rng.standard_normal(s) * 0.05, dtype=np.float32) for s in shapes]
    for p in params:
        p.grad = Tensor(rng.standard_normal(p.data.shape).astype(np.float32))
    opt = Adam(params, lr=1e-3, weight_decay=1e-4)
    opt.step()  # creates the state and the scratch buffers
    tracemalloc.start()
    try:
        for _ in range(3):
            opt.step()
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    smallest_layer_bytes = 128 * 256 * 4
    assert peak < smallest_layer_bytes // 4, f"a step allocated {peak} bytes"


def test_step_returns_closure_loss():
    p = param([1.0])
    p.grad = Tensor(np.array([1.0]))
    assert SGD([p], lr=0.1).step(lambda: 42.0) == 42.0
