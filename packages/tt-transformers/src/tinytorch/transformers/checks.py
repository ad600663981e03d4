"""The check every part of a block makes first: a float (B, T, C) input of the right width."""

from __future__ import annotations

from typing import Any

from tinytorch.tensor import DTypeError, ShapeError, Tensor


def check_sequence(op: str, x: Any, n_embd: int) -> None:
    """A floating-point Tensor of shape (B, T, n_embd), or an error naming `op` and the shape."""
    if not isinstance(x, Tensor):
        raise TypeError(f"{op}: expected a Tensor, got {type(x).__name__}")
    if x.data.dtype.kind != "f":
        raise DTypeError(f"{op}: input must be floating point, got dtype {x.data.dtype}")
    if x.ndim != 3 or x.shape[2] != n_embd:
        raise ShapeError(
            f"{op}: input must have shape (B, T, {n_embd}) (batch, time, n_embd), "
            f"got {tuple(x.shape)}"
        )
