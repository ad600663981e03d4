"""MNIST and Fashion-MNIST from their official IDX files.

Both ship as four gzipped IDX files with torchvision's names
(`train-images-idx3-ubyte.gz`, `train-labels-idx1-ubyte.gz`,
`t10k-images-idx3-ubyte.gz`, `t10k-labels-idx1-ubyte.gz`). The reader looks
in `root` (default: `<cache>/mnist` or `<cache>/fashion-mnist`, see
`data_dir`) for each file gzipped or raw, and also in torchvision's layout
`root/MNIST/raw/` (or `FashionMNIST/raw/`), so an existing torchvision
download is reused. With `download=True` a missing file is fetched from the
official mirrors and kept only if its MD5 is the official one.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import ClassVar

import numpy as np

from .download import data_dir, locate
from .errors import DataFormatError
from .idx import read_idx
from .vision import ImageDataset

IMAGES_MAGIC = 2051  # 0x00000803: uint8, 3 dimensions
LABELS_MAGIC = 2049  # 0x00000801: uint8, 1 dimension


class MNIST(ImageDataset):
    """The MNIST handwritten digits: 60000 training and 10000 test images, 28 x 28, uint8.

    `.data` is (N, 28, 28) uint8, `.targets` (N,) int64. Use with
    `DataLoader(..., transform=Compose([ToTensor(), Normalize((0.1307,), (0.3081,))]))`.
    """

    # Official files and MD5s: torchvision.datasets.MNIST (torchvision/datasets/mnist.py,
    # `mirrors` and `resources`); the originals are from http://yann.lecun.com/exdb/mnist/.
    mirrors: ClassVar[list[str]] = [
        "https://ossci-datasets.s3.amazonaws.com/mnist/",
        "http://yann.lecun.com/exdb/mnist/",
    ]
    resources: ClassVar[list[tuple[str, str]]] = [
        ("train-images-idx3-ubyte.gz", "f68b3c2dcbeaaa9fbdd348bbdeb94873"),
        ("train-labels-idx1-ubyte.gz", "d53e105ee54ea40749a09fcbcd1e9432"),
        ("t10k-images-idx3-ubyte.gz", "9fb629c4189551a2d022fa330f9573f3"),
        ("t10k-labels-idx1-ubyte.gz", "ec29112dd5afa0611ce80d1b7f02629c"),
    ]
    classes: ClassVar[list[str]] = [f"{d} - {name}" for d, name in enumerate(
        ["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine"])]
    folder = "mnist"  # under data_dir()
    torchvision_folder = "MNIST"

    def __init__(self, root: str | os.PathLike | None = None, train: bool = True,
                 download: bool = False) -> None:
        ### BEGIN SOLUTION
        self.root = data_dir() / self.folder if root is None else Path(root)
        self.train = train
        images = read_idx(self._file(0 if train else 2, download), magic=IMAGES_MAGIC)
        labels = read_idx(self._file(1 if train else 3, download), magic=LABELS_MAGIC)
        if len(images) != len(labels):
            raise DataFormatError(f"{type(self).__name__}: the images file holds {len(images)} "
                                  f"images but the labels file {len(labels)} labels")
        if labels.size and int(labels.max()) >= len(self.classes):
            raise DataFormatError(f"{type(self).__name__}: label {int(labels.max())} is not a "
                                  f"class 0-{len(self.classes) - 1}")
        super().__init__(images, labels.astype(np.int64))
        ### END SOLUTION

    def _file(self, which: int, download: bool) -> Path:
        """The path of resource `which`, gzipped or raw, found or downloaded."""
        name, md5 = self.resources[which]
        raw = name.removesuffix(".gz")
        tv = f"{self.torchvision_folder}/raw"
        return locate(type(self).__name__, self.root, name, md5, self.mirrors, download,
                      alternatives=(raw, f"{tv}/{name}", f"{tv}/{raw}"))


class FashionMNIST(MNIST):
    """Zalando's Fashion-MNIST: 10 kinds of clothing, the same shapes and files as MNIST.

    A drop-in replacement for MNIST that is harder (an MLP reaches about
    89%, a small CNN 92% and more), so the gain of convolutions shows.
    """

    # Official files and MD5s: torchvision.datasets.FashionMNIST
    # (torchvision/datasets/mnist.py), as published by Zalando Research at
    # https://github.com/zalandoresearch/fashion-mnist (README, "Get the data").
    mirrors: ClassVar[list[str]] = [
        "http://fashion-mnist.s3-website.eu-central-1.amazonaws.com/",
    ]
    resources: ClassVar[list[tuple[str, str]]] = [
        ("train-images-idx3-ubyte.gz", "8d4fb7e6c68d591d4c3dfef9ec88bf0d"),
        ("train-labels-idx1-ubyte.gz", "25c81989df183df01b3e8a0aad5dffbe"),
        ("t10k-images-idx3-ubyte.gz", "bef4ecab320f06d8554ea6380940ec79"),
        ("t10k-labels-idx1-ubyte.gz", "bb300cfdad3c16e7a12a480ee83cd310"),
    ]
    classes: ClassVar[list[str]] = ["T-shirt/top", "Trouser", "Pullover", "Dress", "Coat",
                                    "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot"]
    folder = "fashion-mnist"
    torchvision_folder = "FashionMNIST"
