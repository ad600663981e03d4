"""Statistics built from primitives: var, std, logsumexp.

None is a primitive: each is a short composite of mean, sub, mul, sum, sqrt,
exp, log and max, so autograd differentiates it exactly through their rules.

- `var` is the two-pass formula sum((x - mean)**2) / (N - correction): it
  costs about 4 passes over the data, and, unlike E[x**2] - E[x]**2, it does
  not lose the digits of a small variance around a large mean.
- `logsumexp` is log(sum(exp(x))) computed stably: with m = max(x),
  log(sum(exp(x - m))) + m never overflows, since every exp(x - m) <= 1.
  The shift m is a constant for autograd (the result does not depend on it),
  so its gradient is exactly softmax(x).
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from . import ops_binary as _binary
from . import ops_reduce as _reduce
from . import ops_unary as _unary
from ._checks import DTypeError, normalize_dims
from .tensor import Tensor


def _float_input(op: str, a: Any) -> Tensor:
    if not isinstance(a, Tensor):
        raise TypeError(f"{op}: expected a Tensor, got {type(a).__name__}")
    if a.data.dtype.kind != "f":
        raise DTypeError(
            f"{op}: needs a floating point tensor, got dtype {a.data.dtype}; "
            f"convert first, e.g. t.float().{op}()"
        )
    return a


def var(input: Tensor, dim: Any = None, *, correction: float = 1, keepdim: bool = False) -> Tensor:
    """Variance over `dim` (all dimensions if None): sum((x - mean)**2) / (N - correction).

    `correction=1` (the default, as in PyTorch) is Bessel's unbiased sample
    variance; `correction=0` is the population variance that BatchNorm and
    LayerNorm use. If N - correction <= 0 the result is inf or nan, as in PyTorch.
    """
    ### BEGIN SOLUTION
    input = _float_input("var", input)
    if isinstance(correction, bool) or not isinstance(correction, (int, float, np.number)):
        raise TypeError(f"var: correction must be a number, got {type(correction).__name__}")
    dims = normalize_dims("var", dim, input.data.ndim)
    shape = input.data.shape
    n = math.prod(shape) if dims is None else math.prod(shape[d] for d in dims)
    centred = input - _reduce.mean(input, dims, keepdim=True)
    total = _reduce.sum(centred * centred, dims, keepdim=bool(keepdim))
    dof = n - correction
    with np.errstate(divide="ignore", invalid="ignore"):  # dof <= 0: inf or nan, silently
        return _binary.div(total, float(dof) if dof > 0 else 0.0)
    ### END SOLUTION


def std(input: Tensor, dim: Any = None, *, correction: float = 1, keepdim: bool = False) -> Tensor:
    """Standard deviation over `dim`: sqrt(var(input, dim, correction=..., keepdim=...))."""
    ### BEGIN SOLUTION
    input = _float_input("std", input)
    return _unary.sqrt(var(input, dim, correction=correction, keepdim=keepdim))
    ### END SOLUTION


def logsumexp(input: Tensor, dim: Any, keepdim: bool = False) -> Tensor:
    """log(sum(exp(input))) over `dim`, without overflow: the log of softmax's denominator.

    Integer inputs are computed in float32. All -inf along `dim` gives -inf;
    a +inf gives +inf (the shift treats infinite maxima as 0, as PyTorch does).
    """
    ### BEGIN SOLUTION
    if not isinstance(input, Tensor):
        raise TypeError(f"logsumexp: expected a Tensor, got {type(input).__name__}")
    if input.data.dtype.kind != "f":
        input = Tensor._wrap(input.data.astype(np.float32))
    dims = normalize_dims("logsumexp", dim, input.data.ndim)
    x = input.data
    if x.size == 0:  # the sum of no terms is 0, its log -inf
        m = np.zeros(np.sum(x, axis=dims, keepdims=True).shape, dtype=x.dtype)
    else:
        m = np.max(x, axis=dims, keepdims=True)  # (reduced dims kept as 1)
        m = np.where(np.isinf(m), 0, m).astype(x.dtype, copy=False)
    shift = Tensor._wrap(m)  # a constant: no gradient flows into it
    total = _reduce.sum(_unary.exp(input - shift), dims, keepdim=bool(keepdim))
    if not keepdim:
        shift = Tensor._wrap(m.reshape(total.data.shape))
    return _unary.log(total) + shift
    ### END SOLUTION
