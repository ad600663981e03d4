"""Trainer.fit, evaluate and predict: learning, history, metrics, modes, progress, checks."""

from __future__ import annotations

import io
import itertools

import numpy as np
import pytest
from tinytorch.autograd import is_grad_enabled
from tinytorch.layers import Linear, Module
from tinytorch.optimizers import SGD, Adam, StepLR
from tinytorch.training import History, Trainer


def test_training_loss_goes_down_on_regression(regression, seeded, mse):
    x, y = regression
    model = seeded(Linear, 3, 1)
    trainer = Trainer(model, SGD(model.parameters(), lr=0.1), mse, metrics=(), progress=False)
    history = trainer.fit(x, y, epochs=15, batch_size=16)
    losses = history["loss"]
    assert losses[-1] < 0.01 * losses[0]
    assert all(b < a for a, b in itertools.pairwise(losses[:5]))
    np.testing.assert_allclose(model.weight.data, [[1.5, -2.0, 0.5]], atol=0.05)


def test_classification_reaches_full_accuracy(classification, seeded, cross_entropy):
    x, y = classification
    model = seeded(Linear, 2, 3)
    trainer = Trainer(model, Adam(model.parameters(), lr=0.05), cross_entropy, progress=False)
    history = trainer.fit(x, y, epochs=20, batch_size=10, validation_data=(x, y))
    assert history["accuracy"][-1] == 1.0
    assert history["val_loss"][-1] < history["val_loss"][0]
    result = trainer.evaluate(x, y, batch_size=7)
    assert set(result) == {"loss", "accuracy"}
    assert result["accuracy"] == 1.0
    assert result["loss"] == pytest.approx(history["val_loss"][-1], rel=1e-5)


def test_history_keys_lengths_and_lr(classification, seeded, cross_entropy):
    x, y = classification
    model = seeded(Linear, 2, 3)
    opt = SGD(model.parameters(), lr=0.1)
    trainer = Trainer(model, opt, cross_entropy, scheduler=StepLR(opt, 2, gamma=0.5),
                      progress=False)
    history = trainer.fit(x, y, epochs=5, validation_data=(x[:30], y[:30]))
    assert isinstance(history, History) and len(history) == 5
    assert history.keys() == ["loss", "accuracy", "val_loss", "val_accuracy", "lr"]
    assert history.epoch == [0, 1, 2, 3, 4]
    assert history["lr"] == [0.1, 0.1, 0.05, 0.05, 0.025]  # the rate used in each epoch
    assert opt.param_groups[0]["lr"] == 0.025  # epoch 5 of the schedule
    assert trainer.history is history


def test_custom_metrics_callable_and_dict(regression, seeded, mse):
    x, y = regression

    def mean_abs_error(outputs, targets):
        assert isinstance(outputs, np.ndarray) and isinstance(targets, np.ndarray)
        return float(np.mean(np.abs(outputs - targets)))

    model = seeded(Linear, 3, 1)
    trainer = Trainer(model, SGD(model.parameters(), lr=0.1), mse,
                      metrics=[mean_abs_error], progress=False)
    history = trainer.fit(x, y, epochs=2, batch_size=96)
    assert "mean_abs_error" in history
    trainer = Trainer(model, SGD(model.parameters(), lr=0.0), mse,
                      metrics={"mae": mean_abs_error}, progress=False)
    out = trainer.evaluate(x, y)
    expected = float(np.mean(np.abs(trainer.predict(x) - y)))
    assert out["mae"] == pytest.approx(expected, rel=1e-6)
    with pytest.raises(ValueError, match="unknown metric 'f1'"):
        Trainer(model, SGD(model.parameters()), mse, metrics=["f1"])


def test_same_seed_same_run_and_other_seed_other_order(regression, seeded, mse):
    x, y = regression

    def run(seed):
        model = seeded(Linear, 3, 1)
        trainer = Trainer(model, SGD(model.parameters(), lr=0.05), mse, metrics=(),
                          progress=False, seed=seed)
        return trainer.fit(x, y, epochs=3, batch_size=8)["loss"], model.weight.data.copy()

    (l1, w1), (l2, w2), (l3, _) = run(0), run(0), run(1)
    assert l1 == l2 and np.array_equal(w1, w2)
    assert l1 != l3


class Recorder(Module):
    """Records what every forward call saw: batch, train mode, grad mode."""

    def __init__(self):
        super().__init__()
        self.linear = Linear(1, 1)
        self.calls = []

    def forward(self, x):
        self.calls.append((x.data[:, 0].copy(), self.training, is_grad_enabled()))
        return self.linear(x)


def test_batches_in_order_without_shuffle_and_permuted_with(mse):
    x = np.arange(10, dtype=np.float32)[:, None]
    model = Recorder()
    trainer = Trainer(model, SGD(model.parameters(), lr=0.0), mse, metrics=(), progress=False)
    trainer.fit(x, x, epochs=1, batch_size=4, shuffle=False)
    assert [c[0].tolist() for c in model.calls] == [[0, 1, 2, 3], [4, 5, 6, 7], [8, 9]]
    model.calls.clear()
    trainer.fit(x, x, epochs=2, batch_size=4)
    epoch0 = np.concatenate([c[0] for c in model.calls[:3]])
    epoch1 = np.concatenate([c[0] for c in model.calls[3:]])
    assert sorted(epoch0.tolist()) == list(range(10))
    assert epoch0.tolist() != list(range(10)) and epoch0.tolist() != epoch1.tolist()
    expected0 = np.random.default_rng((0, 0)).permutation(10)  # documented: (seed, epoch)
    assert epoch0.tolist() == expected0.tolist()


