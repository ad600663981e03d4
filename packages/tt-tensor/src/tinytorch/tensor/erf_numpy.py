"""The error function on NumPy arrays: NumPy has none, so we build it.

    erf(x) = 2/sqrt(pi) * integral from 0 to x of exp(-t**2) dt

It is what the exact GELU activation needs (`x * (1 + erf(x / sqrt(2))) / 2`).
Two classic expansions cover the real line, each where it converges fast:

- |x| < 2: the Maclaurin series, from integrating exp(-t**2) term by term,

      erf(x) = 2/sqrt(pi) * sum_k (-1)**k x**(2k+1) / (k! (2k+1)),

  a polynomial in x**2 evaluated by Horner's rule. 30 terms make the
  truncation error below 1e-16 at |x| = 2; the alternating terms are at
  most about 3 in size there, so rounding costs under one digit.
- |x| >= 2: erf(x) = 1 - erfc(x), with Laplace's continued fraction

      erfc(x) = exp(-x**2)/sqrt(pi) / (x + (1/2)/(x + 1/(x + (3/2)/(x + ...)))),

  evaluated from the inside out with 40 levels (it converges faster the
  larger x is). Beyond |x| = 6, erfc is below 1e-17 and erf is +-1 in float64.

Accuracy (measured against `math.erf` on a dense grid in [-6, 6] and in the
tests): relative error below 1e-15 (a few ulp) in float64; float32 results
match the correctly rounded value. Cost: about 60 array passes (Horner:
multiply and add per term) in float64, so erf is roughly 30x the cost of
`np.exp` on the same array; float32 inputs are computed in float64 and
rounded back.
"""

from __future__ import annotations

import math

import numpy as np

_SPLIT = 2.0  # series below, continued fraction above
_SERIES_TERMS = 30
_CF_LEVELS = 40

# Series coefficients c_k = 2/sqrt(pi) * (-1)**k / (k! (2k+1)), k = 0..29.
_COEFFS = tuple(
    2.0 / math.sqrt(math.pi) * (-1) ** k / (math.factorial(k) * (2 * k + 1))
    for k in range(_SERIES_TERMS)
)


def _erf_series(x: np.ndarray) -> np.ndarray:
    """erf for |x| < 2 (float64): Horner's rule on the Maclaurin series."""
    ### BEGIN SOLUTION
    t = x * x
    p = np.full_like(x, _COEFFS[-1])
    for c in _COEFFS[-2::-1]:
        p *= t
        p += c
    return p * x
    ### END SOLUTION


def _erfc_fraction(ax: np.ndarray) -> np.ndarray:
    """erfc for ax >= 2 (float64): the continued fraction, innermost level first."""
    ### BEGIN SOLUTION
    ax = np.minimum(ax, 10.0)  # erfc(10) ~ 2e-45: avoids overflow in ax**2
    f = ax.copy()
    for k in range(_CF_LEVELS, 0, -1):
        f = ax + (0.5 * k) / f
    return np.exp(-ax * ax) / (math.sqrt(math.pi) * f)
    ### END SOLUTION


def erf_forward(x: np.ndarray) -> np.ndarray:
    """Elementwise erf of a floating point array, in its dtype (NaN stays NaN)."""
    ### BEGIN SOLUTION
    x64 = x.astype(np.float64, copy=False)
    out = np.empty_like(x64)
    ax = np.abs(x64)
    small = ax < _SPLIT  # NaN is not small: the fraction propagates it
    out[small] = _erf_series(x64[small])
    large = ~small
    out[large] = np.copysign(1.0 - _erfc_fraction(ax[large]), x64[large])
    return out.astype(x.dtype, copy=False)
    ### END SOLUTION
