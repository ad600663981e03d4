"""Knowledge distillation: train a small student on a big teacher's soft predictions.

A trained teacher's output says more than the label: for an image of a 3
it may give 0.90 to "3", 0.07 to "8" and 0.01 to "5", which tells the
student which digits look alike (Hinton, Vinyals and Dean, "Distilling the
Knowledge in a Neural Network", 2015). Dividing the logits by a
temperature T > 1 before the softmax spreads those small probabilities out
so the student can learn from them. The loss mixes the two signals:

    loss = alpha * T^2 * KL(softmax(t / T) || softmax(s / T))
           + (1 - alpha) * cross_entropy(s, labels)

KL is averaged over the batch (PyTorch's `reduction="batchmean"`). The T^2
keeps the soft term's gradient the same size whatever T: the gradient of
the KL with respect to s is (softmax(s/T) - softmax(t/T)) / T, and for
small logits that difference itself shrinks like 1/T.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from tinytorch.activations import log_softmax
from tinytorch.layers import Module
from tinytorch.losses import cross_entropy
from tinytorch.tensor import ShapeError, Tensor

from .finetune import _check_xy, logits_of, train_loop


def _check_settings(temperature: float, alpha: float) -> None:
    if not isinstance(temperature, (int, float)) or not temperature > 0:
        raise ValueError(f"distillation_loss: temperature must be > 0, got {temperature!r}")
    if not isinstance(alpha, (int, float)) or not 0.0 <= alpha <= 1.0:
        raise ValueError(f"distillation_loss: alpha must be in [0, 1], got {alpha!r}")


def _teacher_log_probs(teacher_logits: np.ndarray, temperature: float) -> np.ndarray:
    """log softmax(t / T) in NumPy, stable (shifted by the row max): a constant, no graph."""
    z = teacher_logits / temperature
    z = z - z.max(axis=1, keepdims=True)
    return z - np.log(np.exp(z).sum(axis=1, keepdims=True))


def distillation_loss(student_logits: Tensor, teacher_logits: Any, targets: Any,
                      temperature: float = 4.0, alpha: float = 0.5) -> Tensor:
    """Hinton's distillation loss: alpha * T^2 * KL(teacher || student) + (1 - alpha) * CE.

    student_logits: Tensor (N, C), the student's raw scores (gradients flow
    here); teacher_logits: (N, C) Tensor or array, a constant (the teacher
    is not trained: its value is read, never differentiated); targets: (N,)
    integer labels for the cross-entropy part. temperature > 0 softens both
    distributions; alpha in [0, 1] weighs the soft term (alpha=1: teacher
    only; alpha=0: plain cross-entropy).

    Equals `alpha * T**2 * F.kl_div(F.log_softmax(s / T, 1), F.softmax(t / T, 1),
    reduction="batchmean") + (1 - alpha) * F.cross_entropy(s, y)` in PyTorch.

    Cost: two log-softmaxes over (N, C) and a cross-entropy; the teacher's
    forward pass (not counted here) is the expensive part of distilling.
    """
    _check_settings(temperature, alpha)
    if not isinstance(student_logits, Tensor):
        raise TypeError(f"distillation_loss: student_logits must be a Tensor, got "
                        f"{type(student_logits).__name__}")
    t = teacher_logits.data if isinstance(teacher_logits, Tensor) else np.asarray(teacher_logits)
    y = targets.data if isinstance(targets, Tensor) else np.asarray(targets)
    s_shape = tuple(student_logits.shape)
    if len(s_shape) != 2 or t.shape != s_shape:
        raise ShapeError(f"distillation_loss: student logits {s_shape} and teacher logits "
                         f"{t.shape} must both be (N, C) and equal")
    if y.shape != (s_shape[0],):
        raise ShapeError(f"distillation_loss: targets of shape {y.shape} do not match "
                         f"{s_shape[0]} samples (expected ({s_shape[0]},))")
    ### BEGIN SOLUTION
    log_p_t = _teacher_log_probs(t.astype(np.float64), temperature)
    p_t = np.exp(log_p_t)
    # KL(p_t || p_s) = sum p_t (log p_t - log p_s); the sum p_t log p_t is a constant
    entropy_term = float((p_t * log_p_t).sum())
    log_p_s = log_softmax(student_logits / temperature, dim=1)
    cross = -(log_p_s * Tensor(p_t.astype(student_logits.dtype))).sum()
    kl = (cross + entropy_term) / s_shape[0]  # batchmean
    soft = kl * (alpha * temperature ** 2)
    if alpha == 1.0:
        return soft
    return soft + cross_entropy(student_logits, y) * (1.0 - alpha)
    ### END SOLUTION


def distill(student: Module, teacher: Module, x: Any, y: Any, epochs: int = 20,
            lr: float = 1e-3, batch_size: int = 64, seed: int = 0, temperature: float = 4.0,
            alpha: float = 0.5, optimizer: str = "adam") -> list[float]:
    """Train `student` on (x, y) with `distillation_loss` against `teacher`'s logits.

    The teacher runs once over x, in eval mode without a graph; its logits
    are then looked up per batch. Same loop (seeded shuffle, batches,
    optimizer) as `fine_tune`, so a student trained with `fine_tune` on the
    same data and seed is the fair baseline. Returns the mean loss per epoch.
    """
    _check_settings(temperature, alpha)
    xs, ys = _check_xy(x, y, "distill")
    t = logits_of(teacher, xs)
    return train_loop(
        student, xs,
        lambda logits, rows: distillation_loss(logits, t[rows], ys[rows], temperature, alpha),
        epochs, lr, batch_size, seed, optimizer, op="distill")
