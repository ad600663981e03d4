"""SGD, Adam and AdamW equal torch.optim step for step (25 steps, float32 and float64).

The optimizers only read `p.data` and `p.grad`, so no autograd is needed:
every step sets `.grad` to a known array, the same one PyTorch gets.
"""

from __future__ import annotations

import numpy as np
import pytest
from tinytorch.optimizers import SGD, Adam, AdamW
from tinytorch.tensor import Tensor
from tt_testing import torch_or_skip

STEPS = 25
SHAPES = [(4, 3), (3,), (2, 2, 2)]
TOL = {np.float32: dict(rtol=2e-5, atol=2e-6), np.float64: dict(rtol=1e-11, atol=1e-12)}

SGD_CONFIGS = [
    dict(lr=0.1),
    dict(lr=0.05, momentum=0.9),
    dict(lr=0.05, momentum=0.9, dampening=0.3),
    dict(lr=0.05, momentum=0.9, nesterov=True),
    dict(lr=0.05, momentum=0.5, weight_decay=0.1),
    dict(lr=0.05, momentum=0.8, nesterov=True, weight_decay=0.01, maximize=True),
]
ADAM_CONFIGS = [
    dict(lr=1e-2),
    dict(lr=3e-2, betas=(0.8, 0.99), eps=1e-6),
    dict(lr=1e-2, weight_decay=0.1),
    dict(lr=1e-2, amsgrad=True),
    dict(lr=1e-2, weight_decay=0.05, amsgrad=True, maximize=True),
]


def make_arrays(dtype, steps, seed=0):
    rng = np.random.default_rng(seed)
    init = [rng.standard_normal(s).astype(dtype) for s in SHAPES]
    grads = [[rng.standard_normal(s).astype(dtype) for s in SHAPES] for _ in range(steps)]
    return init, grads


def run_ours(make_opt, init, grads):
    params = [Tensor(a.copy(), requires_grad=True) for a in init]
    opt = make_opt(params)
    for step_grads in grads:
        for p, g in zip(params, step_grads, strict=True):
            p.grad = Tensor(g.copy())
        opt.step()
    return [p.data for p in params], opt


def run_torch(torch, make_opt, init, grads):
    params = [torch.tensor(a.copy(), requires_grad=True) for a in init]
    opt = make_opt(params)
    for step_grads in grads:
        for p, g in zip(params, step_grads, strict=True):
            p.grad = torch.tensor(g.copy())
        opt.step()
    return [p.detach().numpy() for p in params]


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("config", SGD_CONFIGS, ids=str)
def test_sgd_matches_torch(dtype, config):
    torch = torch_or_skip()
    init, grads = make_arrays(dtype, STEPS)
    ours, _ = run_ours(lambda p: SGD(p, **config), init, grads)
    ref = run_torch(torch, lambda p: torch.optim.SGD(p, **config), init, grads)
    for a, e in zip(ours, ref, strict=True):
        assert a.dtype == dtype
        np.testing.assert_allclose(a, e, **TOL[dtype])


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("config", ADAM_CONFIGS, ids=str)
@pytest.mark.parametrize("name", ["Adam", "AdamW"])
def test_adam_adamw_match_torch(name, dtype, config):
    torch = torch_or_skip()
    cls = {"Adam": Adam, "AdamW": AdamW}[name]
    init, grads = make_arrays(dtype, STEPS)
    ours, opt = run_ours(lambda p: cls(p, **config), init, grads)
    ref = run_torch(torch, lambda p: getattr(torch.optim, name)(p, **config), init, grads)
    for a, e in zip(ours, ref, strict=True):
        assert a.dtype == dtype
        np.testing.assert_allclose(a, e, **TOL[dtype])
    state = opt.state_dict()["state"][0]
    assert state["step"] == STEPS
    assert state["exp_avg"].dtype == dtype  # no float64 upcast of float32 state


def test_adamw_default_decay_matches_torch():
    torch = torch_or_skip()
    init, grads = make_arrays(np.float64, STEPS)
    ours, _ = run_ours(lambda p: AdamW(p, lr=0.05), init, grads)
    ref = run_torch(torch, lambda p: torch.optim.AdamW(p, lr=0.05), init, grads)
    for a, e in zip(ours, ref, strict=True):
        np.testing.assert_allclose(a, e, rtol=1e-11, atol=1e-12)


def test_param_groups_with_own_options_match_torch():
    torch = torch_or_skip()
    init, grads = make_arrays(np.float64, STEPS)
    params = [Tensor(a.copy(), requires_grad=True) for a in init]
    tparams = [torch.tensor(a.copy(), requires_grad=True) for a in init]
    opt = Adam([{"params": params[:1]}, {"params": params[1:], "lr": 0.1, "amsgrad": True}],
               lr=0.01)
    topt = torch.optim.Adam(
        [{"params": tparams[:1]}, {"params": tparams[1:], "lr": 0.1, "amsgrad": True}], lr=0.01
    )
    for step_grads in grads:
        for p, tp, g in zip(params, tparams, step_grads, strict=True):
            p.grad = Tensor(g.copy())
            tp.grad = torch.tensor(g.copy())
        opt.step()
        topt.step()
    for p, tp in zip(params, tparams, strict=True):
        np.testing.assert_allclose(p.data, tp.detach().numpy(), rtol=1e-11, atol=1e-12)


def test_skipped_param_keeps_torch_semantics():
    """A parameter whose grad is None on some steps is left alone on those steps."""
    torch = torch_or_skip()
    init, grads = make_arrays(np.float64, 6)
    params = [Tensor(a.copy(), requires_grad=True) for a in init]
    tparams = [torch.tensor(a.copy(), requires_grad=True) for a in init]
    opt, topt = Adam(params, lr=0.1), torch.optim.Adam(tparams, lr=0.1)
    for step, step_grads in enumerate(grads):
        for i, (p, tp, g) in enumerate(zip(params, tparams, step_grads, strict=True)):
            have = not (i == 1 and step % 2 == 0)
            p.grad = Tensor(g.copy()) if have else None
            tp.grad = torch.tensor(g.copy()) if have else None
        opt.step()
        topt.step()
    for p, tp in zip(params, tparams, strict=True):
        np.testing.assert_allclose(p.data, tp.detach().numpy(), rtol=1e-11, atol=1e-12)
    assert opt.state_dict()["state"][1]["step"] == 3
