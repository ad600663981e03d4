"""Batch transforms: Compose, ToTensor, Normalize.

torchvision transforms one image at a time, inside the dataset, and pays a
Python call per image (plus PIL). Here a transform takes a whole batch, an
array (N, C, H, W), and does its work in a few NumPy operations over all N
images at once: for 60000 MNIST images in batches of 64 that is 938 calls
per epoch instead of 60000.

Transforms accept a Tensor or a NumPy array and return the same kind
(`ToTensor` always returns a Tensor). They are data preparation, not part of
the model: no gradient flows through them.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import numpy as np
from tinytorch.tensor import DTypeError, ShapeError, Tensor


def unwrap(x: Any) -> tuple[np.ndarray, bool]:
    """(the NumPy array of x, whether x was a Tensor)."""
    return (x.data, True) if isinstance(x, Tensor) else (np.asarray(x), False)


def rewrap(array: np.ndarray, was_tensor: bool) -> Any:
    """Give back the same kind of object the transform received."""
    return Tensor(array) if was_tensor else array


def check_nchw(where: str, array: np.ndarray) -> None:
    """Batch transforms after ToTensor take (N, C, H, W) floating-point batches."""
    if array.ndim != 4:
        raise ShapeError(f"{where}: expected a batch of shape (N, C, H, W), got shape "
                         f"{tuple(array.shape)} (apply ToTensor first)")


class Compose:
    """Apply transforms in order: `Compose([ToTensor(), Normalize((0.1307,), (0.3081,))])`."""

    def __init__(self, transforms: Sequence[Callable[[Any], Any]]) -> None:
        self.transforms = list(transforms)

    def __call__(self, batch: Any) -> Any:
        ### BEGIN SOLUTION
        for transform in self.transforms:
            batch = transform(batch)
        return batch
        ### END SOLUTION

    def __repr__(self) -> str:
        inner = "".join(f"\n    {t!r}," for t in self.transforms)
        return f"Compose([{inner}\n])"


class ToTensor:
    """uint8 images (N, H, W) or (N, H, W, C) -> a float32 Tensor (N, C, H, W) in [0, 1].

    Image files store pixels as bytes 0..255, channels last (height, width,
    RGB); networks want floats near [0, 1] and PyTorch's channels-first
    layout. Cost: one pass that converts, scales and copies the batch into
    the new layout (4 bytes per pixel out for 1 in). A floating-point input
    is rearranged but not scaled, as in torchvision.
    """

    def __call__(self, images: Any) -> Tensor:
        ### BEGIN SOLUTION
        array, _ = unwrap(images)
        if array.dtype.kind not in "uf":
            raise DTypeError(f"ToTensor: expected uint8 (or float) images, got {array.dtype}")
        if array.ndim == 3:  # (N, H, W) -> (N, 1, H, W)
            array = array[:, None]
        elif array.ndim == 4:
            if array.shape[-1] not in (1, 3, 4):
                raise ShapeError(f"ToTensor: expected channels last, (N, H, W, C) with C in "
                                 f"1, 3 or 4, got shape {tuple(array.shape)}; "
                                 "an (N, C, H, W) batch needs no ToTensor")
            array = array.transpose(0, 3, 1, 2)  # (N, H, W, C) -> (N, C, H, W)
        else:
            raise ShapeError(f"ToTensor: expected a batch (N, H, W) or (N, H, W, C), got shape "
                             f"{tuple(array.shape)}")
        out = np.empty(array.shape, dtype=np.float32 if array.dtype.kind == "u"
                       else array.dtype)
        if array.dtype.kind == "u":
            np.multiply(array, np.float32(1 / 255), out=out, dtype=np.float32)
        else:
            out[...] = array
        return Tensor(out)
        ### END SOLUTION

    def __repr__(self) -> str:
        return "ToTensor()"


class Normalize:
    """Per channel, `(x - mean[c]) / std[c]`, on a (N, C, H, W) batch.

    Centred inputs of unit scale keep the first layer's pre-activations in
    the range its init assumed, so training starts well (MNIST: mean 0.1307,
    std 0.3081). Cost: one pass over the batch, one new array.
    """

    def __init__(self, mean: Sequence[float] | float, std: Sequence[float] | float) -> None:
        ### BEGIN SOLUTION
        self.mean = np.atleast_1d(np.asarray(mean, dtype=np.float64))
        self.std = np.atleast_1d(np.asarray(std, dtype=np.float64))
        if self.mean.ndim != 1 or self.std.ndim != 1 or len(self.mean) != len(self.std):
            raise ShapeError(f"Normalize: mean and std must be sequences of equal length, "
                             f"got {len(self.mean)} means and {len(self.std)} stds")
        if np.any(self.std == 0):
            raise ValueError(f"Normalize: std evaluated to zero ({self.std.tolist()}), "
                             "leading to division by zero")
        ### END SOLUTION

    def __call__(self, batch: Any) -> Any:
        ### BEGIN SOLUTION
        array, was_tensor = unwrap(batch)
        check_nchw("Normalize", array)
        if array.dtype.kind != "f":
            raise DTypeError(f"Normalize: expected a floating-point batch, got {array.dtype} "
                             "(apply ToTensor first)")
        c = array.shape[1]
        if len(self.mean) not in (1, c):
            raise ShapeError(f"Normalize: {len(self.mean)} means and stds for a batch with "
                             f"{c} channels, shape {tuple(array.shape)}")
        mean = self.mean.astype(array.dtype).reshape(1, -1, 1, 1)
        scale = (1.0 / self.std).astype(array.dtype).reshape(1, -1, 1, 1)
        out = np.subtract(array, mean)
        out *= scale
        return rewrap(out, was_tensor)
        ### END SOLUTION

    def __repr__(self) -> str:
        return f"Normalize(mean={self.mean.tolist()}, std={self.std.tolist()})"
