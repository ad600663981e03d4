"""Writers of small files in the real formats (IDX, CIFAR-10 binary batches, .tar.gz).

The tests never need the real data sets or a network: they write a few
images in exactly the official layouts into a temporary folder and read
them back through the public API.
"""

from __future__ import annotations

import gzip
import hashlib
import io
import tarfile
from pathlib import Path

import numpy as np
import pytest

IDX_CODES = {np.dtype(np.uint8): 0x08, np.dtype(np.int8): 0x09, np.dtype(np.int16): 0x0B,
             np.dtype(np.int32): 0x0C, np.dtype(np.float32): 0x0D, np.dtype(np.float64): 0x0E}


def idx_bytes(array: np.ndarray) -> bytes:
    """The IDX encoding of an array: magic (0, 0, type, ndim), big-endian dims, big-endian data."""
    code = IDX_CODES[array.dtype]
    header = bytes([0, 0, code, array.ndim]) + b"".join(
        int(d).to_bytes(4, "big") for d in array.shape)
    return header + array.astype(array.dtype.newbyteorder(">")).tobytes()


def write_idx(path: Path, array: np.ndarray, gz: bool = True) -> Path:
    data = idx_bytes(array)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(gzip.compress(data) if gz else data)
    return path


def cifar_bytes(images: np.ndarray, labels: np.ndarray) -> bytes:
    """CIFAR-10 binary records: 1 label byte, then 3 x 32 x 32 pixel bytes (R, G, B planes)."""
    n = len(labels)
    records = np.concatenate([labels.astype(np.uint8)[:, None], images.reshape(n, -1)], axis=1)
    return records.astype(np.uint8).tobytes()


def write_tar_gz(path: Path, members: dict[str, bytes]) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    with tarfile.open(path, "w:gz") as tar:
        for name, data in members.items():
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
    return path


def md5(path: Path) -> str:
    return hashlib.md5(path.read_bytes()).hexdigest()


@pytest.fixture
def fake_mnist():
    """Write MNIST-style files into a folder; return (images, labels) per split."""

    def make(root: Path, n_train: int = 12, n_test: int = 5, gz: bool = True,
             layout: str = "") -> dict[str, tuple[np.ndarray, np.ndarray]]:
        rng = np.random.default_rng(7)
        out = {}
        for split, n in (("train", n_train), ("t10k", n_test)):
            images = rng.integers(0, 256, (n, 28, 28), dtype=np.uint8)
            labels = rng.integers(0, 10, n).astype(np.uint8)
            suffix = ".gz" if gz else ""
            folder = root / layout if layout else root
            write_idx(folder / f"{split}-images-idx3-ubyte{suffix}", images, gz)
            write_idx(folder / f"{split}-labels-idx1-ubyte{suffix}", labels, gz)
            out[split] = (images, labels)
        return out

    return make


@pytest.fixture
def fake_cifar():
    """CIFAR-10 batches: {member name: (images (n, 3, 32, 32), labels, bytes)}."""

    def make(sizes: tuple[int, ...] = (3, 2, 4, 1, 2, 3)) -> dict[str, tuple]:
        rng = np.random.default_rng(3)
        names = [f"data_batch_{i}.bin" for i in range(1, 6)] + ["test_batch.bin"]
        out = {}
        for name, n in zip(names, sizes, strict=True):
            images = rng.integers(0, 256, (n, 3, 32, 32), dtype=np.uint8)
            labels = rng.integers(0, 10, n)
            out[name] = (images, labels, cifar_bytes(images, labels))
        return out

    return make


@pytest.fixture
def formats():
    """The writers above, for tests that build their own files."""
    from types import SimpleNamespace

    return SimpleNamespace(idx_bytes=idx_bytes, write_idx=write_idx, cifar_bytes=cifar_bytes,
                           write_tar_gz=write_tar_gz, md5=md5)
