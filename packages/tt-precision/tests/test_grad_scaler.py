"""GradScaler: skipped steps and back-off on overflow, growth, PyTorch's scale sequence."""

from __future__ import annotations

import math

import numpy as np
import pytest
from tinytorch.optimizers import SGD
from tinytorch.precision import GradScaler
from tinytorch.tensor import Tensor

INF, NAN = math.inf, math.nan


def _run(scaler: GradScaler, grads: list[list[float]]) -> tuple[list[float], list[np.ndarray]]:
    """One SGD(lr=0.5) step per gradient row on loss = (p * g).sum(): scales and weights."""
    p = Tensor(np.zeros(3, np.float32), requires_grad=True)
    opt = SGD([p], lr=0.5)
    scales, weights = [], []
    for g in grads:
        opt.zero_grad()
        loss = (p * Tensor(np.array(g, np.float32))).sum()
        scaler.scale(loss).backward()
        scaler.step(opt)
        scaler.update()
        scales.append(scaler.get_scale())
        weights.append(p.data.copy())
    return scales, weights


def test_defaults_are_pytorchs() -> None:
    s = GradScaler()
    assert s.get_scale() == 2.0**16 and s.get_growth_factor() == 2.0
    assert s.get_backoff_factor() == 0.5 and s.get_growth_interval() == 2000
    assert s.is_enabled()
    assert s.scale(Tensor(np.float32(1.5))).item() == 1.5 * 2**16


def test_overflow_skips_the_step_and_backs_off() -> None:
    grads = [[1, 2, 3], [1, 1, 1], [INF, 1, 1], [1, NAN, 1], [1, 1, 1], [1, 1, 1], [2, 0, 0]]
    scales, weights = _run(GradScaler(init_scale=8.0, growth_interval=2), grads)
    # clean, clean (grow), inf (halve), nan (halve), clean, clean (grow), clean
    assert scales == [8.0, 16.0, 8.0, 4.0, 4.0, 8.0, 8.0]
    np.testing.assert_array_equal(weights[0], [-0.5, -1.0, -1.5])  # unscaled: p -= 0.5 * g
    np.testing.assert_array_equal(weights[1], [-1.0, -1.5, -2.0])
    np.testing.assert_array_equal(weights[2], weights[1])  # skipped
    np.testing.assert_array_equal(weights[3], weights[1])  # skipped
    np.testing.assert_array_equal(weights[6], [-3.0, -2.5, -3.0])


def test_scale_never_grows_into_inf() -> None:
    scales, _ = _run(GradScaler(init_scale=2.0**127, growth_interval=1), [[1, 1, 1]] * 2)
    assert scales == [2.0**127, 2.0**127]


def test_unscale_before_clipping_and_misuse_errors() -> None:
    p = Tensor(np.zeros(2, np.float32), requires_grad=True)
    opt, s = SGD([p], lr=1.0), GradScaler(init_scale=4.0)
    with pytest.raises(RuntimeError, match="no inf checks"):
        s.update()
    s.scale((p * Tensor(np.array([1.0, 2.0], np.float32))).sum()).backward()
    np.testing.assert_array_equal(p.grad.data, [4.0, 8.0])  # scaled
    s.unscale_(opt)
    np.testing.assert_array_equal(p.grad.data, [1.0, 2.0])  # true size, ready for clipping
    with pytest.raises(RuntimeError, match="already been called"):
        s.unscale_(opt)
    s.step(opt)  # does not unscale again
    np.testing.assert_array_equal(p.data, [-1.0, -2.0])
    with pytest.raises(RuntimeError, match="step\\(\\) has already been called"):
        s.step(opt)
    s.update()
    with pytest.raises(TypeError, match="Optimizer"):
        s.step(object())


@pytest.mark.parametrize("bad", [dict(init_scale=0.0), dict(init_scale=math.inf),
                                 dict(growth_factor=1.0), dict(backoff_factor=1.0),
                                 dict(growth_interval=0), dict(growth_interval=2.5)])
def test_bad_arguments(bad) -> None:
    with pytest.raises(ValueError, match="GradScaler"):
        GradScaler(**bad)


def test_float16_gradients_are_refused() -> None:
    p = Tensor(np.zeros(2, np.float16), requires_grad=True)
    opt = SGD([p], lr=1.0)
    s = GradScaler()
    (p * Tensor(np.ones(2, np.float16))).sum().backward()
    with pytest.raises(ValueError, match="float16"):
        s.unscale_(opt)


def test_disabled_is_a_no_op() -> None:
    s = GradScaler(enabled=False)
    scales, weights = _run(s, [[1, 1, 1], [INF, 1, 1]])
    assert scales == [1.0, 1.0] and s.state_dict() == {}
    assert np.isinf(weights[1][0])  # nothing skipped: the inf went in


def test_state_dict_round_trip() -> None:
    a = GradScaler(init_scale=32.0, growth_interval=3)
    _run(a, [[1, 1, 1], [1, 1, 1], [INF, 0, 0], [1, 1, 1]])
    state = a.state_dict()
    assert state == {"scale": 16.0, "growth_factor": 2.0, "backoff_factor": 0.5,
                     "growth_interval": 3, "_growth_tracker": 1}
    b = GradScaler()
    b.load_state_dict(state)
    assert b.state_dict() == state
    with pytest.raises(RuntimeError, match="empty"):
        GradScaler().load_state_dict({})


def test_scale_sequence_equals_pytorchs() -> None:
    from tt_testing import torch_or_skip

    torch = torch_or_skip()
    rng = np.random.default_rng(0)
    grads = rng.standard_normal((60, 3)).astype(np.float32)
    grads[rng.random(60) < 0.15, 0] = np.inf
    grads[rng.random(60) < 0.05, 1] = np.nan
    kw = dict(init_scale=1000.1, growth_factor=1.7, backoff_factor=0.3, growth_interval=4)
    ours, our_weights = _run(GradScaler(**kw), grads.tolist())
    p = torch.nn.Parameter(torch.zeros(3))
    opt = torch.optim.SGD([p], lr=0.5)
    scaler = torch.amp.GradScaler("cpu", **kw)
    theirs, their_weights = [], []
    for g in grads:
        opt.zero_grad()
        scaler.scale((p * torch.from_numpy(g)).sum()).backward()
        scaler.step(opt)
        scaler.update()
        theirs.append(scaler.get_scale())
        their_weights.append(p.detach().numpy().copy())
    assert ours == theirs
    np.testing.assert_allclose(np.array(our_weights), np.array(their_weights), rtol=1e-6)
    assert GradScaler(**kw).state_dict().keys() == torch.amp.GradScaler("cpu").state_dict().keys()
