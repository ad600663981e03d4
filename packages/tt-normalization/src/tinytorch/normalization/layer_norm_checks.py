"""What `layer_norm` and its composite twin check before they compute."""

from __future__ import annotations

from typing import Any

import numpy as np
from tinytorch.tensor import ShapeError

from ._checks import check_number, check_vector, float_input, shape_str


def normalized_shape_of(op: str, normalized_shape: Any) -> tuple[int, ...]:
    """`normalized_shape` (an int or a sequence of ints) as a tuple of positive ints."""
    if isinstance(normalized_shape, (int, np.integer)) and not isinstance(normalized_shape, bool):
        dims: tuple[Any, ...] = (normalized_shape,)
    elif isinstance(normalized_shape, (tuple, list)):
        dims = tuple(normalized_shape)
    else:
        raise TypeError(
            f"{op}: normalized_shape must be an int or a tuple of ints, got {normalized_shape!r}"
        )
    if not dims or not all(
        isinstance(d, (int, np.integer)) and not isinstance(d, bool) and d > 0 for d in dims
    ):
        raise ValueError(
            f"{op}: normalized_shape must be one or more positive ints, got {normalized_shape!r}"
        )
    return tuple(int(d) for d in dims)


def check_layer_norm(
    op: str, input: Any, normalized_shape: Any, weight: Any, bias: Any, eps: Any
) -> tuple[int, ...]:
    """Check the arguments of a layer-norm call; return the normalized shape as a tuple."""
    x = float_input(op, input)
    shape = normalized_shape_of(op, normalized_shape)
    if x.ndim < len(shape) or x.shape[x.ndim - len(shape):] != shape:
        raise ShapeError(
            f"{op}: given normalized_shape={shape_str(shape)}, expected an input of shape "
            f"(*, {', '.join(map(str, shape))}), but got input of shape {shape_str(x.shape)}"
        )
    check_number(op, "eps", eps, 0.0)
    where = f"normalized_shape={shape_str(shape)}"
    check_vector(op, "weight", weight, shape, x.dtype, where)
    check_vector(op, "bias", bias, shape, x.dtype, where)
    return shape
