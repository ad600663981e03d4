"""Argument checks shared by the normalization functions, their twins and layers.

They run before any work and name the operation, the argument and the
shapes. They are not solution code: a student's starter keeps them, so a
wrong call fails with the same message whatever implementation is installed.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
from tinytorch.tensor import DTypeError, ShapeError, Tensor


def shape_str(shape: tuple[int, ...]) -> str:
    """`(2, 3)` for a shape, `(5,)` for one dimension, as Python prints tuples."""
    return str(tuple(int(n) for n in shape))


def float_input(op: str, input: Any) -> np.ndarray:
    """The array of `input`, which must be a floating-point Tensor."""
    if not isinstance(input, Tensor):
        raise TypeError(f"{op}: expected a Tensor input, got {type(input).__name__}")
    if input.data.dtype.kind != "f":
        raise DTypeError(
            f"{op}: needs a floating point input, got dtype {input.data.dtype}; "
            "convert it first, e.g. x.float()"
        )
    return input.data


def check_number(op: str, name: str, value: Any, low: float, high: float = math.inf) -> float:
    """`value` as a float in [low, high], or a TypeError/ValueError naming `name`."""
    if isinstance(value, bool) or not isinstance(value, (int, float, np.integer, np.floating)):
        raise TypeError(f"{op}: {name} must be a number, got {value!r}")
    number = float(value)
    if not low <= number <= high:
        bounds = f"in [{low}, {high}]" if high != math.inf else f">= {low}"
        raise ValueError(f"{op}: {name} must be {bounds}, got {value!r}")
    return number


def check_vector(
    op: str, name: str, value: Any, shape: tuple[int, ...], dtype: np.dtype, where: str
) -> np.ndarray | None:
    """The array of an optional per-feature Tensor (weight, bias, running stats).

    It must be None or a Tensor of exactly `shape` and the input's `dtype`
    (PyTorch does not mix float32 and float64 in one normalization either).
    `where` says what the shape comes from, for the error message.
    """
    if value is None:
        return None
    if not isinstance(value, Tensor):
        raise TypeError(f"{op}: {name} must be a Tensor or None, got {type(value).__name__}")
    if value.data.shape != tuple(shape):
        raise ShapeError(
            f"{op}: {name} has shape {shape_str(value.data.shape)}, expected "
            f"{shape_str(shape)} ({where})"
        )
    if value.data.dtype != dtype:
        raise DTypeError(
            f"{op}: {name} is {value.data.dtype} but the input is {dtype}; "
            "use one floating point dtype for the input and the layer"
        )
    return value.data
