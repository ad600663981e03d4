"""Differential cases of tt-optimizers (module 06): update rules, state, clipping, schedules.

Each `case_*` gets its own `rng` (seeded by its name) and returns arrays; the
grader compares them with the reference package's. Cases import tinytorch
inside their body, so a package that does not import fails its cases only.
Gradients are set by hand (`p.grad = Tensor(...)`): autograd comes later, in
module 07. Parameters are float64 where precision matters, and a case
returns the whole trajectory of the parameters over its steps. Public API
only: tinytorch.optimizers and tinytorch.tensor.
"""

import math

import numpy as np


def _params(rng, shapes=((3, 2), (2,)), dtype=np.float64):
    from tinytorch.tensor import Tensor

    return [Tensor(rng.standard_normal(s).astype(dtype), requires_grad=True) for s in shapes]


def _run(rng, opt, params, steps):
    """`steps` optimizer steps with gradients from `rng`: each parameter's values after each."""
    from tinytorch.tensor import Tensor

    path = [[] for _ in params]
    for _ in range(steps):
        for p in params:
            p.grad = Tensor(rng.standard_normal(p.shape).astype(p.dtype))
        opt.step()
        for i, p in enumerate(params):
            path[i].append(p.numpy().copy())
    return {f"p{i}": np.stack(values) for i, values in enumerate(path)}


def case_sgd_plain_step(rng):
    """One plain SGD step is p - lr * grad."""
    from tinytorch.optimizers import SGD
    from tinytorch.tensor import Tensor

    p = Tensor(np.array([1.0, -2.0, 3.0]), requires_grad=True)
    p.grad = Tensor(np.array([2.0, 2.0, -4.0]))
    SGD([p], lr=0.5).step()
    return p


def case_sgd_momentum_weight_decay(rng):
    """SGD with momentum 0.9 and weight_decay 0.01, 10 steps."""
    from tinytorch.optimizers import SGD

    ps = _params(rng)
    return _run(rng, SGD(ps, lr=0.1, momentum=0.9, weight_decay=0.01), ps, 10)


case_sgd_momentum_weight_decay.tolerance = (1e-12, 1e-14)


def case_sgd_nesterov(rng):
    """SGD with Nesterov momentum and weight decay, 10 steps."""
    from tinytorch.optimizers import SGD

    ps = _params(rng)
    return _run(rng, SGD(ps, lr=0.1, momentum=0.9, weight_decay=0.01, nesterov=True), ps, 10)


case_sgd_nesterov.tolerance = (1e-12, 1e-14)


def case_sgd_dampening_and_maximize(rng):
    """SGD with dampening 0.3, and SGD with maximize=True, 6 steps each."""
    from tinytorch.optimizers import SGD

    ps = _params(rng)
    out = _run(rng, SGD(ps, lr=0.05, momentum=0.8, dampening=0.3), ps, 6)
    qs = _params(rng)
    maximized = _run(rng, SGD(qs, lr=0.05, maximize=True), qs, 6)
    out.update({f"max_{k}": v for k, v in maximized.items()})
    return out


case_sgd_dampening_and_maximize.tolerance = (1e-12, 1e-14)


def case_adam_with_l2_decay(rng):
    """Adam (betas 0.9/0.999, eps 1e-8, weight_decay 0.1 added to the gradient), 20 steps."""
    from tinytorch.optimizers import Adam

    ps = _params(rng)
    return _run(rng, Adam(ps, lr=0.01, weight_decay=0.1), ps, 20)


case_adam_with_l2_decay.tolerance = (1e-10, 1e-12)


def case_adamw_decoupled_decay(rng):
    """AdamW (decoupled weight decay 0.1), 20 steps; and AdamW's default decay."""
    from tinytorch.optimizers import AdamW

    ps = _params(rng)
    out = _run(rng, AdamW(ps, lr=0.01, betas=(0.8, 0.99), weight_decay=0.1), ps, 20)
    qs = _params(rng)
    out.update({f"default_{k}": v for k, v in _run(rng, AdamW(qs, lr=0.01), qs, 5).items()})
    return out


case_adamw_decoupled_decay.tolerance = (1e-10, 1e-12)


