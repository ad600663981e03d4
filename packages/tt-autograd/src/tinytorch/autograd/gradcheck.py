"""`gradcheck`: test a backward rule against finite differences.

A backward rule is easy to get subtly wrong (a missing transpose, a forgotten
broadcast sum) and the error only shows as a model that trains badly. The
check: for each input x_i that requires a gradient, compare the engine's
gradient with central differences,

    d f / d x_i  ~  (f(x + eps e_i) - f(x - eps e_i)) / (2 eps)

whose error is O(eps**2) plus rounding noise of order 1e-16 / eps, so it only
works in float64 (eps = 1e-6 gives about 1e-10 accuracy).

For an output that is not a scalar, both sides are taken of the scalar
s = sum(out * r) with a fixed random `r` (seeded, so the check is
reproducible): the engine computes d s / d x with one backward pass seeded by
`r`, finite differences perturb each input element once. A wrong rule passes
only if its error is orthogonal to a random `r`, which has probability zero.
Cost: one backward pass plus 2 forward passes per input element, so keep the
inputs small (tens of elements).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
from tinytorch.tensor import Tensor

from .engine import run_backward
from .grad_mode import enable_grad, no_grad


class GradcheckError(RuntimeError):
    """The engine's gradient and the finite-difference gradient disagree."""


def _outputs(result: Any) -> tuple[Tensor, ...]:
    outs = tuple(result) if isinstance(result, (tuple, list)) else (result,)
    for k, o in enumerate(outs):
        if not isinstance(o, Tensor):
            raise TypeError(f"gradcheck: fn must return Tensors, output {k} is {type(o).__name__}")
    return outs


def _projected(fn: Callable[..., Any], args: tuple[Any, ...], weights: list[np.ndarray]) -> float:
    """s = sum_k sum(out_k * r_k): the scalar both gradients are taken of."""
    with no_grad():
        outs = _outputs(fn(*args))
    return float(sum(np.sum(o.data * r) for o, r in zip(outs, weights, strict=True)))


def gradcheck(
    fn: Callable[..., Any],
    inputs: Any,
    eps: float = 1e-6,
    atol: float = 1e-5,
    rtol: float = 1e-3,
    raise_exception: bool = True,
) -> bool:
    """Check the gradients of `fn(*inputs)` against central finite differences.

    fn: returns a Tensor (or a tuple of Tensors) computed from `inputs`.
    inputs: a Tensor or a sequence of arguments; each Tensor with
    `requires_grad=True` is checked and must be float64. Other arguments are
    passed through. The inputs' `.grad` are left as they were.
    Passes when |analytic - numeric| <= atol + rtol * |numeric| everywhere.
    Returns True; on a mismatch raises `GradcheckError` naming the input
    index, the largest difference and both gradients (or returns False when
    `raise_exception=False`).
    """
    ### BEGIN SOLUTION
    args = tuple(inputs) if isinstance(inputs, (tuple, list)) else (inputs,)
    checked = [i for i, a in enumerate(args) if isinstance(a, Tensor) and a.requires_grad]
    for i in checked:
        if args[i].data.dtype != np.float64:
            raise TypeError(
                f"gradcheck: input {i} is {args[i].data.dtype}; finite differences need "
                "float64 (make it with dtype=float64)"
            )
    saved_grads = {i: args[i].grad for i in checked}
    rng = np.random.default_rng(0)
    try:
        for i in checked:
            args[i].grad = None
        with enable_grad():
            outs = _outputs(fn(*args))
        weights = [rng.standard_normal(o.data.shape) for o in outs]
        for k, (o, r) in enumerate(zip(outs, weights, strict=True)):
            if o.requires_grad:
                last = k == len(outs) - 1
                run_backward(o, Tensor._wrap(r.astype(o.data.dtype)), retain_graph=not last)
        analytic = {
            i: np.zeros_like(args[i].data) if args[i].grad is None else args[i].grad.data
            for i in checked
        }
    finally:
        for i in checked:
            args[i].grad = saved_grads[i]

    for i in checked:
        if not (isinstance(args[i].data, np.ndarray) and args[i].data.flags.writeable):
            args[i].data = np.array(args[i].data)  # a writable copy to perturb in place
        x = args[i].data
        numeric = np.zeros_like(x)
        for idx in np.ndindex(x.shape):
            old = x[idx]
            x[idx] = old + eps
            hi = _projected(fn, args, weights)
            x[idx] = old - eps
            lo = _projected(fn, args, weights)
            x[idx] = old
            numeric[idx] = (hi - lo) / (2 * eps)
        ok = np.allclose(analytic[i], numeric, rtol=rtol, atol=atol, equal_nan=True)
        if not ok:
            if not raise_exception:
                return False
            diff = float(np.nanmax(np.abs(analytic[i] - numeric)))
            raise GradcheckError(
                f"gradcheck: gradient of input {i} (shape {x.shape}) differs from finite "
                f"differences: max abs difference {diff:.3g} (atol={atol}, rtol={rtol})\n"
                f"analytic (engine):\n{analytic[i]}\nnumeric (finite differences):\n{numeric}"
            )
    return True
    ### END SOLUTION
