"""What `batch_norm` and its composite twin check before they compute.

Both take the same arguments, so one function checks them and returns the
facts the computation needs: which dimensions are reduced, how a (C,)
vector broadcasts against the input, and how many values each channel has.
"""

from __future__ import annotations

import math
from typing import Any, NamedTuple

from tinytorch.tensor import ShapeError

from ._checks import check_number, check_vector, float_input, shape_str


class BatchNormSpec(NamedTuple):
    """The layout of one batch-norm call."""

    axes: tuple[int, ...]  # the reduced dimensions: 0 and every dim after the channels
    view: tuple[int, ...]  # (1, C, 1, ...): the shape a (C,) vector broadcasts as
    count: int  # values per channel: N * (product of the dims after C)


def check_batch_size(op: str, shape: tuple[int, ...]) -> None:
    """PyTorch's error for a statistic of one value (its variance is undefined)."""
    if shape[0] * math.prod(shape[2:]) == 1:
        raise ShapeError(
            f"{op}: Expected more than 1 value per channel when training, "
            f"got input size {shape_str(shape)}"
        )


def check_batch_norm(
    op: str,
    input: Any,
    running_mean: Any,
    running_var: Any,
    weight: Any,
    bias: Any,
    training: bool,
    momentum: Any,
    eps: Any,
) -> BatchNormSpec:
    """Check the arguments of a batch-norm call; return its `BatchNormSpec`."""
    x = float_input(op, input)
    if x.ndim < 2:
        raise ShapeError(
            f"{op}: expected an input of shape (N, C) or (N, C, ...), got shape "
            f"{shape_str(x.shape)}"
        )
    check_number(op, "eps", eps, 0.0)
    check_number(op, "momentum", momentum, 0.0, 1.0)
    channels = x.shape[1]
    where = f"one value per channel: the input of shape {shape_str(x.shape)} has {channels}"
    for name, value in (("running_mean", running_mean), ("running_var", running_var),
                        ("weight", weight), ("bias", bias)):
        check_vector(op, name, value, (channels,), x.dtype, where)
    if training:
        check_batch_size(op, x.shape)
    elif running_mean is None or running_var is None:
        raise ValueError(
            f"{op}: running_mean and running_var must be given when training=False "
            "(evaluation normalizes with the running statistics)"
        )
    view = (1, channels) + (1,) * (x.ndim - 2)
    count = x.shape[0] * math.prod(x.shape[2:])
    return BatchNormSpec((0, *range(2, x.ndim)), view, count)
