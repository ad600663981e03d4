"""Part I, across packages: a whole training loop matches PyTorch step for step.

Layers, losses, autograd and optimizers from different packages meet here:
from identical initial weights and batches, TinyTorch and PyTorch must follow
the same trajectory (the oracle runs where PyTorch is installed), and without
PyTorch the loop must still learn.
"""

from __future__ import annotations

import numpy as np
import pytest
from tinytorch.activations import ReLU, Tanh
from tinytorch.layers import Linear, Sequential
from tinytorch.losses import CrossEntropyLoss
from tinytorch.optimizers import SGD, Adam, AdamW
from tinytorch.tensor import Tensor, manual_seed
from tinytorch.training import Trainer
from tt_testing import assert_close, torch_or_skip

pytestmark = pytest.mark.requires("tt-training")

RNG = np.random.default_rng(1)
X = RNG.standard_normal((64, 6)).astype(np.float32)
Y = (X[:, 0] * X[:, 1] > 0).astype(np.int64) + (X[:, 2] > 1).astype(np.int64)  # 3 classes


def mlp() -> Sequential:
    return Sequential(Linear(6, 16), ReLU(), Linear(16, 3))


@pytest.mark.parametrize("opt", ["sgd", "adam", "adamw"])
def test_training_steps_equal_pytorch(opt: str) -> None:
    torch = torch_or_skip()
    manual_seed(0)
    model = mlp()
    ref = torch.nn.Sequential(torch.nn.Linear(6, 16), torch.nn.ReLU(), torch.nn.Linear(16, 3))
    with torch.no_grad():
        for p, q in zip(model.parameters(), ref.parameters(), strict=False):
            q.copy_(torch.from_numpy(p.data))
    make = {
        "sgd": (lambda ps: SGD(ps, lr=0.1, momentum=0.9, nesterov=True, weight_decay=1e-3),
                lambda ps: torch.optim.SGD(ps, lr=0.1, momentum=0.9, nesterov=True,
                                           weight_decay=1e-3)),
        "adam": (lambda ps: Adam(ps, lr=1e-2), lambda ps: torch.optim.Adam(ps, lr=1e-2)),
        "adamw": (lambda ps: AdamW(ps, lr=1e-2), lambda ps: torch.optim.AdamW(ps, lr=1e-2)),
    }[opt]
    tt_opt, pt_opt = make[0](model.parameters()), make[1](ref.parameters())
    for step in range(25):
        batch = np.random.default_rng(step).choice(64, 16, replace=False)
        tt_opt.zero_grad()
        loss = CrossEntropyLoss()(model(Tensor(X[batch])), Y[batch])
        loss.backward()
        tt_opt.step()
        pt_opt.zero_grad()
        ref_loss = torch.nn.functional.cross_entropy(ref(torch.from_numpy(X[batch])),
                                                     torch.from_numpy(Y[batch]))
        ref_loss.backward()
        pt_opt.step()
        assert abs(loss.item() - ref_loss.item()) < 1e-4, f"step {step}"
    for p, q in zip(model.parameters(), ref.parameters(), strict=False):
        assert_close(p, q, rtol=1e-4, atol=1e-5)


def test_trainer_learns_a_nonlinear_problem() -> None:
    manual_seed(0)
    model = Sequential(Linear(6, 32), Tanh(), Linear(32, 3))
    trainer = Trainer(model, Adam(model.parameters(), lr=1e-2), CrossEntropyLoss(),
                      progress=False, seed=0)
    history = trainer.fit(X, Y, epochs=60, batch_size=16)
    assert history["loss"][-1] < 0.5 * history["loss"][0]
    assert trainer.evaluate(X, Y)["accuracy"] >= 0.95


def test_same_seed_same_numbers() -> None:
    def run() -> list[float]:
        manual_seed(3)
        model = mlp()
        trainer = Trainer(model, SGD(model.parameters(), lr=0.05, momentum=0.9),
                          CrossEntropyLoss(), progress=False, seed=3)
        return list(trainer.fit(X, Y, epochs=5, batch_size=8)["loss"])

    assert run() == run()
