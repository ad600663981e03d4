"""MNIST, FashionMNIST, CIFAR10 and load_npz on small files in the real formats."""

from __future__ import annotations

import numpy as np
import pytest
from tinytorch.dataloader import (
    CIFAR10,
    MNIST,
    BadMagicError,
    DataFormatError,
    DataLoader,
    DatasetNotFoundError,
    FashionMNIST,
    ToTensor,
    TruncatedFileError,
    load_npz,
)


@pytest.mark.parametrize("cls", [MNIST, FashionMNIST])
@pytest.mark.parametrize("gz, layout", [(True, ""), (False, ""), (True, "{tv}/raw"),
                                        (False, "{tv}/raw")])
def test_mnist_reads_train_and_test(tmp_path, fake_mnist, cls, gz, layout) -> None:
    tv = "MNIST" if cls is MNIST else "FashionMNIST"
    made = fake_mnist(tmp_path, gz=gz, layout=layout.format(tv=tv))
    for train, split in ((True, "train"), (False, "t10k")):
        ds = cls(tmp_path, train=train)
        images, labels = made[split]
        assert ds.data.dtype == np.uint8 and ds.data.shape == images.shape
        assert ds.targets.dtype == np.int64
        np.testing.assert_array_equal(ds.data, images)
        np.testing.assert_array_equal(ds.targets, labels)
        img, label = ds[2]
        np.testing.assert_array_equal(img, images[2])
        assert label == labels[2] and isinstance(label, int)
        bx, by = ds.__getitems__([1, 0])
        np.testing.assert_array_equal(by, labels[[1, 0]])
        np.testing.assert_array_equal(bx, images[[1, 0]])
    assert len(cls.classes) == 10


def test_mnist_through_a_loader(tmp_path, fake_mnist) -> None:
    images, labels = fake_mnist(tmp_path, n_train=10)["train"]
    x, y = next(iter(DataLoader(MNIST(tmp_path), batch_size=4, transform=ToTensor())))
    assert x.shape == (4, 1, 28, 28) and x.dtype == np.float32 and y.dtype == np.int64
    np.testing.assert_allclose(x.data[:, 0], images[:4] / 255.0, rtol=1e-6)
    np.testing.assert_array_equal(y.data, labels[:4])


def test_mnist_index_out_of_range(tmp_path, fake_mnist) -> None:
    fake_mnist(tmp_path, n_train=12)
    with pytest.raises(IndexError, match="MNIST: index 12 is out of range for a dataset of 12"):
        MNIST(tmp_path)[12]


def test_mnist_missing_file_says_which_and_where(tmp_path, fake_mnist) -> None:
    fake_mnist(tmp_path)
    (tmp_path / "train-labels-idx1-ubyte.gz").unlink()
    with pytest.raises(DatasetNotFoundError) as info:
        MNIST(tmp_path)
    message = str(info.value)
    assert f"missing file train-labels-idx1-ubyte.gz in {tmp_path}" in message
    assert f"Put train-labels-idx1-ubyte.gz into {tmp_path}" in message
    assert "https://ossci-datasets.s3.amazonaws.com/mnist/train-labels-idx1-ubyte.gz" in message
    assert "download=True" in message
    assert isinstance(info.value, FileNotFoundError)
    with pytest.raises(DatasetNotFoundError, match=r"FashionMNIST: missing file "
                                                   r"t10k-images-idx3-ubyte\.gz"):
        FashionMNIST(tmp_path / "nowhere", train=False)


def test_mnist_swapped_or_corrupt_files(tmp_path, fake_mnist, formats) -> None:
    fake_mnist(tmp_path)
    images = tmp_path / "train-images-idx3-ubyte.gz"
    labels = tmp_path / "train-labels-idx1-ubyte.gz"
    images.write_bytes(labels.read_bytes())  # the labels file under the images name
    with pytest.raises(BadMagicError, match="expected 2051"):
        MNIST(tmp_path)
    formats.write_idx(images, np.zeros((11, 28, 28), np.uint8))  # 11 images, 12 labels
    with pytest.raises(DataFormatError, match="11 images but the labels file 12 labels"):
        MNIST(tmp_path)
    data = formats.idx_bytes(np.zeros((12, 28, 28), np.uint8))
    images.write_bytes(data[:-100])
    images.rename(tmp_path / "train-images-idx3-ubyte")  # raw and truncated
    with pytest.raises(TruncatedFileError):
        MNIST(tmp_path)


