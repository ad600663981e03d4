"""BatchNorm1d and BatchNorm2d: batch normalization layers with running statistics."""

from __future__ import annotations

from typing import Any

import numpy as np
from tinytorch.autograd import no_grad
from tinytorch.layers import Module, Parameter
from tinytorch.tensor import ShapeError, Tensor

from ._checks import check_number, float_input, shape_str
from .batch_norm import batch_norm
from .batch_norm_checks import check_batch_size


class _BatchNorm(Module):
    """What BatchNorm1d and BatchNorm2d share; they differ only in the input dims they accept.

    Parameters (with `affine=True`): `weight` (C,) initialised to 1 and
    `bias` (C,) to 0, so a fresh layer only standardizes. Buffers (with
    `track_running_stats=True`, saved by `state_dict`): `running_mean` (C,)
    from 0, `running_var` (C,) from 1, and `num_batches_tracked`, a 0-d
    int64 count of the training batches seen.

    Training mode normalizes with the batch's statistics and updates the
    running ones (`momentum`, or the cumulative average of all batches
    when `momentum=None`); evaluation mode normalizes with the running
    statistics, so a prediction does not depend on the rest of its batch.
    Without running statistics both modes use the batch's.

    Cost: 4 * C values of state (2 * C learned); see `batch_norm` for the
    passes over the input.
    """

    _dims: tuple[int, ...] = ()  # the input dims a subclass accepts
    _layout: str = ""  # how they read, for the error message

    def __init__(
        self,
        num_features: int,
        eps: float = 1e-5,
        momentum: float | None = 0.1,
        affine: bool = True,
        track_running_stats: bool = True,
        dtype: np.dtype | type | str | None = None,
    ) -> None:
        super().__init__()
        name = type(self).__name__
        if (isinstance(num_features, bool) or not isinstance(num_features, (int, np.integer))
                or num_features <= 0):
            raise ValueError(f"{name}: num_features must be a positive int, got {num_features!r}")
        check_number(name, "eps", eps, 0.0)
        if momentum is not None:
            check_number(name, "momentum", momentum, 0.0, 1.0)
        dt = np.dtype(np.float32 if dtype is None else dtype)
        if dt.kind != "f":
            raise TypeError(f"{name}: dtype must be a floating-point type, got {dt}")
        self.num_features = int(num_features)
        self.eps = eps
        self.momentum = momentum
        self.affine = bool(affine)
        self.track_running_stats = bool(track_running_stats)
        ### BEGIN SOLUTION
        channels = self.num_features
        if self.affine:
            self.weight = Parameter(np.ones(channels, dtype=dt))
            self.bias = Parameter(np.zeros(channels, dtype=dt))
        else:
            self.register_parameter("weight", None)
            self.register_parameter("bias", None)
        if self.track_running_stats:
            self.register_buffer("running_mean", Tensor(np.zeros(channels, dtype=dt)))
            self.register_buffer("running_var", Tensor(np.ones(channels, dtype=dt)))
            self.register_buffer("num_batches_tracked", Tensor(np.array(0, dtype=np.int64)))
        else:
            self.register_buffer("running_mean", None)
            self.register_buffer("running_var", None)
            self.register_buffer("num_batches_tracked", None)
        ### END SOLUTION

    def reset_running_stats(self) -> None:
        """Forget the running statistics: mean 0, variance 1, no batches tracked."""
        if self.track_running_stats:
            with no_grad():
                self.running_mean.zero_()
                self.running_var.fill_(1.0)
                self.num_batches_tracked.zero_()

    def _check_input(self, input: Any) -> None:
        """The dims and the channel count, named with both counts."""
        label = f"{type(self).__name__}(num_features={self.num_features})"
        x = float_input(label, input)
        if x.ndim not in self._dims:
            raise ShapeError(
                f"{label}: expected {self._layout} input, got {x.ndim}D input of shape "
                f"{shape_str(x.shape)}"
            )
        if x.shape[1] != self.num_features:
            raise ShapeError(
                f"{label}: input of shape {shape_str(x.shape)} has {x.shape[1]} channels "
                f"(dim 1), expected num_features={self.num_features}"
            )
        if self.training:
            check_batch_size(label, x.shape)

    def forward(self, input: Tensor) -> Tensor:
        """Normalize `input` per channel; in training, also update the running statistics."""
        self._check_input(input)
        ### BEGIN SOLUTION
        factor = 0.0 if self.momentum is None else self.momentum
        if self.training and self.track_running_stats:
            with no_grad():
                self.num_batches_tracked.add_(1)
            if self.momentum is None:  # the cumulative average of every batch so far
                factor = 1.0 / float(self.num_batches_tracked.item())
        # Evaluation without running statistics normalizes by the batch too.
        use_batch = self.training or (self.running_mean is None and self.running_var is None)
        update = not self.training or self.track_running_stats
        return batch_norm(
            input,
            self.running_mean if update else None,
            self.running_var if update else None,
            self.weight,
            self.bias,
            use_batch,
            factor,
            self.eps,
        )
        ### END SOLUTION

    def extra_repr(self) -> str:
        return (
            f"{self.num_features}, eps={self.eps}, momentum={self.momentum}, "
            f"affine={self.affine}, track_running_stats={self.track_running_stats}"
        )


class BatchNorm1d(_BatchNorm):
    """Batch normalization of (N, C) features or (N, C, L) sequences, per channel C.

    As `torch.nn.BatchNorm1d(num_features, eps=1e-5, momentum=0.1,
    affine=True, track_running_stats=True)`; statistics over N (and L).
    Placed after a Linear layer and before its activation in an MLP.
    """

    _dims = (2, 3)
    _layout = "2D (N, C) or 3D (N, C, L)"


class BatchNorm2d(_BatchNorm):
    """Batch normalization of image batches (N, C, H, W), per channel C.

    As `torch.nn.BatchNorm2d(num_features, eps=1e-5, momentum=0.1,
    affine=True, track_running_stats=True)`; statistics over N, H and W,
    so every pixel of a channel shares one scale and shift (a convolution's
    filter sees the same normalization everywhere). Placed between a Conv2d
    and its ReLU; the conv's bias is then redundant (the mean removes it).
    """

    _dims = (4,)
    _layout = "4D (N, C, H, W)"
