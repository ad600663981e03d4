"""quantize / dequantize / fake_quantize: floats to int8 codes and back.

    q  = clip(round(x / scale) + zero_point, qmin, qmax)    (int8)
    x' = (q - zero_point) * scale                           (float32)

Rounding is to the nearest code, ties to even (np.rint, as PyTorch's
`torch.quantize_per_tensor`), so inside the clipping range the round trip
moves every value by at most scale / 2. Values outside the range are
clipped to the end code: that error is unbounded, which is why the range
is calibrated on real data.

`fake_quantize` is the round trip in one call: float in, float out, but
only the values the codes can represent survive. A quantised layer applies
it to its input to simulate int8 activations; the arithmetic stays float32
because NumPy has no fast int8 matrix product.

Cost: a few passes over x (divide, round, clip, cast); dequantize one cast
and one multiply (plus a subtraction when the zero point is not 0).
"""

from __future__ import annotations

from typing import Any

import numpy as np
from tinytorch.tensor import Tensor

from .calibrate import as_array
from .qparams import QuantizationError, QuantParams


def quantize(x: Any, params: QuantParams) -> np.ndarray:
    """Integer codes of `x` (a Tensor or array) under `params`: an int8 array of x's shape.

    4-bit codes are int8 too, in [-8, 7]; `pack_int4` stores them two per byte.
    Raises QuantizationError for empty or non-finite input, or a per-channel
    `params` whose channel count does not match x along its axis.
    """
    a = as_array("quantize", x)
    params.check_shape("quantize", a.shape)
    ### BEGIN SOLUTION
    shape = params.broadcast_shape(a.ndim)
    scale = params.scale.reshape(shape).astype(a.dtype)  # (1, C, 1, 1) or ()
    q = np.rint(a / scale)  # the nearest step; ties to even
    if not params.symmetric:
        q += params.zero_point.reshape(shape)
    np.clip(q, params.qmin, params.qmax, out=q)
    return q.astype(np.int8)
    ### END SOLUTION


def dequantize(q: Any, params: QuantParams) -> np.ndarray:
    """The float32 values that the codes `q` stand for: (q - zero_point) * scale."""
    codes = np.asarray(q)
    if codes.dtype.kind not in "iu":
        raise QuantizationError(f"dequantize: codes must be integers, got dtype {codes.dtype}")
    params.check_shape("dequantize", codes.shape)
    ### BEGIN SOLUTION
    shape = params.broadcast_shape(codes.ndim)
    values = codes.astype(np.float32)  # small integers: exact in float32
    if not params.symmetric:
        values -= params.zero_point.reshape(shape).astype(np.float32)
    values *= params.scale.reshape(shape)
    return values
    ### END SOLUTION


def fake_quantize(x: Any, params: QuantParams) -> np.ndarray:
    """`dequantize(quantize(x, params), params)` in one fused pass: x snapped to the grid.

    Unlike `quantize` it does not scan x for NaN or inf first (NaN stays NaN,
    as in a float layer): a quantised layer does this to its input on every call.
    """
    ### BEGIN SOLUTION
    out = centered_codes(x, params)
    out *= params.scale.reshape(params.broadcast_shape(out.ndim)).astype(out.dtype)
    return out
    ### END SOLUTION


def centered_codes(x: Any, params: QuantParams) -> np.ndarray:
    """q - zero_point as floats (x's float dtype): clip(round(x / s), qmin - zp, qmax - zp).

    Since the zero point is an integer, (clip(round(x/s) + zp, qmin, qmax) - zp)
    equals clip(round(x/s), qmin - zp, qmax - zp): three passes over x and
    no integer array. Times the scale it is `fake_quantize`; a quantised layer
    instead folds the scale into its weight, (q s_x) @ W.T = q @ (s_x W).T,
    and saves that last pass over the input.
    """
    a = x.data if isinstance(x, Tensor) else np.asarray(x)
    if a.dtype.kind != "f":
        a = a.astype(np.float32)
    params.check_shape("fake_quantize", a.shape)
    ### BEGIN SOLUTION
    shape = params.broadcast_shape(a.ndim)
    zero_point = params.zero_point.reshape(shape)
    low = (params.qmin - zero_point).astype(a.dtype)  # the codes' range, shifted by zp
    high = (params.qmax - zero_point).astype(a.dtype)
    out = np.divide(a, params.scale.reshape(shape).astype(a.dtype))  # a new array
    np.rint(out, out=out)
    np.clip(out, low, high, out=out)
    return out
    ### END SOLUTION
