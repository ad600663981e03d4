"""Differential cases of tt-training (module 08): Trainer, metrics, early stopping, checkpoints.

Each `case_*` gets its own `rng` (seeded by its name) and returns arrays; the
grader compares them with the reference package's. Cases import tinytorch
inside their body, so a package that does not import fails its cases only.
Epoch e's order is documented as `np.random.default_rng((seed, e))`, so whole
training runs are compared: the loss of every epoch and the final weights.
float32 runs get a tolerance of (1e-4, 1e-6) for sums taken in another order.
Public API only: tinytorch.training and the earlier modules.
"""

import numpy as np


def _mse(outputs, targets):
    """Mean squared error from tensor primitives (tt-training takes any loss function)."""
    return ((outputs - targets) ** 2).mean()


def _linear(rng, n_in, n_out, dtype=np.float32):
    """A Linear layer with weights drawn from `rng`."""
    from tinytorch.layers import Linear

    layer = Linear(n_in, n_out, dtype=dtype)
    layer.load_state_dict({"weight": rng.standard_normal((n_out, n_in)) * 0.5,
                           "bias": rng.standard_normal(n_out) * 0.1})
    return layer


def _regression(rng, n=48):
    """y = x @ w + 0.3 plus a little noise: n samples of 3 features, float32."""
    x = rng.standard_normal((n, 3)).astype(np.float32)
    y = x @ np.array([[1.5], [-2.0], [0.5]]) + 0.3 + 0.01 * rng.standard_normal((n, 1))
    return x, y.astype(np.float32)


def _blobs(rng, per_class=20):
    """Three separable blobs of 2 features, labels 0..2, shuffled."""
    centers = np.array([[3.0, 0.0], [-3.0, 0.0], [0.0, 3.0]])
    labels = np.repeat(np.arange(3), per_class)
    x = centers[labels] + 0.5 * rng.standard_normal((3 * per_class, 2))
    order = rng.permutation(3 * per_class)
    return x[order].astype(np.float32), labels[order].astype(np.int64)


def _text(value):
    """A string (or a list of them, joined by '|') as a uint8 array of its UTF-8 bytes."""
    text = value if isinstance(value, str) else "|".join(value)
    return np.frombuffer(text.encode(), dtype=np.uint8)


def _history(history):
    return {f"h_{key}": np.array(history[key]) for key in history.keys()}


def case_fit_regression_sgd(rng):
    """fit Linear(3, 1) with SGD on a regression, shuffled batches of 16: losses and weights."""
    from tinytorch.optimizers import SGD
    from tinytorch.training import Trainer

    x, y = _regression(rng)
    model = _linear(rng, 3, 1)
    trainer = Trainer(model, SGD(model.parameters(), lr=0.1), _mse, metrics=(), progress=False)
    out = _history(trainer.fit(x, y, epochs=6, batch_size=16))
    out.update(weight=model.weight, bias=model.bias)
    return out


case_fit_regression_sgd.tolerance = (1e-4, 1e-6)


def case_fit_classification_with_validation(rng):
    """fit with Adam, cross-entropy, accuracy and validation data; history keys; evaluate."""
    from tinytorch.losses import CrossEntropyLoss
    from tinytorch.optimizers import Adam
    from tinytorch.training import Trainer

    x, y = _blobs(rng)
    model = _linear(rng, 2, 3)
    trainer = Trainer(model, Adam(model.parameters(), lr=0.05), CrossEntropyLoss(),
                      progress=False)
    history = trainer.fit(x, y, epochs=8, batch_size=10, validation_data=(x[:30], y[:30]))
    out = _history(history)
    result = trainer.evaluate(x, y, batch_size=7)
    out.update(keys=_text(history.keys()), epochs=np.array(history.epoch),
               eval_keys=_text(sorted(result)), eval_loss=result["loss"],
               eval_accuracy=result["accuracy"], same_history=trainer.history is history)
    return out


case_fit_classification_with_validation.tolerance = (1e-4, 1e-6)


