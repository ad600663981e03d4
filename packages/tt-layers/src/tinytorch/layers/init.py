"""Weight initialisation: fill a tensor in place with well-scaled random numbers.

Why it matters: a layer's output variance is about `fan_in * Var(w) *
Var(x)`. Weights drawn too large make activations (and gradients) grow layer
after layer; too small, they shrink to nothing. The schemes here pick the
spread of the weights from the tensor's fan-in and fan-out:

- Xavier/Glorot (2010): `Var(w) = gain^2 * 2 / (fan_in + fan_out)`, for tanh
  and sigmoid networks;
- Kaiming/He (2015): `Var(w) = gain^2 / fan`, for ReLU networks (gain sqrt(2)
  makes up for ReLU zeroing half of its inputs).

Every function writes into `tensor.data` in place (no gradient is recorded:
initialisation is not part of the model's computation) and returns the
tensor. Random numbers come from `tinytorch.tensor.default_generator()`, so
`manual_seed(s)` before building a model gives the same weights every run.
Fans follow PyTorch: for a weight of shape (out, in, *kernel), fan_in =
in * prod(kernel) and fan_out = out * prod(kernel).
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
from tinytorch.tensor import default_generator

__all__ = [
    "calculate_gain",
    "constant_",
    "kaiming_normal_",
    "kaiming_uniform_",
    "normal_",
    "ones_",
    "uniform_",
    "xavier_normal_",
    "xavier_uniform_",
    "zeros_",
]


def _array(tensor: Any, op: str) -> np.ndarray:
    array = getattr(tensor, "data", None)
    if not isinstance(array, np.ndarray):
        raise TypeError(f"init.{op}: expected a Tensor, got {type(tensor).__name__}")
    if array.dtype.kind != "f":
        raise TypeError(f"init.{op}: expected a floating-point tensor, got dtype {array.dtype}")
    return array


def _fill(tensor: Any, values: np.ndarray | float, op: str) -> Any:
    array = _array(tensor, op)
    array[...] = values  # in place, cast to the tensor's dtype
    return tensor


def _fans(tensor: Any, op: str) -> tuple[int, int]:
    """(fan_in, fan_out) of a weight shaped (out, in, *receptive_field)."""
    ### BEGIN SOLUTION
    shape = _array(tensor, op).shape
    if len(shape) < 2:
        raise ValueError(
            f"init.{op}: fan in and fan out need a tensor with at least 2 dimensions, "
            f"got shape {shape}"
        )
    receptive = math.prod(shape[2:])  # 1 for a Linear weight
    return shape[1] * receptive, shape[0] * receptive
    ### END SOLUTION


def calculate_gain(nonlinearity: str, param: float | None = None) -> float:
    """The recommended gain (std multiplier) for a non-linearity, as in PyTorch.

    linear/conv/sigmoid: 1, tanh: 5/3, relu: sqrt(2),
    leaky_relu with negative slope `param` (default 0.01): sqrt(2 / (1 + param^2)),
    selu: 3/4.
    """
    ### BEGIN SOLUTION
    linear = ("linear", "identity", "sigmoid", "conv1d", "conv2d", "conv3d",
              "conv_transpose1d", "conv_transpose2d", "conv_transpose3d")
    if nonlinearity in linear:
        return 1.0
    if nonlinearity == "tanh":
        return 5.0 / 3.0
    if nonlinearity == "relu":
        return math.sqrt(2.0)
    if nonlinearity == "selu":
        return 3.0 / 4.0
    if nonlinearity == "leaky_relu":
        if param is None:
            slope = 0.01
        elif isinstance(param, (int, float)) and not isinstance(param, bool):
            slope = float(param)
        else:
            raise ValueError(f"init.calculate_gain: negative slope {param!r} is not a number")
        return math.sqrt(2.0 / (1.0 + slope**2))
    raise ValueError(f"init.calculate_gain: unsupported nonlinearity {nonlinearity!r}")
    ### END SOLUTION


def uniform_(tensor: Any, a: float = 0.0, b: float = 1.0) -> Any:
    """Fill `tensor` with draws from U(a, b); return it."""
    ### BEGIN SOLUTION
    shape = _array(tensor, "uniform_").shape
    return _fill(tensor, default_generator().uniform(a, b, size=shape), "uniform_")
    ### END SOLUTION


def normal_(tensor: Any, mean: float = 0.0, std: float = 1.0) -> Any:
    """Fill `tensor` with draws from N(mean, std^2); return it."""
    ### BEGIN SOLUTION
    shape = _array(tensor, "normal_").shape
    return _fill(tensor, default_generator().normal(mean, std, size=shape), "normal_")
    ### END SOLUTION


def constant_(tensor: Any, val: float) -> Any:
    """Fill `tensor` with `val`; return it."""
    return _fill(tensor, val, "constant_")


def zeros_(tensor: Any) -> Any:
    """Fill `tensor` with zeros (the usual bias init); return it."""
    return _fill(tensor, 0.0, "zeros_")


def ones_(tensor: Any) -> Any:
    """Fill `tensor` with ones (the usual normalisation-scale init); return it."""
    return _fill(tensor, 1.0, "ones_")


def xavier_uniform_(tensor: Any, gain: float = 1.0) -> Any:
    """Glorot uniform: U(-b, b) with b = gain * sqrt(6 / (fan_in + fan_out)); return it.

    The bound makes Var(w) = b^2 / 3 = gain^2 * 2 / (fan_in + fan_out).
    """
    ### BEGIN SOLUTION
    fan_in, fan_out = _fans(tensor, "xavier_uniform_")
    bound = gain * math.sqrt(6.0 / (fan_in + fan_out)) if fan_in + fan_out else 0.0
    return uniform_(tensor, -bound, bound)
    ### END SOLUTION


def xavier_normal_(tensor: Any, gain: float = 1.0) -> Any:
    """Glorot normal: N(0, std^2) with std = gain * sqrt(2 / (fan_in + fan_out)); return it."""
    fan_in, fan_out = _fans(tensor, "xavier_normal_")
    std = gain * math.sqrt(2.0 / (fan_in + fan_out)) if fan_in + fan_out else 0.0
    return normal_(tensor, 0.0, std)


def _kaiming_std(tensor: Any, a: float, mode: str, nonlinearity: str, op: str) -> float:
    if mode not in ("fan_in", "fan_out"):
        raise ValueError(f"init.{op}: mode must be 'fan_in' or 'fan_out', got {mode!r}")
    fan_in, fan_out = _fans(tensor, op)
    fan = fan_in if mode == "fan_in" else fan_out
    if fan == 0:
        return 0.0  # an empty tensor: nothing to draw
    return calculate_gain(nonlinearity, a) / math.sqrt(fan)


def kaiming_uniform_(
    tensor: Any, a: float = 0.0, mode: str = "fan_in", nonlinearity: str = "leaky_relu"
) -> Any:
    """He uniform: U(-b, b) with b = sqrt(3) * gain / sqrt(fan); return it.

    `a` is the negative slope of the leaky ReLU that follows (0: plain ReLU,
    gain sqrt(2)); `mode='fan_in'` keeps the forward activations' variance,
    `'fan_out'` the backward gradients'. `Linear` uses `a=sqrt(5)`, which
    gives exactly b = 1 / sqrt(fan_in), PyTorch's default.
    """
    ### BEGIN SOLUTION
    std = _kaiming_std(tensor, a, mode, nonlinearity, "kaiming_uniform_")
    bound = math.sqrt(3.0) * std  # Var(U(-b, b)) = b^2 / 3
    return uniform_(tensor, -bound, bound)
    ### END SOLUTION


def kaiming_normal_(
    tensor: Any, a: float = 0.0, mode: str = "fan_in", nonlinearity: str = "leaky_relu"
) -> Any:
    """He normal: N(0, std^2) with std = gain / sqrt(fan); return it."""
    std = _kaiming_std(tensor, a, mode, nonlinearity, "kaiming_normal_")
    return normal_(tensor, 0.0, std)
