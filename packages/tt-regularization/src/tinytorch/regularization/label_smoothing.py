"""smooth_labels: class indices as smoothed probability targets."""

from __future__ import annotations

from typing import Any

import numpy as np
from tinytorch.tensor import Tensor


def smooth_labels(
    target: Any, num_classes: int, smoothing: float = 0.1, dtype: Any = None
) -> Tensor:
    """One-hot targets softened: (1 - smoothing) on the true class plus smoothing / C everywhere.

    Label smoothing (Szegedy et al., 2016) stops a classifier from driving
    its logits to infinity to reach a probability of exactly 1: the target
    for the true class becomes 1 - smoothing + smoothing / C and every
    other class gets smoothing / C, so the model stays calibrated.

    `target` holds class indices (a Tensor, an array, a list or an int) of
    any shape S; the result has shape (*S, num_classes), float32 unless
    `dtype` says otherwise, and its rows sum to 1. Fed as probabilities to
    `CrossEntropyLoss()` it gives exactly `CrossEntropyLoss(label_smoothing=
    smoothing)` on the indices; it also serves losses that take only
    probabilities (`BCELoss` on one-vs-rest outputs, a KL divergence). For
    (N, d1, ...) targets of a (N, C, d1, ...) input, move the class dim:
    `.permute(0, -1, 1, ...)`. Cost: one (*S, C) array.
    """
    labels = np.asarray(target.data if isinstance(target, Tensor) else target)
    if labels.dtype.kind not in "iu":
        raise TypeError(
            f"smooth_labels: target must hold integer class indices, got dtype {labels.dtype}"
        )
    if isinstance(num_classes, bool) or not isinstance(num_classes, (int, np.integer)) \
            or num_classes <= 0:
        raise ValueError(f"smooth_labels: num_classes must be a positive int, got {num_classes!r}")
    if isinstance(smoothing, bool) or not isinstance(smoothing, (int, float, np.floating)) \
            or not 0.0 <= smoothing <= 1.0:
        raise ValueError(f"smooth_labels: smoothing must be in [0.0, 1.0], got {smoothing!r}")
    bad = labels[(labels < 0) | (labels >= num_classes)]
    if bad.size:
        raise IndexError(
            f"smooth_labels: class index {int(bad.flat[0])} is out of range for "
            f"{num_classes} classes (valid: 0 to {num_classes - 1})"
        )
    dt = np.dtype(np.float32 if dtype is None else dtype)
    if dt.kind != "f":
        raise TypeError(f"smooth_labels: dtype must be a floating-point type, got {dt}")
    ### BEGIN SOLUTION
    probs = np.full((*labels.shape, int(num_classes)), smoothing / num_classes, dtype=dt)
    np.put_along_axis(probs, labels[..., None], 1.0 - smoothing + smoothing / num_classes,
                      axis=-1)
    return Tensor(probs)
    ### END SOLUTION
