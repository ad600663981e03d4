"""`Trainer`: the training loop, written once.

Every model is trained the same way: for each epoch, shuffle, cut the data
into mini-batches, and for each batch run forward, loss, backward, optimizer
step; then measure on validation data, adjust the learning rate, save a
checkpoint, decide whether to stop. `Trainer` does exactly that, so a
milestone script only says *what* to train:

    trainer = Trainer(model, Adam(model.parameters(), lr=1e-3), CrossEntropyLoss())
    history = trainer.fit(x_train, y_train, epochs=10, validation_data=(x_val, y_val))
    print(trainer.evaluate(x_test, y_test))

Gradient accumulation (`grad_accumulation=k`) runs k mini-batches before one
optimizer step, each contributing its loss weighted by its share of the k
batches' samples (1/k for equal batches), so the step equals one step on the
concatenated batch for a mean-reduced loss, with 1/k of the activation memory.

Reproducibility: the order of epoch e comes from `(seed, e)` only, and a
checkpoint stores everything else that changes (weights, optimizer and
scheduler state, history, early stopping, tinytorch's global random
generator), so `fit(..., resume_from=path)` continues exactly as an
uninterrupted run would have.
"""

from __future__ import annotations

import time
import warnings
from collections.abc import Callable, Mapping
from typing import Any, TextIO

import numpy as np
from tinytorch.activations import sigmoid, softmax
from tinytorch.autograd import no_grad
from tinytorch.layers import Module
from tinytorch.optimizers import LRScheduler, Optimizer, clip_grad_norm_
from tinytorch.tensor import Tensor, default_generator

from .batching import batch_indices, epoch_order
from .checkpoint import PathLike, load_checkpoint, save_checkpoint
from .early_stopping import EarlyStopping, is_improvement
from .history import History
from .losses_by_name import resolve_loss
from .metrics import resolve_metrics
from .progress import Progress, format_epoch


def _as_array(name: str, value: Any) -> np.ndarray:
    array = value.data if isinstance(value, Tensor) else np.asarray(value)
    if array.ndim == 0:
        raise ValueError(f"Trainer: {name} must have a sample dimension, got a 0-d array")
    return array


def _check_pair(op: str, x: Any, y: Any) -> tuple[np.ndarray, np.ndarray]:
    xa, ya = _as_array(f"{op} x", x), _as_array(f"{op} y", y)
    if len(xa) != len(ya):
        raise ValueError(f"Trainer.{op}: x has {len(xa)} samples but y has {len(ya)}")
    if len(xa) == 0:
        raise ValueError(f"Trainer.{op}: got no samples")
    return xa, ya


def _check_positive_int(op: str, name: str, value: Any, low: int = 1) -> int:
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < low:
        raise ValueError(f"Trainer.{op}: {name} must be an int >= {low}, got {value!r}")
    return int(value)


