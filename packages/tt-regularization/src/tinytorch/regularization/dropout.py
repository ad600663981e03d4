"""dropout and dropout2d: inverted dropout as one primitive that keeps only its mask.

Dropout (Srivastava, Hinton et al., 2014) zeroes each activation with
probability p while training, so no unit can rely on a particular other
unit being there: the network learns redundant features and overfits less.
Inverted dropout scales the survivors by 1 / (1 - p) while training, so the
expected value of every activation is unchanged and evaluation is just the
identity (no rescaling at test time).

The mask is drawn from tinytorch's shared generator (`manual_seed` fixes
it) and reused by backward: d out / d x is the same mask times the same
scale, so the dropped units get no gradient. As a graph this is a `mul` by
a constant mask; written as a `Function` it saves only the boolean mask
(1 byte per element), where `mul` would keep both float operands.

`dropout2d` drops whole channels of (N, C, H, W) images (one draw per
(n, c)): neighbouring pixels of a feature map are strongly correlated, so
zeroing single pixels hardly regularizes a convolutional network.

Cost: one random draw per element (or per channel), one pass forward and
one backward.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from tinytorch.autograd import Function, FunctionCtx
from tinytorch.tensor import DTypeError, ShapeError, Tensor, default_generator


def check_p(op: str, p: Any) -> float:
    """`p` as a float in [0, 1], with PyTorch's message otherwise."""
    if isinstance(p, bool) or not isinstance(p, (int, float, np.integer, np.floating)):
        raise TypeError(f"{op}: p must be a number, got {p!r}")
    if not 0.0 <= float(p) <= 1.0:
        raise ValueError(f"{op}: dropout probability has to be between 0 and 1, but got {p}")
    return float(p)


def _float_input(op: str, input: Any) -> np.ndarray:
    if not isinstance(input, Tensor):
        raise TypeError(f"{op}: expected a Tensor input, got {type(input).__name__}")
    if input.data.dtype.kind != "f":
        raise DTypeError(f"{op}: needs a floating point input, got dtype {input.data.dtype}")
    return input.data


class _MaskFunction(Function):
    """x -> x * keep * scale, with the boolean `keep` broadcasting against x."""

    @staticmethod
    def forward(ctx: FunctionCtx, x: np.ndarray, *, keep: np.ndarray, scale: float) -> np.ndarray:
        ### BEGIN SOLUTION
        ctx.save_for_backward(keep)
        ctx.scale = scale
        return x * (keep * np.asarray(scale, dtype=x.dtype))
        ### END SOLUTION

    @staticmethod
    def backward(ctx: FunctionCtx, grad: np.ndarray) -> np.ndarray:
        ### BEGIN SOLUTION
        (keep,) = ctx.saved_tensors  # the forward's mask: the same units are dropped
        return grad * (keep * np.asarray(ctx.scale, dtype=grad.dtype))
        ### END SOLUTION


def _drop(input: Tensor, p: float, training: bool, mask_shape: tuple[int, ...]) -> Tensor:
    """Inverted dropout with one Bernoulli(1 - p) draw per entry of `mask_shape`."""
    ### BEGIN SOLUTION
    if not training or p == 0.0 or input.data.size == 0:
        return input  # the identity, as PyTorch (the same tensor)
    if p == 1.0:  # everything dropped; 1 / (1 - p) would be inf
        return _MaskFunction.apply(input, keep=np.zeros(mask_shape, dtype=bool), scale=0.0)
    keep = default_generator().random(mask_shape, dtype=np.float32) >= p  # P(keep) = 1 - p
    return _MaskFunction.apply(input, keep=keep, scale=1.0 / (1.0 - p))
    ### END SOLUTION


def dropout(input: Tensor, p: float = 0.5, training: bool = True) -> Tensor:
    """Zero each element with probability `p` and scale the rest by 1 / (1 - p), if training.

    As `torch.nn.functional.dropout` (no `inplace`): the identity when
    `training=False` or `p=0` (the input itself is returned), all zeros for
    `p=1`. The mask comes from `tinytorch.tensor.default_generator()`.
    """
    p = check_p("dropout", p)
    _float_input("dropout", input)
    return _drop(input, p, training, input.data.shape)


def dropout2d(input: Tensor, p: float = 0.5, training: bool = True) -> Tensor:
    """Zero whole channels: each (n, c) of (N, C, H, W) with probability `p`, if training.

    As `torch.nn.functional.dropout2d`; a 3-D input is read as (N, C, L),
    as PyTorch does (it warns), and one draw is made per (n, c).
    """
    p = check_p("dropout2d", p)
    x = _float_input("dropout2d", input)
    if x.ndim not in (3, 4):
        raise ShapeError(
            f"dropout2d: expected a 4D (N, C, H, W) or 3D (N, C, L) input, got shape "
            f"{tuple(x.shape)}; use dropout for element-wise dropout"
        )
    return _drop(input, p, training, x.shape[:2] + (1,) * (x.ndim - 2))
