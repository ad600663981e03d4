"""Gradient accumulation: k micro-batches and one step == one step on their concatenation."""

from __future__ import annotations

import numpy as np
import pytest
from tinytorch.layers import Linear
from tinytorch.optimizers import SGD, Adam
from tinytorch.tensor import manual_seed
from tinytorch.training import Trainer


def model_and_data(dtype, n=8):
    manual_seed(0)
    model = Linear(3, 2, dtype=dtype)
    rng = np.random.default_rng(5)
    x = rng.standard_normal((n, 3)).astype(dtype)
    y = rng.standard_normal((n, 2)).astype(dtype)
    return model, x, y


@pytest.mark.parametrize("dtype, tol", [(np.float64, 1e-12), (np.float32, 2e-6)])
@pytest.mark.parametrize("make_opt", [lambda p: SGD(p, lr=0.3, momentum=0.9),
                                      lambda p: Adam(p, lr=0.1)], ids=["sgd", "adam"])
def test_two_micro_batches_equal_one_big_batch(dtype, tol, make_opt, mse):
    acc_model, x, y = model_and_data(dtype)
    big_model, _, _ = model_and_data(dtype)
    acc = Trainer(acc_model, make_opt(acc_model.parameters()), mse, metrics=(),
                  grad_accumulation=2, progress=False)
    big = Trainer(big_model, make_opt(big_model.parameters()), mse, metrics=(), progress=False)
    h_acc = acc.fit(x, y, epochs=3, batch_size=4)  # 2 batches of 4 -> 1 step per epoch
    h_big = big.fit(x, y, epochs=3, batch_size=8)  # 1 batch of 8 -> 1 step per epoch
    for a, b in zip(acc_model.parameters(), big_model.parameters(), strict=True):
        np.testing.assert_allclose(a.data, b.data, rtol=tol, atol=tol)
    np.testing.assert_allclose(h_acc["loss"], h_big["loss"], rtol=tol)
    initial, _, _ = model_and_data(dtype)
    assert not np.allclose(acc_model.weight.data, initial.weight.data)  # it did train


def test_uneven_last_group_is_weighted_by_samples(mse):
    """10 samples, batches of 4, k=2: steps on samples 0-7 (two batches) and 8-9 (one)."""
    acc_model, x, y = model_and_data(np.float64, n=10)
    ref_model, _, _ = model_and_data(np.float64, n=10)
    Trainer(acc_model, SGD(acc_model.parameters(), lr=0.2), mse, metrics=(),
            grad_accumulation=2, progress=False).fit(x, y, epochs=1, batch_size=4, shuffle=False)
    ref = Trainer(ref_model, SGD(ref_model.parameters(), lr=0.2), mse, metrics=(),
                  progress=False)
    ref.train_epoch(x[:8], y[:8], batch_size=8, shuffle=False)
    ref.train_epoch(x[8:], y[8:], batch_size=2, shuffle=False)
    for a, b in zip(acc_model.parameters(), ref_model.parameters(), strict=True):
        np.testing.assert_allclose(a.data, b.data, rtol=1e-12, atol=1e-12)


def test_accumulation_counts_optimizer_steps(mse):
    model, x, y = model_and_data(np.float64, n=24)
    opt = Adam(model.parameters(), lr=0.01)
    Trainer(model, opt, mse, metrics=(), grad_accumulation=3, progress=False).fit(
        x, y, epochs=2, batch_size=4)  # 6 batches -> 2 steps per epoch
    assert opt.state_dict()["state"][0]["step"] == 4
