"""EarlyStopping: patience, min_delta, modes, restoring the best weights, best checkpoints."""

from __future__ import annotations

import numpy as np
import pytest
from tinytorch.layers import Linear
from tinytorch.optimizers import SGD
from tinytorch.tensor import manual_seed
from tinytorch.training import EarlyStopping, Trainer, load_checkpoint


def feed(stopper, values, key="val_loss"):
    """Feed one value per epoch; return the epoch after which it said stop (or None)."""
    for epoch, v in enumerate(values):
        stopper.update(epoch, {key: v})
        if stopper.should_stop:
            return epoch
    return None


def test_patience_counts_epochs_without_improvement():
    stopper = EarlyStopping(patience=2)
    assert feed(stopper, [1.0, 0.8, 0.9, 0.85, 0.7]) == 3
    assert stopper.best == 0.8 and stopper.best_epoch == 1
    assert feed(EarlyStopping(patience=0), [1.0, 1.0]) == 1


def test_min_delta_and_max_mode():
    assert feed(EarlyStopping(patience=2, min_delta=0.1), [1.0, 0.95, 0.92]) == 2
    assert feed(EarlyStopping(patience=2, min_delta=0.1), [1.0, 0.85, 0.8, 0.7]) is None
    stopper = EarlyStopping(monitor="val_accuracy", patience=1)
    assert stopper.mode == "max"
    assert feed(stopper, [0.5, 0.6, 0.6, 0.7], key="val_accuracy") == 2
    assert stopper.best == 0.6


def test_nan_never_counts_as_improvement():
    stopper = EarlyStopping(patience=2)
    assert feed(stopper, [1.0, float("nan"), float("nan")]) == 2
    assert stopper.best == 1.0


def test_bad_arguments_and_missing_monitor():
    with pytest.raises(ValueError, match="patience must be an int >= 0"):
        EarlyStopping(patience=-1)
    with pytest.raises(ValueError, match="mode must be 'auto', 'min' or 'max'"):
        EarlyStopping(mode="lowest")
    with pytest.raises(KeyError, match="monitor 'val_loss' is not among the epoch logs"):
        EarlyStopping().update(0, {"loss": 1.0})


def diverging(mse, lr=0.05):
    """A model whose training loss rises every epoch (gradient *ascent*)."""
    manual_seed(0)
    model = Linear(2, 1)
    opt = SGD(model.parameters(), lr=lr, maximize=True)
    return model, Trainer(model, opt, mse, metrics=(), progress=False)


def data():
    rng = np.random.default_rng(0)
    x = rng.standard_normal((16, 2)).astype(np.float32)
    return x, x.sum(axis=1, keepdims=True)


def test_fit_stops_after_patience_and_restores_best_weights(mse, capsys):
    x, y = data()
    ref_model, ref = diverging(mse)
    ref.fit(x, y, epochs=1)  # the best epoch is the first: the loss only grows
    model, trainer = diverging(mse)
    trainer.progress.target = True
    stopper = EarlyStopping(monitor="loss", patience=2, restore_best_weights=True)
    history = trainer.fit(x, y, epochs=20, early_stopping=stopper)
    assert len(history) == 3 and stopper.stopped_epoch == 2
    assert trainer.early_stopping is stopper
    np.testing.assert_array_equal(model.weight.data, ref_model.weight.data)
    assert "early stopping after epoch 3" in capsys.readouterr().out


def test_without_restore_the_last_weights_stay(mse):
    x, y = data()
    ref_model, ref = diverging(mse)
    ref.fit(x, y, epochs=1)
    model, trainer = diverging(mse)
    trainer.fit(x, y, epochs=20, early_stopping={"monitor": "loss", "patience": 1})
    assert len(trainer.history) == 2
    assert not np.array_equal(model.weight.data, ref_model.weight.data)


def test_best_checkpoint_keeps_the_best_epoch(tmp_path, mse):
    x, y = data()
    best, last = tmp_path / "best.npz", tmp_path / "last.npz"
    _, trainer = diverging(mse)
    trainer.fit(x, y, epochs=4, checkpoint=last, best_checkpoint=best)
    model, _ = diverging(mse)
    assert load_checkpoint(best, model)["epoch"] == 1  # monitors "loss": best after epoch 1
    assert load_checkpoint(last, model)["epoch"] == 4
    assert sorted(p.name for p in tmp_path.iterdir()) == ["best.npz", "last.npz"]
