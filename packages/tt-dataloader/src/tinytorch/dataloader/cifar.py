"""CIFAR10 from the official binary batches (`cifar-10-binary.tar.gz`), never pickle.

CIFAR-10 (Krizhevsky, 2009) has 60000 colour images, 32 x 32, of 10
classes. Its "binary version" stores each image as a 3073-byte record: one
label byte (0-9), then 1024 red, 1024 green and 1024 blue bytes, row by
row. Five training batches of 10000 records (`data_batch_1.bin` ..
`data_batch_5.bin`) and one test batch (`test_batch.bin`) sit in the folder
`cifar-10-batches-bin/` of the archive. (The better-known "python version"
is pickled, and unpickling a downloaded file can run arbitrary code.)

The reader uses the extracted folder `root/cifar-10-batches-bin/` when it
holds the needed batches, else reads them straight out of
`root/cifar-10-binary.tar.gz` in one pass without extracting anything to
disk. No magic number here: a file that is not a whole number of records,
or a label byte above 9, is a named error.
"""

from __future__ import annotations

import os
import tarfile
from pathlib import Path
from typing import ClassVar

import numpy as np

from .download import data_dir, locate
from .errors import DataFormatError, TruncatedFileError
from .vision import ImageDataset

RECORD = 1 + 3 * 32 * 32


def parse_cifar_batch(buf: bytes, where: str) -> tuple[np.ndarray, np.ndarray]:
    """The records of one binary batch: images (N, 3, 32, 32) uint8 and labels (N,) int64."""
    ### BEGIN SOLUTION
    n, extra = divmod(len(buf), RECORD)
    if extra or n == 0:
        raise TruncatedFileError(f"{where}: {len(buf)} bytes is not a whole, non-zero number of "
                                 f"{RECORD}-byte records (1 label byte + 3 x 32 x 32 pixels): "
                                 "the file is truncated or not a CIFAR-10 binary batch")
    records = np.frombuffer(buf, dtype=np.uint8).reshape(n, RECORD)
    labels = records[:, 0].astype(np.int64)
    if labels.max() > 9:
        bad = int(np.argmax(labels > 9))
        raise DataFormatError(f"{where}: record {bad} has label byte {labels[bad]}, not a class "
                              "0-9: not a CIFAR-10 binary batch")
    return records[:, 1:].reshape(n, 3, 32, 32), labels
    ### END SOLUTION


def read_tar_members(archive: Path, folder: str, names: list[str]) -> dict[str, bytes]:
    """The bytes of `folder/name` for each name, read from a .tar.gz in one pass."""
    ### BEGIN SOLUTION
    wanted = {f"{folder}/{name}": name for name in names}
    found: dict[str, bytes] = {}
    where = f"CIFAR10: {archive}"
    try:
        with tarfile.open(archive, "r:gz") as tar:
            for member in tar:  # sequential: a gzip stream is read once
                name = wanted.get(member.name.removeprefix("./"))
                if name is not None and member.isfile():
                    found[name] = tar.extractfile(member).read()
    except (EOFError, tarfile.ReadError) as exc:
        if isinstance(exc, EOFError) or "unexpected end" in str(exc):
            raise TruncatedFileError(f"{where}: the archive ends early ({exc}); it is truncated, "
                                     "download or copy it again") from exc
        raise DataFormatError(f"{where}: not a gzipped tar archive ({exc})") from exc
    missing = [f"{folder}/{n}" for n in names if n not in found]
    if missing:
        raise DataFormatError(f"{where}: the archive has no {', '.join(missing)}")
    return found
    ### END SOLUTION


class CIFAR10(ImageDataset):
    """CIFAR-10: 50000 training and 10000 test images, `.data` (N, 32, 32, 3) uint8.

    `.data` is channels last, as torchvision's, so `ToTensor()` makes the
    (N, 3, 32, 32) float batches; `.targets` is (N,) int64.
    """

    # Official archive and MD5: https://www.cs.toronto.edu/~kriz/cifar.html
    # ("CIFAR-10 binary version (suitable for C programs)", 162 MB).
    mirrors: ClassVar[list[str]] = ["https://www.cs.toronto.edu/~kriz/"]
    archive = "cifar-10-binary.tar.gz"
    md5 = "c32a1d4ab5d03f1284b67883e8d87530"
    base_folder = "cifar-10-batches-bin"
    train_list: ClassVar[list[str]] = [f"data_batch_{i}.bin" for i in range(1, 6)]
    test_list: ClassVar[list[str]] = ["test_batch.bin"]
    classes: ClassVar[list[str]] = ["airplane", "automobile", "bird", "cat", "deer", "dog",
                                    "frog", "horse", "ship", "truck"]
    folder = "cifar-10"  # under data_dir()

    def __init__(self, root: str | os.PathLike | None = None, train: bool = True,
                 download: bool = False) -> None:
        ### BEGIN SOLUTION
        self.root = data_dir() / self.folder if root is None else Path(root)
        self.train = train
        names = self.train_list if train else self.test_list
        extracted = self.root / self.base_folder
        if all((extracted / n).is_file() for n in names):
            blobs = {n: (extracted / n).read_bytes() for n in names}
            where = {n: f"CIFAR10: {extracted / n}" for n in names}
        else:
            hint = (f" Or extract it there, so that {extracted}/ holds "
                    f"{', '.join(names)}.")
            path = locate("CIFAR10", self.root, self.archive, self.md5, self.mirrors, download,
                          hint=hint)
            blobs = read_tar_members(path, self.base_folder, names)
            where = {n: f"CIFAR10: {path}:{self.base_folder}/{n}" for n in names}
        parts = [parse_cifar_batch(blobs[n], where[n]) for n in names]
        images = np.concatenate([p[0] for p in parts])  # (N, 3, 32, 32)
        labels = np.concatenate([p[1] for p in parts])
        super().__init__(np.ascontiguousarray(images.transpose(0, 2, 3, 1)), labels)
        ### END SOLUTION