def case_adam_amsgrad(rng):
    """Adam(amsgrad=True) keeps the running max of the second moment; 10 steps."""
    from tinytorch.optimizers import Adam
    from tinytorch.tensor import Tensor

    p = Tensor(np.array([1.0]), requires_grad=True)
    opt = Adam([p], lr=0.1, amsgrad=True)
    for g in (10.0, 0.0):
        p.grad = Tensor(np.array([g]))
        opt.step()
    state = opt.state_dict()["state"][0]
    ps = _params(rng)
    out = _run(rng, Adam(ps, lr=0.05, amsgrad=True, maximize=True), ps, 10)
    out.update(max_exp_avg_sq=state["max_exp_avg_sq"], exp_avg_sq=state["exp_avg_sq"], p=p)
    return out


case_adam_amsgrad.tolerance = (1e-10, 1e-12)


def case_float32_params_update_in_place(rng):
    """float32 parameters stay float32 and are updated in place by SGD, Adam and AdamW."""
    from tinytorch.optimizers import SGD, Adam, AdamW

    makers = {"sgd": lambda ps: SGD(ps, lr=0.1, momentum=0.9, nesterov=True, weight_decay=1e-4),
              "adam": lambda ps: Adam(ps, lr=1e-3, weight_decay=1e-4, amsgrad=True),
              "adamw": lambda ps: AdamW(ps, lr=1e-3)}
    out = {}
    for name, make in makers.items():
        ps = _params(rng, dtype=np.float32)
        arrays = [p.numpy() for p in ps]
        out.update({f"{name}_{k}": v for k, v in _run(rng, make(ps), ps, 3).items()})
        out[f"{name}_in_place"] = all(p.numpy() is a for p, a in zip(ps, arrays, strict=True))
    return out


def case_params_without_grad_are_skipped(rng):
    """A parameter whose .grad is None is left alone (and gets no optimizer state)."""
    from tinytorch.optimizers import Adam
    from tinytorch.tensor import Tensor

    a, b = _params(rng, shapes=((2,), (1,)))
    before = b.numpy().copy()
    opt = Adam([a, b], lr=0.1)
    a.grad = Tensor(np.array([1.0, 1.0]))
    opt.step()
    return {"a": a, "b_unchanged": np.array_equal(b.numpy(), before),
            "no_state": 1 not in opt.state_dict()["state"]}


def case_grad_shape_mismatch(rng):
    """A gradient of shape (3, 2) for a (2, 3) parameter makes SGD.step raise ValueError."""
    from tinytorch.optimizers import SGD
    from tinytorch.tensor import Tensor

    p = Tensor(np.zeros((2, 3)), requires_grad=True)
    p.grad = Tensor(np.zeros((2, 3)))
    p.grad.data = np.zeros((3, 2))  # a gradient gone wrong behind the setter's back
    SGD([p], lr=0.1).step()


case_grad_shape_mismatch.raises = "ValueError"


def case_param_groups(rng):
    """Groups with their own lr and momentum; missing options come from the defaults."""
    from tinytorch.optimizers import SGD

    a, b = _params(rng)
    opt = SGD([{"params": [a]}, {"params": [b], "lr": 0.5, "momentum": 0.9}], lr=0.1)
    out = _run(rng, opt, [a, b], 5)
    out["lrs"] = np.array([g["lr"] for g in opt.param_groups])
    out["momenta"] = np.array([g["momentum"] for g in opt.param_groups])
    return out


def case_zero_grad(rng):
    """zero_grad(set_to_none=False) zeroes the same arrays; zero_grad() sets .grad to None."""
    from tinytorch.optimizers import SGD
    from tinytorch.tensor import Tensor

    ps = _params(rng)
    opt = SGD(ps, lr=0.1)
    for p in ps:
        p.grad = Tensor(np.ones(p.shape))
    array = ps[0].grad.numpy()
    opt.zero_grad(set_to_none=False)
    out = {"same_array": ps[0].grad.numpy() is array, "zeroed": not array.any()}
    opt.zero_grad()
    out["none"] = all(p.grad is None for p in ps)
    return out


