"""Part I, judged without PyTorch: values across the chain against stored float64 numbers.

The oracle tests elsewhere compare with PyTorch, and skip where it is not
installed; gradient checks by finite differences pass for a function that is
consistently wrong (a sign-flipped sigmoid has a correct gradient of the wrong
function). So these tests compute small, fixed float64 examples through the
whole chain (activations, layers, losses, optimizer steps, autograd's
gradients, a training loop, the Trainer) and compare every number with the
reference implementation's, stored in `expected_values.json` beside this file.

Regenerate the file after a deliberate change of the reference's numbers:

    python integration/make_expected.py part1

Each case says the last module it needs (`requires`), so a module's session
(`nox -s tt-layers`) runs the cases its prefix covers. Inputs are made from
`sin` of a counter, not from a random generator, so they do not depend on
NumPy's generator streams. The modules are imported inside the cases, so this
file collects with only tt-tensor installed.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest
from tt_testing import ExpectedValues
from tt_testing.expected import Values, arr, data

pytestmark = pytest.mark.requires("tt-tensor")

BOOK = ExpectedValues(Path(__file__).with_name("expected_values.json"),
                      "python integration/make_expected.py part1")
case = BOOK.case


def tensor(values: np.ndarray, requires_grad: bool = False):
    from tinytorch.tensor import Tensor

    return Tensor(values, dtype=np.float64, requires_grad=requires_grad)


def mlp(sizes: tuple[int, ...] = (4, 5, 3), seed: int = 10):
    """Linear -> Tanh -> Linear in float64, weights from `data` (not from an init scheme)."""
    from tinytorch.activations import Tanh
    from tinytorch.layers import Linear, Sequential

    model = Sequential(Linear(sizes[0], sizes[1], dtype=np.float64), Tanh(),
                       Linear(sizes[1], sizes[2], dtype=np.float64))
    state = model.state_dict()
    model.load_state_dict({k: data(*np.shape(v), seed=seed + i, scale=0.6)
                           for i, (k, v) in enumerate(sorted(state.items()))})
    return model


def params(model) -> Values:
    return {f"param.{k}": arr(v) for k, v in model.state_dict().items()}


# -- 03 activations ------------------------------------------------------------------------
def _activations() -> dict[str, Callable]:
    from tinytorch import activations as A

    return {
        "relu": A.relu, "sigmoid": A.sigmoid, "tanh": A.tanh, "gelu": A.gelu,
        "softmax": lambda x: A.softmax(x, dim=1), "log_softmax": lambda x: A.log_softmax(x, dim=0),
        "ReLU": A.ReLU(), "Sigmoid": A.Sigmoid(), "Tanh": A.Tanh(), "GELU": A.GELU(),
        "GELU_tanh": A.GELU(approximate="tanh"), "Softmax": A.Softmax(dim=1),
        "LogSoftmax": A.LogSoftmax(dim=1),
    }


def activation_input() -> np.ndarray:
    x = data(3, 6, seed=1, scale=3.0)
    x[2] = [-40.0, -6.0, -0.5, 0.0, 6.0, 40.0]  # the tails, where stable formulas matter
    return x


@case("tt-activations")
def activations() -> Values:
    x = activation_input()
    return {name: arr(f(tensor(x))) for name, f in _activations().items()}


# -- 04 layers ---------------------------------------------------------------------------------
@case("tt-layers")
def layers() -> Values:
    from tinytorch.layers import Linear

    model = mlp()
    single = Linear(4, 2, bias=False, dtype=np.float64)
    single.load_state_dict({"weight": data(2, 4, seed=3)})
    x = tensor(data(6, 4, seed=2, scale=2.0))
    return {"mlp": arr(model(x)), "linear_no_bias": arr(single(x))}


# -- 05 losses ---------------------------------------------------------------------------------
def loss_inputs() -> dict[str, np.ndarray]:
    return {
        "logits": data(5, 4, seed=4, scale=2.0), "classes": np.array([0, 3, 1, 1, 2]),
        "pred": data(5, 3, seed=5), "target": data(5, 3, seed=6),
        "probs": 0.5 + 0.45 * data(5, 3, seed=7), "labels": (data(5, 3, seed=8) > 0) * 1.0,
    }


def _losses(reduction: str) -> dict[str, Callable]:
    from tinytorch import losses as L

    i = loss_inputs()
    return {
        "cross_entropy": lambda z: L.CrossEntropyLoss(reduction=reduction)(z, i["classes"]),
        "mse": lambda p: L.MSELoss(reduction=reduction)(p, tensor(i["target"])),
        "bce": lambda p: L.BCELoss(reduction=reduction)(p, tensor(i["labels"])),
        "bce_with_logits":
            lambda z: L.BCEWithLogitsLoss(reduction=reduction)(z, tensor(i["labels"])),
    }


LOSS_INPUT = {"cross_entropy": "logits", "mse": "pred", "bce": "probs", "bce_with_logits": "pred"}


@case("tt-losses")
def losses() -> Values:
    i = loss_inputs()
    return {f"{name}.{red}": arr(f(tensor(i[LOSS_INPUT[name]])))
            for red in ("mean", "sum", "none") for name, f in _losses(red).items()}


# -- 06 optimizers -------------------------------------------------------------------------------
def _optimizers() -> dict[str, Callable]:
    from tinytorch.optimizers import SGD, Adam, AdamW

    return {
        "sgd": lambda ps: SGD(ps, lr=0.1),
        "sgd_momentum": lambda ps: SGD(ps, lr=0.1, momentum=0.9, dampening=0.1),
        "sgd_nesterov": lambda ps: SGD(ps, lr=0.1, momentum=0.9, nesterov=True,
                                       weight_decay=0.05),
        "adam": lambda ps: Adam(ps, lr=0.05, weight_decay=0.01),
        "adam_amsgrad": lambda ps: Adam(ps, lr=0.05, betas=(0.8, 0.9), amsgrad=True),
        "adamw": lambda ps: AdamW(ps, lr=0.05, weight_decay=0.1),
    }


@case("tt-optimizers")
def optimizer_steps() -> Values:
    """Three steps of each optimizer from given gradients (no autograd needed)."""
    out: Values = {}
    for name, make in _optimizers().items():
        w, b = tensor(data(3, 4, seed=20), True), tensor(data(4, seed=21), True)
        opt = make([w, b])
        for step in range(3):
            w.grad = tensor(data(3, 4, seed=30 + step))
            b.grad = tensor(data(4, seed=40 + step, scale=2.0))
            opt.step()
            if step in (0, 2):
                out[f"{name}.step{step + 1}.w"], out[f"{name}.step{step + 1}.b"] = arr(w), arr(b)
    return out


@case("tt-optimizers")
def schedules_and_clipping() -> Values:
    from tinytorch.optimizers import SGD, CosineAnnealingLR, StepLR, clip_grad_norm_

    out: Values = {}
    for name, make in {"step_lr": lambda o: StepLR(o, step_size=2, gamma=0.5),
                       "cosine": lambda o: CosineAnnealingLR(o, T_max=4, eta_min=0.01)}.items():
        opt = SGD([tensor(data(2), True)], lr=0.1)
        sched, lrs = make(opt), []
        for _ in range(6):
            lrs.append(opt.param_groups[0]["lr"])
            opt.step()
            sched.step()
        out[name] = np.array(lrs)
    w, b = tensor(data(3, 4, seed=50), True), tensor(data(4, seed=51), True)
    w.grad, b.grad = tensor(data(3, 4, seed=52, scale=3.0)), tensor(data(4, seed=53, scale=3.0))
    out["clip.norm"] = arr(clip_grad_norm_([w, b], max_norm=1.5))
    out["clip.w_grad"], out["clip.b_grad"] = arr(w.grad), arr(b.grad)
    return out


# -- 07 autograd ----------------------------------------------------------------------------------
@case("tt-autograd")
def tensor_gradients() -> Values:
    """Gradients of an expression over most primitives: broadcasting, reductions, views."""
    a = tensor(data(3, 4, seed=60), True)
    b = tensor(data(4, 2, seed=61), True)
    c = tensor(data(2, seed=62), True)
    h = (a @ b + c).tanh()  # (3, 2)
    z = (h * h.exp()).sum(dim=0) / (1 + (a ** 2).mean())  # (2,)
    v = (a.abs() + 1).log().sqrt().transpose(0, 1)[1:, :2]  # (2, 2) of a view
    y = z.sum() + v.sum() + a.reshape(2, 6).max() - (b / (c.reshape(1, 2) ** 2 + 1)).min()
    y.backward()
    return {"y": arr(y), "grad.a": arr(a.grad), "grad.b": arr(b.grad), "grad.c": arr(c.grad)}


@case("tt-autograd")
def activation_gradients() -> Values:
    x0, w = activation_input(), data(3, 6, seed=63)
    out: Values = {}
    for name, f in _activations().items():
        x = tensor(x0, True)
        (f(x) * tensor(w)).sum().backward()
        out[name] = arr(x.grad)
    return out


@case("tt-autograd")
def loss_gradients() -> Values:
    i, out = loss_inputs(), {}
    for red in ("mean", "sum"):
        for name, f in _losses(red).items():
            x = tensor(i[LOSS_INPUT[name]], True)
            f(x).backward()
            out[f"{name}.{red}"] = arr(x.grad)
    return out


@case("tt-autograd")
def mlp_gradients() -> Values:
    from tinytorch.losses import CrossEntropyLoss

    model = mlp()
    loss = CrossEntropyLoss()(model(tensor(data(6, 4, seed=2, scale=2.0))),
                              np.array([0, 1, 2, 2, 1, 0]))
    loss.backward()
    return {"loss": arr(loss),
            **{f"grad.{n}": arr(p.grad) for n, p in model.named_parameters()}}


@case("tt-autograd")
def training_loop() -> Values:
    """Five full-batch steps: forward, loss, backward, SGD with momentum (and Adam)."""
    from tinytorch.losses import CrossEntropyLoss
    from tinytorch.optimizers import SGD, Adam

    x, y = tensor(data(8, 4, seed=70, scale=2.0)), np.array([0, 1, 2, 0, 1, 2, 2, 0])
    out: Values = {}
    for name, make in {"sgd": lambda ps: SGD(ps, lr=0.2, momentum=0.9),
                       "adam": lambda ps: Adam(ps, lr=0.05)}.items():
        model = mlp()
        opt, trace = make(model.parameters()), []
        for _ in range(5):
            opt.zero_grad()
            loss = CrossEntropyLoss()(model(x), y)
            loss.backward()
            opt.step()
            trace.append(loss.item())
        out[f"{name}.losses"] = np.array(trace)
        out.update({f"{name}.{k}": v for k, v in params(model).items()})
    return out


# -- 08 training ---------------------------------------------------------------------------------
@case("tt-training")
def trainer() -> Values:
    """`Trainer.fit` without shuffling (so no random stream is involved), then `evaluate`."""
    from tinytorch.losses import CrossEntropyLoss
    from tinytorch.optimizers import SGD
    from tinytorch.training import Trainer

    x = data(12, 4, seed=80, scale=2.0)
    y = np.array([0, 1, 2] * 4)
    model = mlp()
    fit = Trainer(model, SGD(model.parameters(), lr=0.1, momentum=0.5), CrossEntropyLoss(),
                  grad_accumulation=2, clip_grad_norm=1.0, progress=False, seed=0)
    history = fit.fit(x, y, epochs=3, batch_size=4, shuffle=False)
    scores = fit.evaluate(x, y, batch_size=5)
    return {"loss": np.array(history["loss"]), "accuracy": np.array(history["accuracy"]),
            "eval.loss": arr(scores["loss"]), "eval.accuracy": arr(scores["accuracy"]),
            **params(model)}


# -- the comparison --------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def expected() -> dict:
    return BOOK.load()


@pytest.mark.parametrize("name", BOOK.params())
def test_values_equal_the_reference(name: str, expected: dict) -> None:
    BOOK.check(name, expected)


def test_the_stored_file_has_no_stale_cases(expected: dict) -> None:
    BOOK.check_no_stale_cases(expected)
