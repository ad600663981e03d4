"""load_npz: the small image sets shipped with the course, read without pickle.

The course keeps small real sets in the repository (`digits.npz`,
`mnist4k.npz`) as NumPy `.npz` files with two arrays, `images` (N, H, W)
uint8 and `labels` (N,). `np.load(..., allow_pickle=False)` can only ever
return numbers: an `.npz` holding pickled objects is refused, not run.
"""

from __future__ import annotations

import os
import zipfile

import numpy as np

from .errors import DataFormatError


def load_npz(path: str | os.PathLike) -> tuple[np.ndarray, np.ndarray]:
    """(images, labels) of an npz set: images as stored (uint8), labels int64.

    Wrap them for a loader with `TensorDataset(images, labels)` and convert
    the images per batch with `ToTensor()`.
    """
    ### BEGIN SOLUTION
    where = f"load_npz: {os.fspath(path)}"
    try:
        npz = np.load(path, allow_pickle=False)
        if not isinstance(npz, np.lib.npyio.NpzFile):
            raise DataFormatError(f"{where}: a single .npy array, not an .npz archive")
        with npz:
            missing = [k for k in ("images", "labels") if k not in npz.files]
            if missing:
                raise DataFormatError(f"{where}: no array {missing} (it has {npz.files}); "
                                      "expected 'images' and 'labels'")
            images, labels = npz["images"], npz["labels"]
    except (zipfile.BadZipFile, EOFError) as exc:
        raise DataFormatError(f"{where}: not a readable .npz file ({exc})") from exc
    except ValueError as exc:
        if isinstance(exc, DataFormatError):
            raise
        raise DataFormatError(f"{where}: cannot be read without pickle ({exc})") from exc
    if labels.ndim != 1 or len(labels) != len(images) or labels.dtype.kind not in "iu":
        raise DataFormatError(f"{where}: labels of shape {labels.shape} and dtype "
                              f"{labels.dtype} do not fit images of shape {images.shape}")
    return images, labels.astype(np.int64)
    ### END SOLUTION
