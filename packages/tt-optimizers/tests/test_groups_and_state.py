"""Parameter groups, zero_grad, argument checks and state_dict round trips."""

from __future__ import annotations

import numpy as np
import pytest
from tinytorch.optimizers import SGD, Adam, AdamW
from tinytorch.tensor import Tensor


def params(seed=0, shapes=((3, 2), (2,))):
    rng = np.random.default_rng(seed)
    return [Tensor(rng.standard_normal(s), requires_grad=True) for s in shapes]


def set_grads(ps, seed):
    rng = np.random.default_rng(seed)
    for p in ps:
        p.grad = Tensor(rng.standard_normal(p.data.shape))


# ------------------------------------------------------------------ groups


def test_groups_fill_missing_options_from_defaults():
    a, b = params()
    opt = SGD([{"params": [a]}, {"params": [b], "lr": 0.5, "momentum": 0.9}], lr=0.1)
    assert [g["lr"] for g in opt.param_groups] == [0.1, 0.5]
    assert [g["momentum"] for g in opt.param_groups] == [0.0, 0.9]
    assert opt.param_groups[1]["params"][0] is b


def test_generator_of_params_is_accepted():
    ps = params()
    opt = Adam(iter(ps), lr=0.1)
    assert len(opt.param_groups[0]["params"]) == 2


def test_bad_params_are_rejected_with_clear_messages():
    a, b = params()
    with pytest.raises(ValueError, match="empty parameter list"):
        SGD([], lr=0.1)
    with pytest.raises(TypeError, match="single Tensor"):
        SGD(a, lr=0.1)
    with pytest.raises(TypeError, match="not a Tensor"):
        SGD([np.zeros(3)], lr=0.1)
    with pytest.raises(ValueError, match="more than one parameter group"):
        SGD([{"params": [a]}, {"params": [a, b]}], lr=0.1)
    with pytest.raises(ValueError, match="appears twice"):
        SGD([a, a], lr=0.1)


def test_add_param_group_validates_its_options():
    a, b = params()
    opt = SGD([a], lr=0.1)
    with pytest.raises(ValueError, match="lr=-1"):
        opt.add_param_group({"params": [b], "lr": -1.0})
    opt.add_param_group({"params": [b], "lr": 0.2})
    assert len(opt.param_groups) == 2


@pytest.mark.parametrize("make, message", [
    (lambda p: SGD(p, lr=-0.1), "SGD: invalid lr=-0.1"),
    (lambda p: SGD(p, lr=0.1, momentum=-0.5), "invalid momentum"),
    (lambda p: SGD(p, lr=0.1, weight_decay=-1), "invalid weight_decay"),
    (lambda p: SGD(p, lr=0.1, nesterov=True), "nesterov=True requires momentum > 0"),
    (lambda p: SGD(p, lr=0.1, momentum=0.9, dampening=0.1, nesterov=True), "dampening = 0"),
    (lambda p: Adam(p, lr=-1e-3), "Adam: invalid lr"),
    (lambda p: Adam(p, betas=(1.0, 0.999)), r"betas\[0\]=1.0: it must be in \[0, 1\)"),
    (lambda p: Adam(p, betas=(0.9, -0.1)), r"betas\[1\]"),
    (lambda p: Adam(p, betas=(0.9,)), "pair"),
    (lambda p: Adam(p, eps=-1e-8), "invalid eps"),
    (lambda p: AdamW(p, weight_decay=-0.01), "AdamW: invalid weight_decay"),
])
def test_invalid_arguments(make, message):
    with pytest.raises(ValueError, match=message):
        make(params())


def test_lr_must_be_a_number():
    with pytest.raises(TypeError, match="lr must be a number"):
        SGD(params(), lr="0.1")


# --------------------------------------------------------------- zero_grad


def test_zero_grad_set_to_none_and_in_place():
    ps = params()
    opt = SGD(ps, lr=0.1)
    set_grads(ps, 1)
    grad_array = ps[0].grad.data
    opt.zero_grad(set_to_none=False)
    assert ps[0].grad.data is grad_array and not grad_array.any()
    opt.zero_grad()
    assert all(p.grad is None for p in ps)


# -------------------------------------------------------------- state dict


@pytest.mark.parametrize("make", [
    lambda ps: SGD(ps, lr=0.1, momentum=0.9, nesterov=True),
    lambda ps: Adam([{"params": ps[:1]}, {"params": ps[1:], "lr": 0.01}], lr=0.1, amsgrad=True),
    lambda ps: AdamW(ps, lr=0.05),
], ids=["sgd", "adam-groups", "adamw"])
def test_state_dict_resume_equals_uninterrupted(make):
    straight = params()
    opt = make(straight)
    for step in range(10):
        set_grads(straight, step)
        opt.step()

    first = params()
    opt1 = make(first)
    for step in range(5):
        set_grads(first, step)
        opt1.step()
    saved = opt1.state_dict()
    second = [Tensor(p.data.copy(), requires_grad=True) for p in first]
    opt2 = make(second)
    opt2.load_state_dict(saved)
    for step in range(5, 10):
        set_grads(second, step)
        opt2.step()
    for a, b in zip(straight, second, strict=True):
        np.testing.assert_array_equal(a.data, b.data)


def test_state_dict_structure_and_copies():
    ps = params()
    opt = Adam([{"params": ps[:1]}, {"params": ps[1:], "lr": 0.5}], lr=0.1)
    set_grads(ps, 0)
    opt.step()
    sd = opt.state_dict()
    assert [g["params"] for g in sd["param_groups"]] == [[0], [1]]
    assert sd["param_groups"][1]["lr"] == 0.5
    assert set(sd["state"]) == {0, 1}
    assert set(sd["state"][0]) == {"step", "exp_avg", "exp_avg_sq"}
    saved = sd["state"][0]["exp_avg"].copy()
    set_grads(ps, 1)
    opt.step()
    np.testing.assert_array_equal(sd["state"][0]["exp_avg"], saved)  # a snapshot


def test_load_restores_group_options():
    ps = params()
    opt = SGD(ps, lr=0.1)
    sd = opt.state_dict()
    sd["param_groups"][0]["lr"] = 0.25
    other = SGD(params(), lr=0.9)
    other.load_state_dict(sd)
    assert other.param_groups[0]["lr"] == 0.25


def test_load_rejects_mismatches_naming_them():
    ps = params()
    opt = Adam(ps, lr=0.1)
    set_grads(ps, 0)
    opt.step()
    sd = opt.state_dict()
    a, b = params()
    two_groups = Adam([{"params": [a]}, {"params": [b]}], lr=0.1)
    with pytest.raises(ValueError, match=r"has 1 parameter group\(s\), this optimizer has 2"):
        two_groups.load_state_dict(sd)
    with pytest.raises(ValueError, match=r"group 0 has 2 parameter.*3 here"):
        Adam(params(shapes=((3, 2), (2,), (4,))), lr=0.1).load_state_dict(sd)
    with pytest.raises(ValueError, match=r"'exp_avg' of parameter 0 has shape \(3, 2\).*\(2, 3\)"):
        Adam(params(shapes=((2, 3), (2,))), lr=0.1).load_state_dict(sd)
    with pytest.raises(ValueError, match="'state' and 'param_groups'"):
        Adam(params(), lr=0.1).load_state_dict({"state": {}})


def test_repr_lists_groups():
    text = repr(SGD(params(), lr=0.1, momentum=0.9))
    assert "SGD" in text and "momentum: 0.9" in text