def case_scheduler_and_lr_history(rng):
    """A StepLR scheduler steps once per epoch; history['lr'] holds the rate of each epoch."""
    from tinytorch.optimizers import SGD, StepLR
    from tinytorch.training import Trainer

    x, y = _blobs(rng)
    model = _linear(rng, 2, 3)
    opt = SGD(model.parameters(), lr=0.1)
    trainer = Trainer(model, opt, "cross_entropy", scheduler=StepLR(opt, 2, gamma=0.5),
                      progress=False)
    out = _history(trainer.fit(x, y, epochs=5, validation_data=(x[:30], y[:30])))
    out["final_lr"] = opt.param_groups[0]["lr"]
    return out


case_scheduler_and_lr_history.tolerance = (1e-4, 1e-6)


def case_batch_order(rng):
    """Batches in order without shuffle; with it, epoch e is default_rng((seed, e)).permutation."""
    from tinytorch.layers import Module
    from tinytorch.optimizers import SGD
    from tinytorch.training import Trainer

    class Recorder(Module):
        def __init__(self, inner):
            super().__init__()
            self.inner = inner
            self.seen = []

        def forward(self, x):
            self.seen.append(x.numpy()[:, 0].copy())
            return self.inner(x)

    x = np.arange(10, dtype=np.float32)[:, None]
    model = Recorder(_linear(rng, 1, 1))
    trainer = Trainer(model, SGD(model.parameters(), lr=0.0), _mse, metrics=(), progress=False,
                      seed=3)
    trainer.fit(x, x, epochs=1, batch_size=4, shuffle=False)
    plain = np.concatenate(model.seen)
    sizes = np.array([len(b) for b in model.seen])
    model.seen.clear()
    trainer.fit(x, x, epochs=2, batch_size=4)
    return {"in_order": plain, "sizes": sizes, "shuffled": np.concatenate(model.seen)}


def case_seeds(rng):
    """The same seed gives the same run; another seed another one (losses of 3 epochs)."""
    from tinytorch.optimizers import SGD
    from tinytorch.training import Trainer

    x, y = _regression(rng)
    start = _linear(rng, 3, 1).state_dict()

    def run(seed):
        model = _linear(rng, 3, 1)
        model.load_state_dict(start)
        trainer = Trainer(model, SGD(model.parameters(), lr=0.05), _mse, metrics=(),
                          progress=False, seed=seed)
        return np.array(trainer.fit(x, y, epochs=3, batch_size=8)["loss"])

    a, b, c = run(0), run(0), run(1)
    return {"seed0": a, "seed1": c, "same": np.array_equal(a, b),
            "differs": not np.array_equal(a, c)}


case_seeds.tolerance = (1e-4, 1e-6)


def case_evaluate_modes(rng):
    """evaluate runs in eval mode without gradients, then restores the mode the model had."""
    from tinytorch.autograd import is_grad_enabled
    from tinytorch.layers import Module
    from tinytorch.optimizers import SGD
    from tinytorch.training import Trainer

    class Recorder(Module):
        def __init__(self, inner):
            super().__init__()
            self.inner = inner
            self.calls = []

        def forward(self, x):
            self.calls.append((self.training, is_grad_enabled()))
            return self.inner(x)

    x = np.ones((5, 1), dtype=np.float32)
    model = Recorder(_linear(rng, 1, 1))
    trainer = Trainer(model, SGD(model.parameters(), lr=0.1), _mse, metrics=(), progress=False)
    trainer.evaluate(x, x, batch_size=2)
    out = {"eval_calls": np.array(model.calls), "after_eval": model.training}
    model.eval()
    trainer.evaluate(x, x)
    out["kept_eval"] = model.training
    model.train()
    model.calls.clear()
    trainer.fit(x, x, epochs=1, batch_size=5, validation_data=(x, x))
    out["fit_calls"] = np.array(model.calls)
    return out


def case_float64_inputs_float32_weights(rng):
    """float64 inputs meet float32 weights: training and predict stay float32."""
    from tinytorch.optimizers import SGD
    from tinytorch.training import Trainer

    x, y = _regression(rng)
    model = _linear(rng, 3, 1)
    trainer = Trainer(model, SGD(model.parameters(), lr=0.1), _mse, metrics=(), progress=False)
    trainer.fit(x.astype(np.float64), y, epochs=1)
    return {"weight": model.weight, "predict": trainer.predict(x.astype(np.float64))}