class Trainer:
    """Fits `model` with `optimizer` on `loss_fn(model(x), y)`; evaluates; checkpoints.

    Args:
        model: a `Module` mapping a batch `Tensor` to outputs.
        optimizer: an `Optimizer` over the model's parameters.
        loss_fn: `loss_fn(outputs, targets) -> 0-d Tensor`, mean over the batch
            (a `tinytorch.losses` object or any function of tensor ops), or a
            loss name: "cross_entropy", "mse", "bce", "bce_with_logits".
        metrics: names ("accuracy"), callables `metric(outputs, targets) ->
            float` taking NumPy arrays, or a dict {name: callable}.
        scheduler: an `LRScheduler`, stepped once after every epoch.
        grad_accumulation: mini-batches per optimizer step (k >= 1).
        clip_grad_norm: if set, clip the gradients' 2-norm to it before each step.
        progress: True prints one line per epoch to stdout, False is silent,
            or a stream (anything with `.write`) to print to.
        seed: seeds the shuffling: epoch e's order depends on (seed, e) only.

    Inputs are NumPy arrays or Tensors with samples first; floating inputs
    are cast once to the parameters' dtype (NumPy's float64 data meets
    float32 weights), targets are passed to `loss_fn` as Tensors unchanged.
    """

    def __init__(
        self,
        model: Module,
        optimizer: Optimizer,
        loss_fn: Callable[[Tensor, Tensor], Tensor] | str,
        metrics: Any = ("accuracy",),
        scheduler: LRScheduler | None = None,
        grad_accumulation: int = 1,
        clip_grad_norm: float | None = None,
        progress: bool | TextIO = True,
        seed: int = 0,
    ) -> None:
        if not isinstance(model, Module):
            raise TypeError(f"Trainer: model must be a Module, got {type(model).__name__}")
        if not isinstance(optimizer, Optimizer):
            raise TypeError(
                f"Trainer: optimizer must be an Optimizer, got {type(optimizer).__name__}"
            )
        if scheduler is not None and not isinstance(scheduler, LRScheduler):
            raise TypeError(
                f"Trainer: scheduler must be an LRScheduler, got {type(scheduler).__name__}"
            )
        if clip_grad_norm is not None and not clip_grad_norm > 0:
            raise ValueError(f"Trainer: clip_grad_norm must be > 0, got {clip_grad_norm!r}")
        self.model = model
        self.optimizer = optimizer
        self.loss_fn = resolve_loss(loss_fn)
        self.metrics = resolve_metrics(metrics)
        self.scheduler = scheduler
        self.grad_accumulation = _check_positive_int("__init__", "grad_accumulation",
                                                     grad_accumulation)
        self.clip_grad_norm = clip_grad_norm
        self.progress = Progress(progress)
        self.seed = _check_positive_int("__init__", "seed", seed, low=0)
        self.history = History()
        self.early_stopping: EarlyStopping | None = None

    # ------------------------------------------------------------ one batch

    def _inputs(self, x: np.ndarray) -> np.ndarray:
        """Floating inputs in the parameters' dtype (NumPy's float64 meets float32 weights)."""
        dtypes = {p.data.dtype for g in self.optimizer.param_groups for p in g["params"]}
        if x.dtype.kind == "f" and len(dtypes) == 1:
            return x.astype(dtypes.pop(), copy=False)
        return x

    def _loss(self, xb: np.ndarray, yb: np.ndarray) -> tuple[Tensor, Tensor]:
        """Forward pass and loss of one batch: (outputs, 0-d loss)."""
        outputs = self.model(Tensor(xb))
        loss = self.loss_fn(outputs, Tensor(yb))
        if not isinstance(loss, Tensor) or loss.data.size != 1:
            shape = getattr(loss, "shape", type(loss).__name__)
            raise ValueError(
                f"Trainer: loss_fn must return a Tensor holding one number (a mean-reduced "
                f"loss), got {shape}"
            )
        return outputs, loss

    def _measure(self, sums: dict[str, float], outputs: Tensor, loss: Tensor,
                 yb: np.ndarray) -> None:
        """Add the batch's loss and metrics, weighted by its size, to `sums`."""
        n = len(yb)
        sums["loss"] += loss.item() * n
        for name, metric in self.metrics.items():
            sums[name] += float(metric(outputs.data, yb)) * n

    # --------------------------------------------------------------- epochs

    def train_epoch(self, x: Any, y: Any, batch_size: int = 32, epoch: int = 0,
                    shuffle: bool = True) -> dict[str, float]:
        """One pass over `(x, y)` in training mode; returns the mean loss and metrics.

        Batches of `batch_size` samples in the order of `epoch_order(seed,
        epoch)`; every `grad_accumulation` batches make one optimizer step.
        """
        ### BEGIN SOLUTION
        x, y = _check_pair("train_epoch", x, y)
        x = self._inputs(x)
        batch_size = _check_positive_int("train_epoch", "batch_size", batch_size)
        batches = batch_indices(epoch_order(len(x), self.seed, epoch, shuffle), batch_size)
        params = [p for group in self.optimizer.param_groups for p in group["params"]]
        sums = dict.fromkeys(["loss", *self.metrics], 0.0)
        self.model.train()
        k = self.grad_accumulation
        for start in range(0, len(batches), k):
            group = batches[start : start + k]
            group_size = sum(len(idx) for idx in group)
            self.optimizer.zero_grad()
            for idx in group:
                xb, yb = x[idx], y[idx]
                outputs, loss = self._loss(xb, yb)
                weight = len(idx) / group_size  # 1/k for equal batches
                (loss if weight == 1.0 else loss * weight).backward()
                self._measure(sums, outputs, loss, yb)
            if self.clip_grad_norm is not None:
                clip_grad_norm_(params, self.clip_grad_norm)
            self.optimizer.step()
        return {key: total / len(x) for key, total in sums.items()}
        ### END SOLUTION

    def evaluate(self, x: Any, y: Any, batch_size: int = 32) -> dict[str, float]:
        """Mean loss and metrics on `(x, y)`, without gradients, in eval mode.

        The model's train/eval mode is restored afterwards. No graph is
        recorded (`no_grad`), so memory stays at one batch's activations.
        """
        ### BEGIN SOLUTION
        x, y = _check_pair("evaluate", x, y)
        x = self._inputs(x)
        batch_size = _check_positive_int("evaluate", "batch_size", batch_size)
        sums = dict.fromkeys(["loss", *self.metrics], 0.0)
        was_training = self.model.training
        self.model.eval()
        try:
            with no_grad():
                for start in range(0, len(x), batch_size):
                    xb, yb = x[start : start + batch_size], y[start : start + batch_size]
                    outputs, loss = self._loss(xb, yb)
                    self._measure(sums, outputs, loss, yb)
        finally:
            self.model.train(was_training)
        return {key: total / len(x) for key, total in sums.items()}
        ### END SOLUTION

    def predict(self, x: Any, batch_size: int = 32, probabilities: bool = False) -> np.ndarray:
        """The model's outputs for `x`, batch by batch, without gradients, in eval mode.

        With `probabilities=True` the outputs are taken as logits and turned
        into probabilities: softmax over the last axis, or sigmoid for a
        single output column.
        """
        x = self._inputs(_as_array("predict x", x))
        batch_size = _check_positive_int("predict", "batch_size", batch_size)
        was_training = self.model.training
        self.model.eval()
        try:
            with no_grad():
                outs = [self._output(Tensor(x[i : i + batch_size]), probabilities).data
                        for i in range(0, len(x), batch_size)]
        finally:
            self.model.train(was_training)
        return np.concatenate(outs)

    def _output(self, xb: Tensor, probabilities: bool) -> Tensor:
        out = self.model(xb)
        if not probabilities:
            return out
        return sigmoid(out) if out.shape[-1] == 1 else softmax(out, dim=-1)

    # ------------------------------------------------------------------ fit

    def fit(
        self,
        x: Any,
        y: Any,
        epochs: int,
        batch_size: int = 32,
        validation_data: tuple[Any, Any] | None = None,
        shuffle: bool = True,
        early_stopping: EarlyStopping | Mapping[str, Any] | None = None,
        checkpoint: PathLike | None = None,
        best_checkpoint: PathLike | None = None,
        resume_from: PathLike | None = None,
        initial_epoch: int = 0,
    ) -> History:
        """Train until epoch `epochs` (a total, counted from 0); return the `History`.

        Args:
            x, y: inputs and targets, NumPy arrays or Tensors, samples first.
            epochs: the epoch to stop at (with `resume_from`, the run's total).
            batch_size: samples per mini-batch.
            validation_data: `(x_val, y_val)`, evaluated after every epoch
                (logged as "val_loss", "val_<metric>").
            shuffle: visit the samples in a new order every epoch.
            early_stopping: an `EarlyStopping`, or a dict of its arguments.
            checkpoint: a path rewritten (atomically) after every epoch with
                everything needed to resume.
            best_checkpoint: a path rewritten whenever the monitored value
                improves (early stopping's monitor, else "val_loss" with
                validation data, else "loss").
            resume_from: a checkpoint written by `fit`: restores model,
                optimizer, scheduler, history, early stopping and the random
                generator, and continues from the epoch after it.
            initial_epoch: the first epoch to run (without `resume_from`).
        """
        ### BEGIN SOLUTION
        x, y = _check_pair("fit", x, y)
        x = self._inputs(x)  # once, not every epoch
        epochs = _check_positive_int("fit", "epochs", epochs, low=0)
        batch_size = _check_positive_int("fit", "batch_size", batch_size)
        start = _check_positive_int("fit", "initial_epoch", initial_epoch, low=0)
        if validation_data is not None:
            if not isinstance(validation_data, (tuple, list)) or len(validation_data) != 2:
                raise ValueError("Trainer.fit: validation_data must be a pair (x_val, y_val)")
            xv, yv = _check_pair("fit(validation_data)", *validation_data)
            validation_data = (self._inputs(xv), yv)
        stopper = self.early_stopping = self._early_stopping(early_stopping)
        monitor = stopper.monitor if stopper else (
            "val_loss" if validation_data is not None else "loss")
        mode = stopper.mode if stopper else "min"
        self.history = History()
        best_value: float | None = None

        if resume_from is not None:
            if initial_epoch:
                raise ValueError("Trainer.fit: pass either resume_from or initial_epoch, not both")
            state = load_checkpoint(resume_from, self.model, self.optimizer, self.scheduler)
            start, extra = state["epoch"], state["extra"] or {}
            self._restore(extra, stopper)
            best_value = extra.get("best_value")

        for epoch in range(start, epochs):
            if stopper is not None and stopper.should_stop:
                break
            began = time.perf_counter()
            lr = float(self.optimizer.param_groups[0]["lr"])
            logs = self.train_epoch(x, y, batch_size, epoch, shuffle)
            if validation_data is not None:
                val = self.evaluate(*validation_data, batch_size=batch_size)
                logs.update({f"val_{key}": value for key, value in val.items()})
            logs["lr"] = lr
            self.history.append(epoch, logs)
            if self.scheduler is not None:
                self.scheduler.step()

            if stopper is not None and stopper.update(epoch, logs):
                if stopper.restore_best_weights:
                    stopper.best_state = self.model.state_dict()
            if best_checkpoint is not None:
                if monitor not in logs:
                    raise KeyError(f"Trainer.fit: best_checkpoint monitors {monitor!r}, "
                                   f"which is not among the logs {sorted(logs)}")
                if is_improvement(logs[monitor], best_value, mode, 0.0):
                    best_value = float(logs[monitor])
                    self._save(best_checkpoint, epoch + 1, stopper, best_value)
            if checkpoint is not None:
                self._save(checkpoint, epoch + 1, stopper, best_value)
            self.progress(format_epoch(epoch, epochs, logs, time.perf_counter() - began))
            if stopper is not None and stopper.should_stop:
                self.progress(f"early stopping after epoch {epoch + 1}: best {stopper.monitor} "
                              f"{stopper.best:.4f} at epoch {stopper.best_epoch + 1}")

        if stopper is not None and stopper.restore_best_weights and stopper.best_state:
            self.model.load_state_dict(stopper.best_state)
        return self.history
        ### END SOLUTION

    # ----------------------------------------------------- fit's bookkeeping

    @staticmethod
    def _early_stopping(option: Any) -> EarlyStopping | None:
        if option is None:
            return None
        if isinstance(option, EarlyStopping):
            option.reset()  # the caller's object: inspect .best, .stopped_epoch after fit
            return option
        if isinstance(option, Mapping):
            return EarlyStopping(**option)
        raise TypeError(
            f"Trainer.fit: early_stopping must be an EarlyStopping or a dict of its "
            f"arguments, got {type(option).__name__}"
        )

    def _save(self, path: PathLike, epoch: int, stopper: EarlyStopping | None,
              best_value: float | None) -> None:
        extra = {
            "seed": self.seed,
            "history": self.history.state_dict(),
            "early_stopping": stopper.state_dict() if stopper else None,
            "best_value": best_value,
            "generator": default_generator().bit_generator.state,
        }
        save_checkpoint(path, self.model, self.optimizer, epoch, self.scheduler, extra)

    def _restore(self, extra: dict[str, Any], stopper: EarlyStopping | None) -> None:
        if extra.get("seed", self.seed) != self.seed:
            warnings.warn(
                f"Trainer.fit: the checkpoint was trained with seed={extra['seed']}, this "
                f"Trainer has seed={self.seed}; the shuffling will differ from the original run",
                stacklevel=3,
            )
        if "history" in extra:
            self.history.load_state_dict(extra["history"])
        if stopper is not None and extra.get("early_stopping"):
            stopper.load_state_dict(extra["early_stopping"])
        if extra.get("generator") is not None:
            default_generator().bit_generator.state = extra["generator"]
