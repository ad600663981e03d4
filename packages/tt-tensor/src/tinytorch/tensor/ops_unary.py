"""Unary elementwise ops: neg, exp, log, sqrt, abs, tanh, erf, sin, cos, clamp.

Each maps every element on its own: output shape = input shape, one pass over
the data, and (for the transcendental ones) a few dozen FLOPs per element
inside NumPy's vectorised loops. Integer inputs to exp/log/sqrt/tanh/erf/sin/cos
are computed in float32, as in PyTorch (NumPy would pick float64).

Edge values follow IEEE arithmetic silently, as in PyTorch: log(0) = -inf,
log(-1) = sqrt(-1) = nan, exp(1000) = inf, sin(inf) = nan. NumPy would also
print a RuntimeWarning for each; the forwards below compute under
`np.errstate(...="ignore")` so a training loop's output is not buried in them.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from .dispatch import apply
from .erf_numpy import erf_forward
from .tensor import Tensor


def _floating(op: str, a: Any) -> Tensor:
    """`a` as a floating point Tensor (integers and bools become float32)."""
    if not isinstance(a, Tensor):
        raise TypeError(f"{op}: expected a Tensor, got {type(a).__name__}")
    if a.data.dtype.kind != "f":
        return Tensor._wrap(a.data.astype(np.float32))
    return a


def neg(a: Tensor) -> Tensor:
    """Elementwise `-a`."""
    ### BEGIN SOLUTION
    if not isinstance(a, Tensor):
        raise TypeError(f"neg: expected a Tensor, got {type(a).__name__}")
    if a.data.dtype.kind == "b":
        raise TypeError("neg: negation of a bool tensor is not defined; use ~ or logical ops")
    return apply("neg", np.negative, a)
    ### END SOLUTION


def _quiet(ufunc: Any) -> Any:
    """`ufunc` computed without NumPy's RuntimeWarnings (overflow, log(0), nan from -1...)."""

    def forward(x: np.ndarray) -> np.ndarray:
        with np.errstate(divide="ignore", over="ignore", invalid="ignore", under="ignore"):
            return ufunc(x)

    forward.__name__ = f"quiet_{ufunc.__name__}"
    return forward


_exp, _log, _sqrt, _sin, _cos = (_quiet(f) for f in (np.exp, np.log, np.sqrt, np.sin, np.cos))


def exp(a: Tensor) -> Tensor:
    """Elementwise e**a (overflow gives inf, silently)."""
    ### BEGIN SOLUTION
    return apply("exp", _exp, _floating("exp", a))
    ### END SOLUTION


def log(a: Tensor) -> Tensor:
    """Elementwise natural logarithm (log(0) = -inf, negative -> nan, silently)."""
    ### BEGIN SOLUTION
    return apply("log", _log, _floating("log", a))
    ### END SOLUTION


def sqrt(a: Tensor) -> Tensor:
    """Elementwise square root (negative -> nan, silently)."""
    ### BEGIN SOLUTION
    return apply("sqrt", _sqrt, _floating("sqrt", a))
    ### END SOLUTION


def sin(a: Tensor) -> Tensor:
    """Elementwise sine (radians); sin(+-inf) = nan.

    Part III uses it for sinusoidal position encodings. Derivative: cos.
    """
    ### BEGIN SOLUTION
    return apply("sin", _sin, _floating("sin", a))
    ### END SOLUTION


def cos(a: Tensor) -> Tensor:
    """Elementwise cosine (radians); cos(+-inf) = nan. Derivative: -sin."""
    ### BEGIN SOLUTION
    return apply("cos", _cos, _floating("cos", a))
    ### END SOLUTION


def abs(a: Tensor) -> Tensor:
    """Elementwise absolute value (keeps integer dtypes)."""
    ### BEGIN SOLUTION
    if not isinstance(a, Tensor):
        raise TypeError(f"abs: expected a Tensor, got {type(a).__name__}")
    return apply("abs", np.abs, a)
    ### END SOLUTION


def tanh(a: Tensor) -> Tensor:
    """Elementwise hyperbolic tangent."""
    ### BEGIN SOLUTION
    return apply("tanh", np.tanh, _floating("tanh", a))
    ### END SOLUTION


def erf(a: Tensor) -> Tensor:
    """Elementwise error function (see `erf_numpy.py` for the method and its accuracy)."""
    ### BEGIN SOLUTION
    return apply("erf", erf_forward, _floating("erf", a))
    ### END SOLUTION


def _clamp(x: np.ndarray, min: Any, max: Any) -> np.ndarray:
    out = x if min is None else np.maximum(x, min)
    if max is not None:
        out = np.minimum(out, max, out=out) if min is not None else np.minimum(out, max)
    return out


def _bound(name: str, value: Any, floating: bool) -> Any:
    if value is None:
        return None
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, (int, float, np.number)):
        raise TypeError(
            f"clamp: {name} must be a number or None, got {type(value).__name__} "
            "(for a tensor bound use maximum(a, b))"
        )
    return float(value) if floating else value


def clamp(a: Tensor, min: float | None = None, max: float | None = None) -> Tensor:
    """Limit every element to `[min, max]` (either bound may be None).

    If min > max every element becomes max, as in PyTorch.
    """
    ### BEGIN SOLUTION
    if not isinstance(a, Tensor):
        raise TypeError(f"clamp: expected a Tensor, got {type(a).__name__}")
    if min is None and max is None:
        raise ValueError("clamp: at least one of min and max must be given")
    if a.data.dtype.kind != "f" and (isinstance(min, float) or isinstance(max, float)):
        a = _floating("clamp", a)
    floating = a.data.dtype.kind == "f"
    lo, hi = _bound("min", min, floating), _bound("max", max, floating)
    return apply("clamp", _clamp, a, min=lo, max=hi)
    ### END SOLUTION