case_float64_inputs_float32_weights.tolerance = (1e-4, 1e-6)


def case_clip_grad_norm(rng):
    """Trainer(clip_grad_norm=0.5) limits an SGD step of about 2e4 to 0.5."""
    from tinytorch.optimizers import SGD
    from tinytorch.training import Trainer

    x, y = np.full((4, 1), 100.0, dtype=np.float32), np.zeros((4, 1), dtype=np.float32)
    model = _linear(rng, 1, 1)
    model.load_state_dict({"weight": np.ones((1, 1)), "bias": np.zeros(1)})
    Trainer(model, SGD(model.parameters(), lr=1.0), _mse, metrics=(), clip_grad_norm=0.5,
            progress=False).fit(x, y, epochs=1, batch_size=4)
    return {"weight": model.weight, "bias": model.bias}


def case_grad_accumulation(rng):
    """grad_accumulation=2 on batches of 4 equals steps on batches of 8 (SGD, Adam; float64)."""
    from tinytorch.optimizers import SGD, Adam
    from tinytorch.training import Trainer

    x, y = rng.standard_normal((8, 3)), rng.standard_normal((8, 2))
    start = _linear(rng, 3, 2, dtype=np.float64).state_dict()
    out = {}
    for name, make in {"sgd": lambda p: SGD(p, lr=0.3, momentum=0.9),
                       "adam": lambda p: Adam(p, lr=0.1)}.items():
        for k, batch in ((2, 4), (1, 8)):
            model = _linear(rng, 3, 2, dtype=np.float64)
            model.load_state_dict(start)
            trainer = Trainer(model, make(model.parameters()), _mse, metrics=(),
                              grad_accumulation=k, progress=False)
            history = trainer.fit(x, y, epochs=3, batch_size=batch)
            out[f"{name}_k{k}_loss"] = np.array(history["loss"])
            out[f"{name}_k{k}_weight"] = model.weight
    return out


case_grad_accumulation.tolerance = (1e-9, 1e-12)


def case_grad_accumulation_uneven_and_steps(rng):
    """An uneven last group is weighted by samples; optimizer steps are counted per group."""
    from tinytorch.optimizers import SGD, Adam
    from tinytorch.training import Trainer

    x, y = rng.standard_normal((10, 3)), rng.standard_normal((10, 2))
    model = _linear(rng, 3, 2, dtype=np.float64)
    Trainer(model, SGD(model.parameters(), lr=0.2), _mse, metrics=(), grad_accumulation=2,
            progress=False).fit(x, y, epochs=1, batch_size=4, shuffle=False)
    counted = _linear(rng, 3, 2, dtype=np.float64)
    opt = Adam(counted.parameters(), lr=0.01)
    Trainer(counted, opt, _mse, metrics=(), grad_accumulation=3, progress=False).fit(
        np.tile(x, (3, 1))[:24], np.tile(y, (3, 1))[:24], epochs=2, batch_size=4)
    return {"weight": model.weight, "bias": model.bias,
            "steps": opt.state_dict()["state"][0]["step"]}


case_grad_accumulation_uneven_and_steps.tolerance = (1e-9, 1e-12)


def case_accuracy(rng):
    """accuracy of logits vs indices, one-hot targets, sequences, binary probabilities, logits."""
    from tinytorch.tensor import Tensor
    from tinytorch.training import accuracy

    logits = rng.standard_normal((20, 4))
    labels = rng.integers(0, 4, 20)
    seq = rng.standard_normal((2, 3, 4))
    probs = rng.uniform(0, 1, (9, 1))
    binary = rng.integers(0, 2, 9)
    return np.array([accuracy(logits, labels), accuracy(Tensor(logits), Tensor(labels)),
                     accuracy(logits, np.eye(4)[labels]), accuracy(seq, rng.integers(0, 4, (2, 3))),
                     accuracy(probs, binary), accuracy(probs, binary[:, None].astype(float)),
                     accuracy(probs[:, 0], binary), accuracy(probs - 0.5, binary, threshold=0.0)])


def case_accuracy_shape_mismatch(rng):
    """accuracy of (4, 3) outputs against 5 targets raises ValueError."""
    from tinytorch.training import accuracy

    accuracy(np.zeros((4, 3)), np.zeros(5, dtype=int))