def case_state_dict_resume(rng):
    """Saving state_dict after 5 steps and loading it into a new optimizer resumes exactly."""
    from tinytorch.optimizers import SGD, Adam, AdamW
    from tinytorch.tensor import Tensor

    makers = {"sgd": lambda ps: SGD(ps, lr=0.1, momentum=0.9, nesterov=True),
              "adam": lambda ps: Adam([{"params": ps[:1]}, {"params": ps[1:], "lr": 0.01}],
                                      lr=0.1, amsgrad=True),
              "adamw": lambda ps: AdamW(ps, lr=0.05)}
    grads = [[rng.standard_normal(s) for s in ((3, 2), (2,))] for _ in range(10)]
    start = _params(rng)
    out = {}
    for name, make in makers.items():
        first = [Tensor(p.numpy().copy(), requires_grad=True) for p in start]
        opt = make(first)
        for step in range(5):
            for p, g in zip(first, grads[step], strict=True):
                p.grad = Tensor(g.copy())
            opt.step()
        second = [Tensor(p.numpy().copy(), requires_grad=True) for p in first]
        opt2 = make(second)
        opt2.load_state_dict(opt.state_dict())
        for step in range(5, 10):
            for p, g in zip(second, grads[step], strict=True):
                p.grad = Tensor(g.copy())
            opt2.step()
        out.update({f"{name}_p{i}": p for i, p in enumerate(second)})
    return out


case_state_dict_resume.tolerance = (1e-12, 1e-14)


def case_load_state_dict_group_mismatch(rng):
    """Loading a one-group Adam state into a two-group Adam raises ValueError."""
    from tinytorch.optimizers import Adam

    ps = _params(rng)
    sd = Adam(ps, lr=0.1).state_dict()
    a, b = _params(rng)
    Adam([{"params": [a]}, {"params": [b]}], lr=0.1).load_state_dict(sd)


case_load_state_dict_group_mismatch.raises = "ValueError"


def case_invalid_betas(rng):
    """Adam(betas=(1.0, 0.999)) raises ValueError."""
    from tinytorch.optimizers import Adam

    Adam(_params(rng), betas=(1.0, 0.999))


case_invalid_betas.raises = "ValueError"


def case_clip_grad_norm_two_norm(rng):
    """clip_grad_norm_ returns the joint 2-norm (5) and scales the grads to max_norm 1."""
    from tinytorch.optimizers import clip_grad_norm_
    from tinytorch.tensor import Tensor

    ps = _params(rng, shapes=((2,), (2, 1)))
    ps[0].grad, ps[1].grad = Tensor(np.array([3.0, 0.0])), Tensor(np.array([[0.0], [4.0]]))
    total = clip_grad_norm_(ps, max_norm=1.0)
    qs = _params(rng, shapes=((4, 3), (5,)))
    for q in qs:
        q.grad = Tensor(rng.standard_normal(q.shape) * 3)
    return {"total": total, "g0": ps[0].grad, "g1": ps[1].grad,
            "random_total": clip_grad_norm_(qs, 2.5), "q0": qs[0].grad, "q1": qs[1].grad}


def case_clip_grad_norm_other_norms(rng):
    """clip_grad_norm_ with inf and 1 norms; small grads untouched; params without grad; float32."""
    from tinytorch.optimizers import clip_grad_norm_
    from tinytorch.tensor import Tensor

    def with_grads(arrays, dtype=np.float64):
        ps = _params(rng, shapes=[np.shape(a) for a in arrays], dtype=dtype)
        for p, a in zip(ps, arrays, strict=True):
            p.grad = Tensor(np.array(a, dtype=dtype))
        return ps

    ps = with_grads([[1.0, -6.0], [2.0]])
    out = {"inf_total": clip_grad_norm_(ps, max_norm=3.0, norm_type=math.inf), "inf_g0": ps[0].grad}
    ps = with_grads([[1.0, -6.0], [2.0]])
    out["one_total"] = clip_grad_norm_(ps, max_norm=100.0, norm_type=1)
    ps = with_grads([[1.0, -6.0], [2.0]])
    out["three_total"] = clip_grad_norm_(ps, max_norm=2.0, norm_type=3.0)
    out["three_g0"] = ps[0].grad
    small = with_grads([[0.3, 0.4]])
    out["small_total"], out["small_g"] = clip_grad_norm_(small, 1.0), small[0].grad
    no_grad = _params(rng, shapes=((2,),))[0]
    out["skip_total"] = clip_grad_norm_([no_grad, *with_grads([[3.0, 4.0]])], 10.0)
    f32 = with_grads([[3.0, 4.0]], dtype=np.float32)
    out["f32_total"], out["f32_g"] = clip_grad_norm_(f32, 1.0), f32[0].grad
    return out


