"""tinytorch.dataloader: datasets, batches, batch transforms, and readers of real data.

    >>> from tinytorch.dataloader import DataLoader, TensorDataset
    >>> loader = DataLoader(TensorDataset(images, labels), batch_size=64, shuffle=True, seed=0)
    >>> for x, y in loader: ...          # x float32 (64, ...), y int64 (64,)

`Dataset` is the protocol (`len`, `ds[i]`, optionally `__getitems__` for a
whole batch); `DataLoader` shuffles, batches and transforms; the transforms
work on whole (N, C, H, W) batches; `MNIST`, `FashionMNIST` and `CIFAR10`
read the official files (IDX, CIFAR binary batches; never pickle) and
download them, verified, into `data_dir()` when asked.
"""

from .__about__ import __version__
from .augment import RandomCrop, RandomHorizontalFlip
from .cifar import CIFAR10
from .collate import default_collate
from .dataset import Dataset, TensorDataset
from .download import data_dir, download_url
from .errors import (
    BadMagicError,
    ChecksumError,
    DataFormatError,
    DatasetNotFoundError,
    TruncatedFileError,
)
from .idx import read_idx
from .loader import DataLoader
from .mnist import MNIST, FashionMNIST
from .npz import load_npz
from .subset import Subset, random_split
from .transforms import Compose, Normalize, ToTensor

__all__ = [
    "CIFAR10",
    "MNIST",
    "BadMagicError",
    "ChecksumError",
    "Compose",
    "DataFormatError",
    "DataLoader",
    "Dataset",
    "DatasetNotFoundError",
    "FashionMNIST",
    "Normalize",
    "RandomCrop",
    "RandomHorizontalFlip",
    "Subset",
    "TensorDataset",
    "ToTensor",
    "TruncatedFileError",
    "__version__",
    "data_dir",
    "default_collate",
    "download_url",
    "load_npz",
    "random_split",
    "read_idx",
]