case_accuracy_shape_mismatch.raises = "ValueError"


def case_early_stopping_rules(rng):
    """EarlyStopping: patience, min_delta, mode 'max' for accuracy, nan never improves."""
    from tinytorch.training import EarlyStopping

    def feed(stopper, values, key="val_loss"):
        for epoch, v in enumerate(values):
            stopper.update(epoch, {key: v})
            if stopper.should_stop:
                return epoch
        return -1

    patient = EarlyStopping(patience=2)
    acc = EarlyStopping(monitor="val_accuracy", patience=1)
    nan = EarlyStopping(patience=2)
    return {"patience": feed(patient, [1.0, 0.8, 0.9, 0.85, 0.7]), "best": patient.best,
            "best_epoch": patient.best_epoch, "zero": feed(EarlyStopping(patience=0), [1.0, 1.0]),
            "delta_stops": feed(EarlyStopping(patience=2, min_delta=0.1), [1.0, 0.95, 0.92]),
            "delta_runs": feed(EarlyStopping(patience=2, min_delta=0.1), [1.0, 0.85, 0.8, 0.7]),
            "max_mode": acc.mode == "max",
            "acc": feed(acc, [0.5, 0.6, 0.6, 0.7], key="val_accuracy"), "acc_best": acc.best,
            "nan": feed(nan, [1.0, float("nan"), float("nan")]), "nan_best": nan.best}


def case_early_stopping_in_fit(rng):
    """fit stops after `patience` epochs without improvement and restores the best weights."""
    from tinytorch.optimizers import SGD
    from tinytorch.training import EarlyStopping, Trainer

    x = rng.standard_normal((16, 2)).astype(np.float32)
    y = x.sum(axis=1, keepdims=True)
    model = _linear(rng, 2, 1)
    start = model.state_dict()
    trainer = Trainer(model, SGD(model.parameters(), lr=0.05, maximize=True), _mse, metrics=(),
                      progress=False)  # gradient ascent: the first epoch is the best
    stopper = EarlyStopping(monitor="loss", patience=2, restore_best_weights=True)
    history = trainer.fit(x, y, epochs=20, early_stopping=stopper)
    restored = model.weight.numpy().copy()
    model.load_state_dict(start)
    trainer2 = Trainer(model, SGD(model.parameters(), lr=0.05, maximize=True), _mse, metrics=(),
                       progress=False)
    trainer2.fit(x, y, epochs=20, early_stopping={"monitor": "loss", "patience": 1})
    return {"epochs": len(history), "stopped_epoch": stopper.stopped_epoch, "restored": restored,
            "losses": np.array(history["loss"]), "epochs_dict": len(trainer2.history),
            "last_weight": model.weight}


case_early_stopping_in_fit.tolerance = (1e-4, 1e-6)


def case_checkpoint_round_trip(rng):
    """save_checkpoint, load_checkpoint: weights, optimizer, scheduler, epoch and extras return."""
    import math
    import os
    import tempfile

    from tinytorch.layers import Sequential
    from tinytorch.optimizers import Adam, CosineAnnealingLR
    from tinytorch.tensor import Tensor
    from tinytorch.training import load_checkpoint, save_checkpoint

    def trained(steps):
        model = Sequential(_linear(rng, 3, 4), _linear(rng, 4, 2))
        opt = Adam(model.parameters(), lr=0.01, amsgrad=True)
        sched = CosineAnnealingLR(opt, T_max=5)
        for _ in range(steps):
            for p in model.parameters():
                p.grad = Tensor(rng.standard_normal(p.shape).astype(np.float32))
            opt.step()
            sched.step()
        return model, opt, sched

    model, opt, sched = trained(3)
    extra = {"pair": (1, 2.5), "inf": -math.inf, "arr": np.arange(6).reshape(2, 3), "flag": True}
    other, opt2, sched2 = trained(1)
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "ckpt.npz")
        save_checkpoint(path, model, opt, epoch=7, scheduler=sched, extra=extra)
        files = os.listdir(tmp)
        info = load_checkpoint(path, other, opt2, sched2)
    got = info["extra"]
    out = {f"w{i}": p for i, p in enumerate(other.parameters())}
    state = opt2.state_dict()["state"][0]
    out.update(epoch=info["epoch"], one_file=files == ["ckpt.npz"], lr=sched2.get_last_lr()[0],
               exp_avg=state["exp_avg"], max_exp_avg_sq=state["max_exp_avg_sq"],
               step=state["step"], pair=np.array(got["pair"]), inf=got["inf"], arr=got["arr"],
               flag=got["flag"] is True)
    return out


