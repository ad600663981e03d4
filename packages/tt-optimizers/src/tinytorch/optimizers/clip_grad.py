"""`clip_grad_norm_`: rescale gradients whose overall norm is too large.

One bad batch can produce a huge gradient and throw the weights far away
(exploding gradients, common in recurrent and transformer models). Clipping
treats all gradients as one long vector `G`; if `||G|| > max_norm` it scales
every gradient by `max_norm / ||G||`, keeping the direction and capping the
length. Cost: one pass to measure the norm, one to scale; no copies.
"""

from __future__ import annotations

import math
from collections.abc import Iterable

import numpy as np
from tinytorch.tensor import Tensor


def clip_grad_norm_(
    parameters: Tensor | Iterable[Tensor],
    max_norm: float,
    norm_type: float = 2.0,
    error_if_nonfinite: bool = False,
) -> Tensor:
    """Scale the `.grad` of `parameters` in place so that their joint norm is <= `max_norm`.

    Args:
        parameters: a tensor or an iterable of tensors; those without `.grad` are ignored.
        max_norm: the largest norm allowed (>= 0).
        norm_type: p of the p-norm; `float("inf")` uses the largest absolute value.
        error_if_nonfinite: raise if the norm is nan or inf instead of scaling by it.

    Returns the norm of all gradients *before* clipping, as a 0-d Tensor. The
    scale factor is `max_norm / (norm + 1e-6)`, applied only when below 1
    (a nan or inf norm turns the gradients into nan, as in PyTorch, unless
    `error_if_nonfinite`).
    """
    ### BEGIN SOLUTION
    if isinstance(parameters, Tensor):
        parameters = [parameters]
    if float(max_norm) < 0:
        raise ValueError(f"clip_grad_norm_: max_norm must be >= 0, got {max_norm}")
    norm_type = float(norm_type)
    if not norm_type > 0:
        raise ValueError(f"clip_grad_norm_: norm_type must be > 0 (or inf), got {norm_type}")
    grads = [p.grad if isinstance(p.grad, np.ndarray) else p.grad.data
             for p in parameters if p.grad is not None]
    if not grads:
        return Tensor(np.zeros((), dtype=np.float32))
    dtype = np.result_type(*grads)
    if norm_type == math.inf:  # max |g| without allocating abs(g); nan propagates
        total = float(np.max([np.maximum(g.max(), -g.min()) if g.size else 0.0 for g in grads]))
    elif norm_type == 2.0:  # sqrt(sum g^2) with a dot product: no temporaries
        total = math.sqrt(sum(float(np.dot(g.ravel(), g.ravel())) for g in grads))
    else:
        total = sum(float(np.sum(np.abs(g) ** norm_type)) for g in grads) ** (1.0 / norm_type)
    if error_if_nonfinite and not math.isfinite(total):
        raise RuntimeError(
            f"clip_grad_norm_: the total {norm_type}-norm of the gradients is {total}; "
            "pass error_if_nonfinite=False to scale by it anyway"
        )
    coef = float(max_norm) / (total + 1e-6)
    if not coef >= 1.0:  # also scales by a nan norm, as PyTorch does
        for g in grads:
            g *= coef
    return Tensor(np.asarray(total, dtype=dtype))
    ### END SOLUTION
