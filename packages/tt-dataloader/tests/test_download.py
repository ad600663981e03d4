"""Downloads through file:// URLs: verified before the rename, never kept when bad."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from tinytorch.dataloader import (
    CIFAR10,
    MNIST,
    ChecksumError,
    DatasetNotFoundError,
    data_dir,
    download_url,
)


def test_data_dir_follows_tt_data(monkeypatch, tmp_path) -> None:
    monkeypatch.setenv("TT_DATA", str(tmp_path / "cache"))
    assert data_dir() == tmp_path / "cache"
    monkeypatch.delenv("TT_DATA")
    assert data_dir() == Path.home() / ".cache" / "tinytorch"


def test_download_url_keeps_a_verified_file(tmp_path, formats) -> None:
    source = tmp_path / "server" / "file.bin"
    source.parent.mkdir()
    source.write_bytes(b"the official bytes")
    dest = tmp_path / "cache" / "sub" / "file.bin"
    out = download_url(source.as_uri(), dest, formats.md5(source))
    assert out == dest and dest.read_bytes() == b"the official bytes"
    assert sorted(p.name for p in dest.parent.iterdir()) == ["file.bin"]  # no temp left


def test_a_bad_download_is_never_kept(tmp_path) -> None:
    source = tmp_path / "file.bin"
    source.write_bytes(b"garbled")
    dest = tmp_path / "cache" / "file.bin"
    with pytest.raises(ChecksumError, match="expected 0123456789abcdef0123456789abcdef"):
        download_url(source.as_uri(), dest, "0123456789abcdef0123456789abcdef")
    assert list(dest.parent.iterdir()) == []  # neither the file nor a temp file


def serve_mnist(tmp_path, fake_mnist, formats, monkeypatch, mirrors):
    """Fake MNIST files on a 'server' folder, with MNIST's URLs and MD5s pointed at them."""
    server = tmp_path / "server"
    made = fake_mnist(server)
    resources = [(name, formats.md5(server / name)) for name, _ in MNIST.resources]
    monkeypatch.setattr(MNIST, "resources", resources)
    monkeypatch.setattr(MNIST, "mirrors", [m.format(server=server.as_uri() + "/")
                                           for m in mirrors])
    return made


def test_mnist_download_into_the_cache(tmp_path, fake_mnist, formats, monkeypatch) -> None:
    made = serve_mnist(tmp_path, fake_mnist, formats, monkeypatch, ["{server}"])
    monkeypatch.setenv("TT_DATA", str(tmp_path / "cache"))
    ds = MNIST(download=True)
    np.testing.assert_array_equal(ds.data, made["train"][0])
    cached = tmp_path / "cache" / "mnist"
    assert sorted(p.name for p in cached.iterdir()) == ["train-images-idx3-ubyte.gz",
                                                         "train-labels-idx1-ubyte.gz"]
    monkeypatch.setattr(MNIST, "mirrors", [])  # offline now: the cache is used
    np.testing.assert_array_equal(MNIST().targets, made["train"][1])


def test_mnist_download_tries_the_next_mirror(tmp_path, fake_mnist, formats,
                                              monkeypatch) -> None:
    made = serve_mnist(tmp_path, fake_mnist, formats, monkeypatch,
                       [(tmp_path / "gone").as_uri() + "/", "{server}"])
    ds = MNIST(tmp_path / "root", train=False, download=True)
    np.testing.assert_array_equal(ds.data, made["t10k"][0])


def test_mnist_download_with_a_wrong_checksum_fails_and_keeps_nothing(
        tmp_path, fake_mnist, formats, monkeypatch) -> None:
    serve_mnist(tmp_path, fake_mnist, formats, monkeypatch, ["{server}"])
    bad = [(name, "0" * 32) for name, _ in MNIST.resources]
    monkeypatch.setattr(MNIST, "resources", bad)
    root = tmp_path / "root"
    with pytest.raises(ChecksumError, match=r"train-images-idx3-ubyte\.gz: MD5 .*, expected 0000"):
        MNIST(root, download=True)
    assert list(root.iterdir()) == []


def test_offline_download_names_the_file_and_the_folder(tmp_path, monkeypatch) -> None:
    monkeypatch.setattr(MNIST, "mirrors", [(tmp_path / "no-server").as_uri() + "/"])
    with pytest.raises(DatasetNotFoundError) as info:
        MNIST(tmp_path / "root", download=True)
    message = str(info.value)
    assert "missing file train-images-idx3-ubyte.gz" in message
    assert f"Put train-images-idx3-ubyte.gz into {tmp_path / 'root'}" in message
    assert "Download failed" in message


def test_cifar10_download(tmp_path, fake_cifar, formats, monkeypatch) -> None:
    batches = fake_cifar()
    server = tmp_path / "server"
    archive = formats.write_tar_gz(server / "cifar-10-binary.tar.gz",
                                   {f"cifar-10-batches-bin/{n}": b[2]
                                    for n, b in batches.items()})
    monkeypatch.setattr(CIFAR10, "mirrors", [server.as_uri() + "/"])
    monkeypatch.setattr(CIFAR10, "md5", formats.md5(archive))
    ds = CIFAR10(tmp_path / "root", train=False, download=True)
    np.testing.assert_array_equal(ds.targets, batches["test_batch.bin"][1])
    assert (tmp_path / "root" / "cifar-10-binary.tar.gz").is_file()
    monkeypatch.setattr(CIFAR10, "md5", "f" * 32)
    with pytest.raises(ChecksumError):
        CIFAR10(tmp_path / "other", download=True)
    assert not (tmp_path / "other" / "cifar-10-binary.tar.gz").exists()
