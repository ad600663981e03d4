"""StepLR and CosineAnnealingLR: closed forms, PyTorch equality, resume."""

from __future__ import annotations

import math

import numpy as np
import pytest
from tinytorch.optimizers import SGD, CosineAnnealingLR, LRScheduler, StepLR
from tinytorch.tensor import Tensor
from tt_testing import torch_or_skip

EPOCHS = 40


def optimizer(lrs=(0.1, 0.03)):
    groups = [{"params": [Tensor(np.zeros(2), requires_grad=True)], "lr": lr} for lr in lrs]
    return SGD(groups, lr=lrs[0])


def lrs_over(make, epochs=EPOCHS, lrs=(0.1, 0.03)):
    opt = optimizer(lrs)
    sched = make(opt)
    seen = [sched.get_last_lr()]
    for _ in range(epochs):
        opt.step()
        sched.step()
        seen.append(sched.get_last_lr())
        assert [g["lr"] for g in opt.param_groups] == seen[-1]
    return np.array(seen)


def test_step_lr_closed_form():
    seen = lrs_over(lambda o: StepLR(o, step_size=7, gamma=0.5))
    expected = [[b * 0.5 ** (e // 7) for b in (0.1, 0.03)] for e in range(EPOCHS + 1)]
    np.testing.assert_allclose(seen, expected, rtol=1e-15)


def test_cosine_closed_form_over_several_periods():
    seen = lrs_over(lambda o: CosineAnnealingLR(o, T_max=6, eta_min=0.001))
    expected = [[0.001 + (b - 0.001) * (1 + math.cos(math.pi * e / 6)) / 2 for b in (0.1, 0.03)]
                for e in range(EPOCHS + 1)]
    np.testing.assert_allclose(seen, expected, rtol=1e-14)
    assert seen[6] == pytest.approx([0.001, 0.001])  # the minimum after T_max
    assert seen[12] == pytest.approx([0.1, 0.03])  # back up after 2 * T_max


@pytest.mark.parametrize("name, kwargs", [
    ("StepLR", dict(step_size=5, gamma=0.3)),
    ("CosineAnnealingLR", dict(T_max=7, eta_min=0.002)),
    ("CosineAnnealingLR", dict(T_max=10)),
])
def test_schedulers_match_torch(name, kwargs):
    torch = torch_or_skip()
    ours = {"StepLR": StepLR, "CosineAnnealingLR": CosineAnnealingLR}[name]
    seen = lrs_over(lambda o: ours(o, **kwargs))
    tparams = [torch.zeros(2, requires_grad=True) for _ in range(2)]
    topt = torch.optim.SGD([{"params": [tparams[0]], "lr": 0.1},
                            {"params": [tparams[1]], "lr": 0.03}], lr=0.1)
    tsched = getattr(torch.optim.lr_scheduler, name)(topt, **kwargs)
    expected = [tsched.get_last_lr()]
    for _ in range(EPOCHS):
        topt.step()
        tsched.step()
        expected.append(tsched.get_last_lr())
    np.testing.assert_allclose(seen, np.array(expected), rtol=1e-9, atol=1e-15)


@pytest.mark.parametrize("make", [
    lambda o: StepLR(o, step_size=3, gamma=0.5),
    lambda o: CosineAnnealingLR(o, T_max=5, eta_min=0.01),
], ids=["step", "cosine"])
def test_state_dict_resume(make):
    opt = optimizer()
    sched = make(opt)
    for _ in range(4):
        sched.step()
    saved_sched, saved_opt = sched.state_dict(), opt.state_dict()
    assert "optimizer" not in saved_sched and saved_sched["last_epoch"] == 4
    for _ in range(6):
        sched.step()
    expected = sched.get_last_lr()

    opt2 = optimizer()
    sched2 = make(opt2)
    opt2.load_state_dict(saved_opt)
    sched2.load_state_dict(saved_sched)
    for _ in range(6):
        sched2.step()
    assert sched2.get_last_lr() == expected
    assert [g["lr"] for g in opt2.param_groups] == expected


def test_initial_lr_recorded_and_resume_needs_it():
    opt = optimizer()
    StepLR(opt, step_size=2)
    assert [g["initial_lr"] for g in opt.param_groups] == [0.1, 0.03]
    with pytest.raises(KeyError, match="group 0 has no 'initial_lr'"):
        StepLR(optimizer(), step_size=2, last_epoch=3)
    resumed = StepLR(opt, step_size=2, gamma=0.5, last_epoch=3)  # continues at epoch 4
    assert resumed.get_last_lr() == pytest.approx([0.1 * 0.25, 0.03 * 0.25])


def test_scheduler_arguments_are_checked():
    with pytest.raises(ValueError, match="step_size must be a positive int"):
        StepLR(optimizer(), step_size=0)
    with pytest.raises(ValueError, match="T_max must be a positive int"):
        CosineAnnealingLR(optimizer(), T_max=0)
    with pytest.raises(TypeError, match="expected an Optimizer"):
        StepLR(object(), step_size=1)


def test_custom_scheduler_from_the_base_class():
    class Halving(LRScheduler):
        def get_lr(self):
            return [b / 2**self.last_epoch for b in self.base_lrs]

    opt = optimizer()
    sched = Halving(opt)
    sched.step()
    sched.step()
    assert sched.get_last_lr() == [0.025, 0.0075]