case_clip_grad_norm_other_norms.tolerance = (1e-6, 1e-7)


def case_clip_grad_norm_nonfinite(rng):
    """clip_grad_norm_(error_if_nonfinite=True) of an inf gradient raises RuntimeError."""
    from tinytorch.optimizers import clip_grad_norm_
    from tinytorch.tensor import Tensor

    p = _params(rng, shapes=((2,),))[0]
    p.grad = Tensor(np.array([np.inf, 1.0]))
    clip_grad_norm_([p], 1.0, error_if_nonfinite=True)


case_clip_grad_norm_nonfinite.raises = "RuntimeError"


def _lrs_over(make, epochs=40, lrs=(0.1, 0.03)):
    """The learning rates of a two-group SGD under a scheduler, epoch after epoch."""
    from tinytorch.optimizers import SGD
    from tinytorch.tensor import Tensor

    groups = [{"params": [Tensor(np.zeros(2), requires_grad=True)], "lr": lr} for lr in lrs]
    opt = SGD(groups, lr=lrs[0])
    sched = make(opt)
    seen, in_groups = [sched.get_last_lr()], []
    for _ in range(epochs):
        opt.step()
        sched.step()
        seen.append(sched.get_last_lr())
        in_groups.append([g["lr"] for g in opt.param_groups])
    return {"lrs": np.array(seen), "group_lrs": np.array(in_groups)}


def case_step_lr(rng):
    """StepLR(step_size=7, gamma=0.5) over 40 epochs, two groups with their own lr."""
    from tinytorch.optimizers import StepLR

    return _lrs_over(lambda o: StepLR(o, step_size=7, gamma=0.5))


case_step_lr.tolerance = (1e-13, 1e-15)


def case_cosine_annealing_lr(rng):
    """CosineAnnealingLR(T_max=6, eta_min=0.001) over 40 epochs (several periods)."""
    from tinytorch.optimizers import CosineAnnealingLR

    return _lrs_over(lambda o: CosineAnnealingLR(o, T_max=6, eta_min=0.001))


case_cosine_annealing_lr.tolerance = (1e-12, 1e-15)


def case_scheduler_resume(rng):
    """A scheduler's state_dict, loaded with its optimizer's, continues the same schedule."""
    from tinytorch.optimizers import SGD, CosineAnnealingLR, StepLR
    from tinytorch.tensor import Tensor

    def optimizer():
        return SGD([Tensor(np.zeros(2), requires_grad=True)], lr=0.1)

    out = {}
    for name, make in {"step": lambda o: StepLR(o, step_size=3, gamma=0.5),
                       "cosine": lambda o: CosineAnnealingLR(o, T_max=5, eta_min=0.01)}.items():
        opt = optimizer()
        sched = make(opt)
        for _ in range(4):
            sched.step()
        saved_sched, saved_opt = sched.state_dict(), opt.state_dict()
        opt2 = optimizer()
        sched2 = make(opt2)
        opt2.load_state_dict(saved_opt)
        sched2.load_state_dict(saved_sched)
        lrs = []
        for _ in range(6):
            sched2.step()
            lrs.append(sched2.get_last_lr())
        out[name] = np.array(lrs)
        out[f"{name}_last_epoch"] = saved_sched["last_epoch"]
    return out


case_scheduler_resume.tolerance = (1e-12, 1e-15)


def case_step_returns_closure_loss(rng):
    """optimizer.step(closure) returns what the closure returns."""
    from tinytorch.optimizers import SGD
    from tinytorch.tensor import Tensor

    p = Tensor(np.array([1.0]), requires_grad=True)
    p.grad = Tensor(np.array([1.0]))
    return {"loss": SGD([p], lr=0.1).step(lambda: 42.0), "p": p}