def test_evaluate_uses_eval_mode_and_no_grad_then_restores(mse):
    x = np.ones((5, 1), dtype=np.float32)
    model = Recorder()
    trainer = Trainer(model, SGD(model.parameters(), lr=0.1), mse, metrics=(), progress=False)
    trainer.evaluate(x, x, batch_size=2)
    assert [c[1:] for c in model.calls] == [(False, False)] * 3
    assert model.training is True
    model.eval()
    trainer.evaluate(x, x)
    assert model.training is False  # restored to what it was, not forced to train
    model.train()
    model.calls.clear()
    trainer.fit(x, x, epochs=1, batch_size=5, validation_data=(x, x))
    assert [c[1:] for c in model.calls] == [(True, True), (False, False)]


def test_evaluate_restores_mode_after_an_error(mse):
    model = Recorder()
    trainer = Trainer(model, SGD(model.parameters()), mse, metrics=(), progress=False)
    with pytest.raises(ValueError):
        trainer.evaluate(np.ones((3, 2), dtype=np.float32), np.ones((3, 1)))
    assert model.training is True


def test_float64_inputs_meet_float32_weights(regression, seeded, mse):
    x, y = regression
    model = seeded(Linear, 3, 1)
    trainer = Trainer(model, SGD(model.parameters(), lr=0.1), mse, metrics=(), progress=False)
    trainer.fit(x.astype(np.float64), y, epochs=1)
    assert model.weight.data.dtype == np.float32
    assert trainer.predict(x.astype(np.float64)).dtype == np.float32


def test_progress_prints_one_line_per_epoch(regression, seeded, mse, capsys):
    x, y = regression
    model = seeded(Linear, 3, 1)
    Trainer(model, SGD(model.parameters(), lr=0.1), mse, metrics=()).fit(
        x, y, epochs=3, validation_data=(x, y))
    lines = capsys.readouterr().out.strip().split("\n")
    assert len(lines) == 3
    assert lines[0].startswith("epoch 1/3 - loss ") and "val_loss" in lines[0]
    assert "lr 0.1" in lines[2]


def test_progress_silenced_or_sent_to_a_stream(regression, seeded, mse, capsys):
    x, y = regression
    model = seeded(Linear, 3, 1)
    Trainer(model, SGD(model.parameters(), lr=0.1), mse, progress=False,
            metrics=()).fit(x, y, epochs=2)
    assert capsys.readouterr().out == ""
    stream = io.StringIO()
    Trainer(model, SGD(model.parameters(), lr=0.1), mse, progress=stream,
            metrics=()).fit(x, y, epochs=2)
    assert capsys.readouterr().out == ""
    assert stream.getvalue().count("\n") == 2 and "epoch 2/2" in stream.getvalue()


def test_clip_grad_norm_limits_the_step(mse):
    x = np.full((4, 1), 100.0, dtype=np.float32)
    y = np.zeros((4, 1), dtype=np.float32)
    model = Linear(1, 1)
    model.weight.data[...] = 1.0
    model.bias.data[...] = 0.0
    trainer = Trainer(model, SGD(model.parameters(), lr=1.0), mse, metrics=(),
                      clip_grad_norm=0.5, progress=False)
    trainer.fit(x, y, epochs=1, batch_size=4)
    step = np.sqrt((model.weight.data[0, 0] - 1.0) ** 2 + model.bias.data[0] ** 2)
    assert step == pytest.approx(0.5, rel=1e-4)  # unclipped it would be about 2e4


@pytest.mark.parametrize("call, message", [
    (lambda t, x, y: t.fit(x, y[:-1], epochs=1), "x has 96 samples but y has 95"),
    (lambda t, x, y: t.fit(x, y, epochs=1, batch_size=0), "batch_size must be an int >= 1"),
    (lambda t, x, y: t.fit(x, y, epochs=-1), "epochs must be an int >= 0"),
    (lambda t, x, y: t.fit(x, y, epochs=1, validation_data=x), "validation_data must be a pair"),
    (lambda t, x, y: t.evaluate(x[:0], y[:0]), "got no samples"),
])
def test_bad_fit_arguments(regression, seeded, mse, call, message):
    x, y = regression
    model = seeded(Linear, 3, 1)
    trainer = Trainer(model, SGD(model.parameters()), mse, metrics=(), progress=False)
    with pytest.raises(ValueError, match=message):
        call(trainer, x, y)


def test_bad_trainer_arguments(seeded, mse):
    model = seeded(Linear, 3, 1)
    opt = SGD(model.parameters())
    with pytest.raises(TypeError, match="model must be a Module"):
        Trainer(lambda x: x, opt, mse)
    with pytest.raises(TypeError, match="optimizer must be an Optimizer"):
        Trainer(model, object(), mse)
    with pytest.raises(ValueError, match="grad_accumulation must be an int >= 1"):
        Trainer(model, opt, mse, grad_accumulation=0)
    with pytest.raises(TypeError, match="progress must be True, False or a stream"):
        Trainer(model, opt, mse, progress="yes")


def test_loss_must_be_a_single_number(regression, seeded):
    x, y = regression
    model = seeded(Linear, 3, 1)
    trainer = Trainer(model, SGD(model.parameters()), lambda o, t: (o - t) ** 2, metrics=(),
                      progress=False)
    with pytest.raises(ValueError, match=r"loss_fn must return a Tensor holding one number"):
        trainer.fit(x, y, epochs=1)