def case_checkpoint_missing_keys(rng):
    """Loading a 2-layer checkpoint into a 3-layer model raises RuntimeError (missing keys)."""
    import os
    import tempfile

    from tinytorch.layers import Sequential
    from tinytorch.training import load_checkpoint, save_checkpoint

    model = Sequential(_linear(rng, 3, 4), _linear(rng, 4, 2))
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "ckpt.npz")
        save_checkpoint(path, model, None, epoch=1)
        wider = Sequential(_linear(rng, 3, 4), _linear(rng, 4, 2), _linear(rng, 2, 2))
        load_checkpoint(path, wider)


case_checkpoint_missing_keys.raises = "RuntimeError"


def case_resume_equals_uninterrupted(rng):
    """fit(checkpoint=...) for 2 epochs, then fit(resume_from=...) to 4 equals 4 epochs straight."""
    import os
    import tempfile

    from tinytorch.optimizers import Adam, StepLR
    from tinytorch.tensor import manual_seed
    from tinytorch.training import Trainer

    x, y = _blobs(rng)
    start = _linear(rng, 2, 3).state_dict()

    def build():
        model = _linear(rng, 2, 3)
        model.load_state_dict(start)
        opt = Adam(model.parameters(), lr=0.05)
        trainer = Trainer(model, opt, "cross_entropy", scheduler=StepLR(opt, 1, gamma=0.7),
                          progress=False, seed=11)
        return model, trainer

    kwargs = dict(batch_size=8, validation_data=(x[:20], y[:20]))
    model, trainer = build()
    straight = trainer.fit(x, y, epochs=4, **kwargs)
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "run.npz")
        build()[1].fit(x, y, epochs=2, checkpoint=path, **kwargs)
        manual_seed(123)
        model2, trainer2 = build()
        resumed = trainer2.fit(x, y, epochs=4, resume_from=path, **kwargs)
    out = _history(straight)
    out.update({f"resumed_{k}": v for k, v in _history(resumed).items()})
    out.update(weight=model2.weight, same=np.array_equal(model.weight.numpy(),
                                                         model2.weight.numpy()))
    return out


case_resume_equals_uninterrupted.tolerance = (1e-4, 1e-6)


def case_predict_and_loss_names(rng):
    """predict gives outputs, or probabilities (softmax, or sigmoid for one output)."""
    from tinytorch.optimizers import SGD
    from tinytorch.training import Trainer

    x = rng.standard_normal((7, 4)).astype(np.float32)
    out = {}
    for loss, n_out in (("cross_entropy", 3), ("bce_with_logits", 1), ("mse", 2)):
        model = _linear(rng, 4, n_out)
        trainer = Trainer(model, SGD(model.parameters(), lr=0.1), loss, progress=False)
        out[f"{loss}_logits"] = trainer.predict(x)
        out[f"{loss}_probs"] = trainer.predict(x, probabilities=True)
    return out


def case_unknown_loss_name(rng):
    """Trainer with loss 'hinge' raises ValueError."""
    from tinytorch.optimizers import SGD
    from tinytorch.training import Trainer

    model = _linear(rng, 4, 3)
    Trainer(model, SGD(model.parameters(), lr=0.1), "hinge", progress=False)


case_unknown_loss_name.raises = "ValueError"


def case_bad_fit_arguments(rng):
    """fit with batch_size=0 raises ValueError."""
    from tinytorch.optimizers import SGD
    from tinytorch.training import Trainer

    x, y = _regression(rng)
    model = _linear(rng, 3, 1)
    Trainer(model, SGD(model.parameters()), _mse, metrics=(), progress=False).fit(
        x, y, epochs=1, batch_size=0)


case_bad_fit_arguments.raises = "ValueError"
