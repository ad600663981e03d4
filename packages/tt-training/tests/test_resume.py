"""fit(checkpoint=...) then fit(resume_from=...) == one uninterrupted run, exactly."""

from __future__ import annotations

import os

import numpy as np
import pytest
from tinytorch.optimizers import Adam, StepLR
from tinytorch.tensor import manual_seed
from tinytorch.training import EarlyStopping, Trainer


def build(noisy_linear, loss):
    """A fresh model (noise from the global generator), Adam, StepLR, Trainer."""
    manual_seed(0)
    model = noisy_linear(2, 3)
    opt = Adam(model.parameters(), lr=0.05)
    sched = StepLR(opt, step_size=1, gamma=0.7)
    trainer = Trainer(model, opt, loss, scheduler=sched, progress=False, seed=11)
    return model, trainer


@pytest.mark.parametrize("early_stopping", [None, {"monitor": "val_loss", "patience": 10,
                                                   "restore_best_weights": True}])
def test_resume_equals_uninterrupted(tmp_path, classification, noisy_linear, cross_entropy,
                                     early_stopping):
    x, y = classification
    kwargs = dict(batch_size=8, validation_data=(x[:20], y[:20]), early_stopping=early_stopping)

    model, trainer = build(noisy_linear, cross_entropy)
    straight = trainer.fit(x, y, epochs=4, **kwargs)

    path = tmp_path / "run.npz"
    _, trainer1 = build(noisy_linear, cross_entropy)
    trainer1.fit(x, y, epochs=2, checkpoint=path, **kwargs)
    manual_seed(123)  # the generator moves on in between (a new process would differ too)
    model2, trainer2 = build(noisy_linear, cross_entropy)
    resumed = trainer2.fit(x, y, epochs=4, resume_from=path, **kwargs)

    assert resumed.history == straight.history  # bit for bit, every epoch
    assert resumed.epoch == [0, 1, 2, 3]
    for a, b in zip(model.parameters(), model2.parameters(), strict=True):
        np.testing.assert_array_equal(a.data, b.data)
    assert trainer2.optimizer.param_groups[0]["lr"] == trainer.optimizer.param_groups[0]["lr"]
    assert os.listdir(tmp_path) == ["run.npz"]


def test_checkpoint_is_rewritten_every_epoch(tmp_path, classification, noisy_linear,
                                             cross_entropy):
    from tinytorch.training import load_checkpoint

    x, y = classification
    path = tmp_path / "run.npz"
    _, trainer = build(noisy_linear, cross_entropy)
    trainer.fit(x, y, epochs=3, checkpoint=path)
    model, other = build(noisy_linear, cross_entropy)
    info = load_checkpoint(path, model, other.optimizer, other.scheduler)
    assert info["epoch"] == 3
    assert info["extra"]["history"]["history"]["loss"] == trainer.history["loss"]
    np.testing.assert_array_equal(model.linear.weight.data, trainer.model.linear.weight.data)


def test_initial_epoch_shuffles_like_that_epoch(classification, noisy_linear, cross_entropy):
    x, y = classification
    _, a = build(noisy_linear, cross_entropy)
    _, b = build(noisy_linear, cross_entropy)
    ha = a.fit(x, y, epochs=3, initial_epoch=2)
    assert ha.epoch == [2]
    with pytest.raises(ValueError, match="either resume_from or initial_epoch"):
        b.fit(x, y, epochs=3, initial_epoch=1, resume_from="x.npz")


def test_resuming_a_finished_run_trains_no_more(tmp_path, classification, noisy_linear,
                                                cross_entropy):
    x, y = classification
    path = tmp_path / "run.npz"
    _, trainer = build(noisy_linear, cross_entropy)
    trainer.fit(x, y, epochs=2, checkpoint=path)
    model, again = build(noisy_linear, cross_entropy)
    history = again.fit(x, y, epochs=2, resume_from=path)
    assert history["loss"] == trainer.history["loss"]
    np.testing.assert_array_equal(model.linear.weight.data, trainer.model.linear.weight.data)


def test_resume_with_other_seed_warns(tmp_path, classification, noisy_linear, cross_entropy):
    x, y = classification
    path = tmp_path / "run.npz"
    _, trainer = build(noisy_linear, cross_entropy)
    trainer.fit(x, y, epochs=1, checkpoint=path)
    _, other = build(noisy_linear, cross_entropy)
    other.seed = 12
    with pytest.warns(UserWarning, match="seed=11"):
        other.fit(x, y, epochs=2, resume_from=path)


def test_early_stopping_state_survives_resume(tmp_path, classification, noisy_linear,
                                              cross_entropy):
    x, y = classification
    path = tmp_path / "run.npz"
    stopper = EarlyStopping(monitor="loss", patience=3)
    _, trainer = build(noisy_linear, cross_entropy)
    trainer.fit(x, y, epochs=2, checkpoint=path, early_stopping=stopper)
    best = stopper.best
    resumed_stopper = EarlyStopping(monitor="loss", patience=3)
    _, other = build(noisy_linear, cross_entropy)
    other.fit(x, y, epochs=2, resume_from=path, early_stopping=resumed_stopper)
    assert resumed_stopper.best == best and resumed_stopper.best_epoch == 1
