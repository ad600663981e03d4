"""calibrate: choose a scale and zero point from sample data.

Calibration looks at real values (the weights themselves, or the inputs a
layer sees on a few sample batches) and picks the range [lo, hi] that the
codes must cover:

- "minmax": the smallest and largest value seen. Nothing is clipped, but
  one outlier stretches the step for every other value.
- "percentile": the `percentile`-th percentile of |x| (symmetric), or the
  (100 - p)-th and p-th percentiles (asymmetric). A few outliers are clipped
  to the edge of the range so that the bulk of the values get finer steps.

Symmetric: range [-max|x|, max|x|], zero_point 0, scale = max|x| / qmax.
Asymmetric: range [min(lo, 0), max(hi, 0)] (0 stays exactly representable,
so zero padding and ReLU zeros are exact), scale = (hi - lo) / (qmax - qmin),
zero_point = qmin - round(lo / scale). One-sided data (ReLU outputs) then use
all 2^bits codes instead of half of them.

The constant tensor. If every value is the same c (all zeros, or a single
element), max == min and the range formula gives scale = 0 (or a scale
that rebuilds c only up to rounding). Dividing by 0 then turns every value
into 0 or NaN: a trained layer silently zeroed. Here a constant gets
scale = |c| (1 for c = 0) and zero_point 0, so c is the code +-1 (or 0)
and dequantises back to exactly c.

Cost: one pass over the samples for min-max; a sort per channel for the
percentile (np.percentile), done once, before inference.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
from tinytorch.tensor import Tensor

from .qparams import QuantizationError, QuantParams, check_axis, code_range

METHODS = ("minmax", "percentile")


def as_array(op: str, x: Any) -> np.ndarray:
    """A Tensor or array-like as a finite, non-empty float ndarray; else a QuantizationError."""
    a = x.data if isinstance(x, Tensor) else np.asarray(x)
    if a.dtype.kind not in "biuf":
        raise QuantizationError(f"{op}: expected numbers, got an array of dtype {a.dtype}")
    if a.size == 0:
        raise QuantizationError(f"{op}: the input of shape {a.shape} is empty")
    if a.dtype.kind != "f" or a.dtype.itemsize < 4:
        a = a.astype(np.float32)
    if not np.isfinite(a).all():
        raise QuantizationError(f"{op}: the input of shape {a.shape} holds NaN or inf values")
    return a


def channel_rows(op: str, batches: Sequence[Any],
                 axis: int | None) -> tuple[np.ndarray, int | None]:
    """The samples as one (C, M) float64 matrix (C = 1 per-tensor), and the checked axis."""
    arrays = [as_array(op, b) for b in batches]
    ndim = arrays[0].ndim
    axis = check_axis(op, axis, ndim)
    rows = []
    for i, a in enumerate(arrays):
        if a.ndim != ndim:
            raise QuantizationError(
                f"{op}: sample batch {i} has {a.ndim} dimension(s), batch 0 has {ndim}"
            )
        if axis is None:
            rows.append(a.reshape(1, -1))
        else:
            if a.shape[axis] != arrays[0].shape[axis]:
                raise QuantizationError(
                    f"{op}: sample batch {i} has {a.shape[axis]} channels along axis {axis}, "
                    f"batch 0 has {arrays[0].shape[axis]}"
                )
            rows.append(np.moveaxis(a, axis, 0).reshape(a.shape[axis], -1))
    return np.concatenate(rows, axis=1).astype(np.float64), axis


def calibrate(
    x: Any,
    bits: int = 8,
    symmetric: bool = True,
    axis: int | None = None,
    method: str = "minmax",
    percentile: float = 99.99,
) -> QuantParams:
    """Quantisation parameters for `x`: one array, or a list of sample batches.

    bits: 8 or 4. symmetric: zero_point 0 (weights) or an affine range
    (activations). axis: None for one scale, or the channel axis for one
    scale per channel (0 for a Linear or Conv2d weight). method: "minmax"
    or "percentile" (clip the values beyond the `percentile`-th
    percentile, 0 < percentile <= 100). Batches must agree in their number
    of dimensions and (per-channel) in their channel count.

    Raises QuantizationError for bits other than 4 or 8, an axis out of
    range, a percentile outside (0, 100], an unknown method, and empty or
    non-finite input.
    """
    qmin, qmax = code_range(bits)
    if method not in METHODS:
        raise QuantizationError(f"calibrate: method must be 'minmax' or 'percentile', "
                                f"got {method!r}")
    if isinstance(percentile, bool) or not isinstance(percentile, (int, float)) \
            or not 0 < percentile <= 100:
        raise QuantizationError(f"calibrate: percentile must be in (0, 100], got {percentile!r}")
    batches = list(x) if isinstance(x, (list, tuple)) else [x]
    if not batches:
        raise QuantizationError("calibrate: no sample batches given (an empty list)")
    ### BEGIN SOLUTION
    rows, axis = channel_rows("calibrate", batches, axis)  # (C, M)
    low, high = rows.min(axis=1), rows.max(axis=1)  # (C,) each
    if method == "percentile":
        if symmetric:
            amax = np.percentile(np.abs(rows), percentile, axis=1)
            p_low, p_high = -amax, amax
        else:
            p_low = np.percentile(rows, 100 - percentile, axis=1)
            p_high = np.percentile(rows, percentile, axis=1)
        usable = p_high > p_low  # a zero-width clipping range falls back to min-max
        low, high = np.where(usable, p_low, low), np.where(usable, p_high, high)
    if symmetric:
        amax = np.maximum(np.abs(low), np.abs(high))
        scale = (amax / qmax).astype(np.float32)
        zero_point = np.zeros(scale.shape, np.int32)
    else:
        low, high = np.minimum(low, 0.0), np.maximum(high, 0.0)  # 0.0 must be a code
        scale = ((high - low) / (qmax - qmin)).astype(np.float32)
        safe = np.where(scale > 0, scale, 1.0)
        zero_point = np.clip(qmin - np.rint(low / safe), qmin, qmax).astype(np.int32)
    scale = np.maximum(scale, np.finfo(np.float32).tiny)  # never 0, even for 1e-45
    constant = rows.min(axis=1) == rows.max(axis=1)  # every sample equals c
    c = rows[:, 0]
    scale = np.where(constant, np.where(c != 0, np.abs(c), 1.0), scale).astype(np.float32)
    zero_point = np.where(constant, 0, zero_point).astype(np.int32)
    if axis is None:
        scale, zero_point = scale.reshape(()), zero_point.reshape(())
    return QuantParams(scale=scale, zero_point=zero_point, bits=int(bits),
                       symmetric=bool(symmetric), axis=axis, qmin=qmin, qmax=qmax)
    ### END SOLUTION