def cifar_layout(tmp_path, fake_cifar, formats, how: str):
    batches = fake_cifar()
    members = {f"cifar-10-batches-bin/{name}": b[2] for name, b in batches.items()}
    members["cifar-10-batches-bin/batches.meta.txt"] = b"airplane\n"
    if how == "tar.gz":
        formats.write_tar_gz(tmp_path / "cifar-10-binary.tar.gz", members)
    else:
        for name, data in members.items():
            (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
            (tmp_path / name).write_bytes(data)
    return batches


@pytest.mark.parametrize("how", ["tar.gz", "extracted"])
def test_cifar10_reads_batches(tmp_path, fake_cifar, formats, how) -> None:
    batches = cifar_layout(tmp_path, fake_cifar, formats, how)
    train = CIFAR10(tmp_path)
    names = [f"data_batch_{i}.bin" for i in range(1, 6)]
    images = np.concatenate([batches[n][0] for n in names])  # (N, 3, 32, 32)
    labels = np.concatenate([batches[n][1] for n in names])
    assert train.data.shape == (len(labels), 32, 32, 3) and train.data.dtype == np.uint8
    np.testing.assert_array_equal(train.data, images.transpose(0, 2, 3, 1))  # channels last
    np.testing.assert_array_equal(train.targets, labels)
    assert train.targets.dtype == np.int64
    test = CIFAR10(tmp_path, train=False)
    np.testing.assert_array_equal(test.targets, batches["test_batch.bin"][1])
    # the red plane of record 0 is its bytes 1..1024, row by row
    raw = batches["test_batch.bin"][2]
    np.testing.assert_array_equal(test.data[0, :, :, 0],
                                  np.frombuffer(raw[1:1025], np.uint8).reshape(32, 32))
    x, _ = next(iter(DataLoader(test, batch_size=2, transform=ToTensor())))
    np.testing.assert_allclose(x.data, batches["test_batch.bin"][0][:2] / 255.0, rtol=1e-6)
    assert len(CIFAR10.classes) == 10


def test_cifar10_corrupt_files(tmp_path, fake_cifar, formats) -> None:
    batches = cifar_layout(tmp_path, fake_cifar, formats, "extracted")
    folder = tmp_path / "cifar-10-batches-bin"
    (folder / "test_batch.bin").write_bytes(batches["test_batch.bin"][2][:-5])
    with pytest.raises(TruncatedFileError, match=r"test_batch\.bin: 9214 bytes is not a whole"):
        CIFAR10(tmp_path, train=False)
    bad = bytearray(batches["test_batch.bin"][2])
    bad[3073] = 200  # the label byte of record 1
    (folder / "test_batch.bin").write_bytes(bytes(bad))
    with pytest.raises(DataFormatError, match="record 1 has label byte 200"):
        CIFAR10(tmp_path, train=False)


def test_cifar10_truncated_or_incomplete_archive(tmp_path, fake_cifar, formats) -> None:
    cifar_layout(tmp_path, fake_cifar, formats, "tar.gz")
    archive = tmp_path / "cifar-10-binary.tar.gz"
    data = archive.read_bytes()
    archive.write_bytes(data[: len(data) // 2])
    with pytest.raises(TruncatedFileError, match=r"cifar-10-binary\.tar\.gz"):
        CIFAR10(tmp_path)
    formats.write_tar_gz(archive, {"cifar-10-batches-bin/test_batch.bin": b"\x00" * 3073})
    with pytest.raises(DataFormatError, match=r"no cifar-10-batches-bin/data_batch_1\.bin"):
        CIFAR10(tmp_path)
    archive.write_bytes(b"not a tar archive at all")
    with pytest.raises(DataFormatError, match="not a gzipped tar archive"):
        CIFAR10(tmp_path)


def test_cifar10_missing_says_archive_or_folder(tmp_path) -> None:
    with pytest.raises(DatasetNotFoundError) as info:
        CIFAR10(tmp_path)
    message = str(info.value)
    assert f"missing file cifar-10-binary.tar.gz in {tmp_path}" in message
    assert "https://www.cs.toronto.edu/~kriz/cifar-10-binary.tar.gz" in message
    assert "c32a1d4ab5d03f1284b67883e8d87530" in message
    assert f"{tmp_path / 'cifar-10-batches-bin'}/ holds data_batch_1.bin" in message


def test_load_npz(tmp_path) -> None:
    images = np.random.default_rng(0).integers(0, 256, (6, 8, 8), dtype=np.uint8)
    np.savez(tmp_path / "set.npz", images=images, labels=np.arange(6, dtype=np.uint8))
    x, y = load_npz(tmp_path / "set.npz")
    np.testing.assert_array_equal(x, images)
    assert y.dtype == np.int64 and y.tolist() == list(range(6))
    np.savez(tmp_path / "bad.npz", pixels=images)
    with pytest.raises(DataFormatError, match=r"no array \['images', 'labels'\]"):
        load_npz(tmp_path / "bad.npz")
    np.savez(tmp_path / "pickled.npz", images=images,
             labels=np.array([object()] * 6, dtype=object))
    with pytest.raises(DataFormatError, match="without pickle"):
        load_npz(tmp_path / "pickled.npz")
    (tmp_path / "junk.npz").write_bytes(b"PK\x03\x04 junk")
    with pytest.raises(DataFormatError):
        load_npz(tmp_path / "junk.npz")
