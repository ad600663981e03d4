"""The named errors of tt-dataloader, and the index checks every dataset shares.

Reading real data goes wrong in a few typical ways, and each gets its own
class so that a caller (or a test) can tell them apart and the message can
say what to do:

- `BadMagicError`: the first bytes are not what the format promises (an HTML
  error page saved as `train-images-idx3-ubyte.gz`, the labels file given
  for the images file);
- `TruncatedFileError`: the header promises more bytes than the file holds
  (an interrupted download or copy);
- `ChecksumError`: a downloaded file's MD5 differs from the official one;
- `DatasetNotFoundError`: a file is missing and cannot be downloaded; the
  message names the file, the folder to put it in and where to get it.

All but the last are `DataFormatError`s, which are `ValueError`s; the last is
a `FileNotFoundError`, so `except OSError` code keeps working.
"""

from __future__ import annotations

import numpy as np


class DataFormatError(ValueError):
    """A data file that is not in the format it claims (the base of the format errors)."""


class BadMagicError(DataFormatError):
    """The file does not start with the magic number (or header) of its format."""


class TruncatedFileError(DataFormatError):
    """The file ends before the data its header promises."""


class ChecksumError(DataFormatError):
    """A downloaded file's checksum differs from the official one; the file was not kept."""


class DatasetNotFoundError(FileNotFoundError):
    """A data file is missing, and downloading it was not asked for or failed."""


def check_index(where: str, index: int, length: int) -> int:
    """One sample index, Python style (-length <= index < length), as a non-negative int.

    PyTorch raises IndexError for an index past the end; so do we, naming the
    dataset and its length, before any data is touched.
    """
    if isinstance(index, bool) or not isinstance(index, (int, np.integer)):
        raise TypeError(f"{where}: index must be an int, got {type(index).__name__}")
    if not -length <= index < length:
        raise IndexError(
            f"{where}: index {int(index)} is out of range for a dataset of {length} samples "
            f"(valid: {-length} to {length - 1})"
        )
    return int(index) % length


def check_indices(where: str, indices: object, length: int) -> np.ndarray:
    """A batch of sample indices as a 1-d int64 array, all in range (negative allowed)."""
    idx = np.asarray(indices)
    if idx.size == 0:
        return np.zeros(0, dtype=np.int64)
    if idx.ndim != 1 or idx.dtype.kind not in "iu":
        raise TypeError(f"{where}: indices must be a 1-d sequence of ints, got {idx.dtype} "
                        f"with shape {idx.shape}")
    lo, hi = int(idx.min()), int(idx.max())
    if lo < -length or hi >= length:
        bad = hi if hi >= length else lo
        raise IndexError(
            f"{where}: index {bad} is out of range for a dataset of {length} samples "
            f"(valid: {-length} to {length - 1})"
        )
    return np.where(idx < 0, idx + length, idx).astype(np.int64, copy=False)
