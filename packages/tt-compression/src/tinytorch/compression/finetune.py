"""Fine-tuning on arrays: the small training loop that pruning and distillation share.

A pruned network has lost some of what it knew; a few epochs of training
with the pruned weights held at zero win most of it back. The same loop,
with another loss, trains a distillation student (distillation.py), so it
is written once here: shuffle with a seeded generator, take mini-batches,
step the optimizer, and (when pruning) re-zero the pruned weights after
every step.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
from tinytorch.autograd import no_grad
from tinytorch.layers import Module
from tinytorch.losses import cross_entropy
from tinytorch.optimizers import SGD, Adam
from tinytorch.tensor import Tensor

from .pruning import Pruning, magnitude_prune

# loss(logits, rows) -> scalar Tensor; `rows` indexes the training arrays
BatchLoss = Callable[[Tensor, np.ndarray], Tensor]


def _check_xy(x: Any, y: Any, op: str) -> tuple[np.ndarray, np.ndarray]:
    x, y = np.asarray(x), np.asarray(y)
    if x.ndim < 2 or y.ndim != 1 or len(x) != len(y) or len(y) == 0:
        raise ValueError(
            f"{op}: expected inputs x of shape (N, ...) and integer labels y of shape (N,), "
            f"got x {x.shape} and y {y.shape}"
        )
    if y.dtype.kind not in "iu":
        raise TypeError(f"{op}: labels y must be integers, got dtype {y.dtype}")
    return x.astype(np.float32, copy=False), y.astype(np.int64, copy=False)


def input_dtype(model: Module) -> np.dtype:
    """The floating dtype of `model`'s first parameter (float32 for a model without any)."""
    first = next(iter(model.parameters()), None)
    return np.dtype(np.float32) if first is None else first.data.dtype


def train_loop(model: Module, x: np.ndarray, batch_loss: BatchLoss, epochs: int, lr: float,
               batch_size: int, seed: int, optimizer: str = "adam",
               pruning: Pruning | None = None, op: str = "fine_tune") -> list[float]:
    """Mini-batch training of `model` on `x` with `batch_loss`; the mean loss of each epoch.

    optimizer: "adam" (tt-optimizers' Adam) or "sgd" (SGD, momentum 0.9).
    pruning: when given, `pruning.reapply()` runs after every step.
    """
    for name, value in (("epochs", epochs), ("batch_size", batch_size)):
        if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < 1:
            raise ValueError(f"{op}: {name} must be a positive int, got {value!r}")
    if not lr > 0:
        raise ValueError(f"{op}: lr must be > 0, got {lr!r}")
    if optimizer not in ("adam", "sgd"):
        raise ValueError(f"{op}: optimizer must be 'adam' or 'sgd', got {optimizer!r}")
    ### BEGIN SOLUTION
    params = list(model.parameters())
    x = x.astype(input_dtype(model), copy=False)  # a float64 model takes float64 inputs
    opt = Adam(params, lr=lr) if optimizer == "adam" else SGD(params, lr=lr, momentum=0.9)
    rng = np.random.default_rng(seed)
    model.train()
    history = []
    for _ in range(epochs):
        order, losses = rng.permutation(len(x)), []
        for start in range(0, len(x), batch_size):
            rows = order[start:start + batch_size]
            opt.zero_grad()
            loss = batch_loss(model(Tensor(x[rows])), rows)
            loss.backward()
            opt.step()
            if pruning is not None:
                pruning.reapply()  # the step moved pruned weights off zero: put them back
            losses.append(loss.item())
        history.append(float(np.mean(losses)))
    model.eval()
    return history
    ### END SOLUTION


def fine_tune(model: Module, pruning: Pruning | None, x: Any, y: Any, epochs: int = 5,
              lr: float = 1e-3, batch_size: int = 64, seed: int = 0,
              optimizer: str = "adam") -> list[float]:
    """Train `model` on (x, y) with cross-entropy, keeping `pruning`'s weights at zero.

    x: inputs (N, ...) as the model takes them; y: integer class labels (N,).
    Each epoch visits every example once in a seeded random order, in
    batches of `batch_size`; after each optimizer step `pruning.reapply()`
    re-zeroes the pruned weights (see `Pruning` for why re-zero rather than
    mask the gradients). `pruning=None` trains without masks (a baseline).
    The model is left in eval mode. Returns the mean loss of each epoch.

    Cost: epochs * N forward and backward passes; Adam keeps two extra
    arrays per parameter.
    """
    xs, ys = _check_xy(x, y, "fine_tune")
    if pruning is not None and pruning.model is not model:
        raise ValueError("fine_tune: the Pruning was made for another model "
                         "(pass the Pruning that magnitude_prune returned for this model)")
    return train_loop(model, xs, lambda logits, rows: cross_entropy(logits, ys[rows]),
                      epochs, lr, batch_size, seed, optimizer, pruning)


def prune_gradually(model: Module, x: Any, y: Any, schedule: tuple[float, ...] = (0.5, 0.75, 0.9),
                    epochs: int = 15, lr: float = 1e-3, batch_size: int = 32, seed: int = 0,
                    scope: str = "global", optimizer: str = "adam") -> Pruning:
    """Prune in steps (50 %, 75 %, 90 % by default), fine-tuning `epochs` after each.

    Why in steps: removing 90 % at once throws away weights that the
    network would have needed, and fine-tuning must rebuild from what is
    left; growing the sparsity while training lets the kept weights take
    over gradually (Han et al., 2015; Zhu and Gupta, 2017). Each step
    prunes the magnitudes of the fine-tuned weights, extending the earlier
    masks. On the digits MLP of integration/part4 the gradual schedule
    loses less test accuracy than one step with the same total epochs
    (measured there). Returns the last step's `Pruning`.

    Cost: len(schedule) * epochs epochs of training.
    """
    if not schedule or any(not 0 <= s < 1 for s in schedule) or list(schedule) != sorted(schedule):
        raise ValueError(f"prune_gradually: schedule must be rising sparsities in [0, 1), "
                         f"got {schedule!r}")
    ### BEGIN SOLUTION
    pruning = None
    for step, sparsity in enumerate(schedule):
        pruning = magnitude_prune(model, sparsity, scope)
        fine_tune(model, pruning, x, y, epochs, lr, batch_size, seed + step, optimizer)
    return pruning
    ### END SOLUTION


def logits_of(model: Module, x: Any, batch_size: int = 1024) -> np.ndarray:
    """`model`'s outputs for every row of `x`, in eval mode, without a graph, as one array."""
    xs = np.asarray(x, dtype=input_dtype(model))
    model.eval()
    with no_grad():
        return np.concatenate([model(Tensor(xs[i:i + batch_size])).data
                               for i in range(0, len(xs), batch_size)])


def accuracy(model: Module, x: Any, y: Any, batch_size: int = 1024) -> float:
    """Fraction of `x` that `model` classifies as `y` (eval mode, no graph kept)."""
    xs, ys = _check_xy(x, y, "accuracy")
    return float(np.mean(logits_of(model, xs, batch_size).argmax(axis=1) == ys))
