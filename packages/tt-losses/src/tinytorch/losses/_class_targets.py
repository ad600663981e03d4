"""Checks shared by the classification losses (private): input, targets, class weights.

`cross_entropy` and `nll_loss` take the same layouts as PyTorch: the class
dimension is dim 1, or dim 0 for one unbatched sample.

    input (C,)                 target ()            one sample
    input (N, C)               target (N,)          a batch
    input (N, C, d1, ..., dk)  target (N, d1, ..., dk)  e.g. one class per pixel

A target of the input's own shape holding floats is a probability
distribution over the classes (cross-entropy only). Everything here runs on
the NumPy arrays before any computation, so a mistake is reported by name,
never as a NumPy traceback from inside the loss.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from tinytorch.tensor import DTypeError, ShapeError, Tensor

DEFAULT_IGNORE_INDEX = -100


def class_dim(input: Tensor, op: str) -> int:
    """The class dimension of `input`: 0 for (C,), else 1; 0-d input or C = 0 is refused."""
    if input.ndim == 0:
        raise ShapeError(
            f"{op}: input must have a class dimension, shape (C,), (N, C) or "
            f"(N, C, d1, ...), got a 0-d tensor"
        )
    dim = 0 if input.ndim == 1 else 1
    if input.shape[dim] == 0:
        raise ShapeError(
            f"{op}: input of shape {tuple(input.shape)} has no classes (dim {dim} is empty)"
        )
    return dim


def index_shape(input: Tensor) -> tuple[int, ...]:
    """The shape of a class-index target for `input`: its shape without the class dim."""
    shape = tuple(input.shape)
    return () if len(shape) == 1 else shape[:1] + shape[2:]


def _as_array(x: Any) -> np.ndarray:
    return x.data if isinstance(x, Tensor) else np.asarray(x)


def check_ignore_index(ignore_index: Any, op: str) -> int:
    """`ignore_index` as an int; anything else (a float, a bool) is a TypeError."""
    if isinstance(ignore_index, bool) or not isinstance(ignore_index, (int, np.integer)):
        raise TypeError(f"{op}: ignore_index must be an int, got {ignore_index!r}")
    return int(ignore_index)


def check_label_smoothing(label_smoothing: Any, op: str) -> float:
    """`label_smoothing` as a float in [0, 1], as PyTorch requires."""
    if isinstance(label_smoothing, bool) or not isinstance(
        label_smoothing, (int, float, np.integer, np.floating)
    ):
        raise TypeError(f"{op}: label_smoothing must be a float, got {label_smoothing!r}")
    value = float(label_smoothing)
    if not 0.0 <= value <= 1.0:
        raise ValueError(f"{op}: label_smoothing must be between 0.0 and 1.0, got {value}")
    return value


def check_weight_values(weight: Any, op: str) -> np.ndarray | None:
    """The per-class weights as a 1-D numeric array (not yet checked against C)."""
    if weight is None:
        return None
    array = _as_array(weight)
    if array.dtype.kind not in "iuf":
        raise DTypeError(f"{op}: weight must hold numbers, got dtype {array.dtype}")
    if array.ndim != 1:
        raise ShapeError(
            f"{op}: weight must be 1-D, one entry per class, got shape {tuple(array.shape)}"
        )
    return array


def class_weight(weight: Any, input: Tensor, op: str) -> np.ndarray | None:
    """The per-class weights as an array (C,) in `input`'s dtype, or None.

    They are constants: no gradient flows into them (as in PyTorch, where
    the weight of `nll_loss` has no derivative).
    """
    array = check_weight_values(weight, op)
    if array is None:
        return None
    n_classes = input.shape[class_dim(input, op)]
    if array.shape != (n_classes,):
        raise ShapeError(
            f"{op}: weight must have shape ({n_classes},), one entry per class of input "
            f"{tuple(input.shape)}, got shape {tuple(array.shape)}"
        )
    return array.astype(input.dtype)


def is_probability_target(target: Any, input: Tensor) -> bool:
    """Whether `target` is class probabilities: floats of the input's own shape."""
    array = _as_array(target)
    return array.dtype.kind == "f" and array.shape == tuple(input.shape)


def class_indices(
    target: Any, input: Tensor, ignore_index: int, op: str, probabilities: bool = False
) -> np.ndarray:
    """The target as an int64 array of class indices of shape `index_shape(input)`.

    Every entry must be in [0, C) or equal `ignore_index`; the first bad one
    is named in the error, with C. `probabilities` says whether the loss also
    accepts class probabilities (a float target of the input's shape), so
    that the errors can mention them.
    """
    array = _as_array(target)
    expected = index_shape(input)
    kind = array.dtype.kind
    if kind not in "iu" and not (probabilities and kind == "f" and array.shape != expected):
        hint = "convert labels with .astype(np.int64)"
        if probabilities and kind == "f":
            hint += f"; class probabilities must have the input's shape {tuple(input.shape)}"
        raise DTypeError(
            f"{op}: target must hold integer class indices, got dtype {array.dtype} ({hint})"
        )
    if probabilities and array.shape == tuple(input.shape) and array.shape != expected:
        raise DTypeError(
            f"{op}: a target of the input's shape {tuple(input.shape)} is read as class "
            f"probabilities and must be floating point, got dtype {array.dtype}"
        )
    if array.shape != expected:
        also = f" or {tuple(input.shape)} (class probabilities)" if probabilities else ""
        raise ShapeError(
            f"{op}: input of shape {tuple(input.shape)} needs a target of shape {expected}"
            f"{' (class indices)' if also else ''}{also}, got target shape {tuple(array.shape)}"
        )
    labels = array.astype(np.int64)
    n_classes = input.shape[class_dim(input, op)]
    bad = ((labels < 0) | (labels >= n_classes)) & (labels != ignore_index)
    if np.any(bad):
        index = int(labels[bad].flat[0])
        raise IndexError(
            f"{op}: target class index {index} is out of range for {n_classes} classes "
            f"(valid indices are 0 to {n_classes - 1}, or ignore_index={ignore_index})"
        )
    return labels


def class_probabilities(target: Any, input: Tensor, ignore_index: int, op: str) -> Tensor:
    """A probability target as a Tensor in `input`'s dtype.

    A Tensor target of the right dtype is kept as it is, so a target that
    requires a gradient gets one (PyTorch differentiates this loss in its
    target too). PyTorch refuses `ignore_index` with probabilities: which
    entry would be ignored? So do we.
    """
    if ignore_index != DEFAULT_IGNORE_INDEX:
        raise ValueError(
            f"{op}: ignore_index is not supported for class-probability targets "
            f"(got ignore_index={ignore_index}); give a zero target row instead"
        )
    if isinstance(target, Tensor) and target.dtype == input.dtype:
        return target
    return Tensor(_as_array(target).astype(input.dtype))


def weight_for_broadcast(weight: np.ndarray, input: Tensor) -> Tensor:
    """The (C,) weights shaped to broadcast along the class dim: (C,) or (1, C, 1, ...)."""
    shape = [1] * input.ndim
    shape[class_dim(input, "weight")] = weight.shape[0]
    return Tensor(weight.reshape(shape))
