"""read_idx: every IDX type, gzip or raw, and a named error for each kind of damage."""

from __future__ import annotations

import gzip

import numpy as np
import pytest
from tinytorch.dataloader import BadMagicError, DataFormatError, TruncatedFileError, read_idx


@pytest.mark.parametrize("dtype", [np.uint8, np.int8, np.int16, np.int32, np.float32,
                                   np.float64])
@pytest.mark.parametrize("gz", [True, False])
def test_round_trip_every_type(tmp_path, formats, dtype, gz) -> None:
    rng = np.random.default_rng(0)
    array = (rng.standard_normal((3, 4, 5)) * 50).astype(dtype)
    path = formats.write_idx(tmp_path / "a.idx", array, gz)
    out = read_idx(path)
    assert out.dtype == np.dtype(dtype) and out.dtype.isnative
    np.testing.assert_array_equal(out, array)
    out[0, 0, 0] = 1  # a writable array, not a view of the file's bytes


def test_header_is_big_endian_and_hand_made_bytes_read(tmp_path) -> None:
    # magic 0x00000801 (uint8, 1 dim), count 3, values 7 8 9
    (tmp_path / "l.idx").write_bytes(bytes([0, 0, 8, 1, 0, 0, 0, 3, 7, 8, 9]))
    assert read_idx(tmp_path / "l.idx", magic=2049).tolist() == [7, 8, 9]
    # int16 big-endian: 0x0102 = 258
    (tmp_path / "s.idx").write_bytes(bytes([0, 0, 0x0B, 1, 0, 0, 0, 1, 1, 2]))
    assert read_idx(tmp_path / "s.idx").tolist() == [258]


def test_gzip_is_recognised_by_content_not_name(tmp_path, formats) -> None:
    array = np.arange(6, dtype=np.uint8).reshape(2, 3)
    (tmp_path / "plain.gz").write_bytes(formats.idx_bytes(array))  # raw despite the name
    (tmp_path / "packed").write_bytes(gzip.compress(formats.idx_bytes(array)))
    np.testing.assert_array_equal(read_idx(tmp_path / "plain.gz"), array)
    np.testing.assert_array_equal(read_idx(tmp_path / "packed"), array)


def test_wrong_magic(tmp_path, formats) -> None:
    (tmp_path / "page.gz").write_bytes(b"<html>not found</html>")
    with pytest.raises(BadMagicError, match=r"page\.gz: magic number 0x3c68746d is not an IDX"):
        read_idx(tmp_path / "page.gz")
    labels = formats.write_idx(tmp_path / "labels.gz", np.zeros(4, np.uint8))
    with pytest.raises(BadMagicError, match=r"magic number 2049 \(0x00000801\), expected 2051"):
        read_idx(labels, magic=2051)
    (tmp_path / "code").write_bytes(bytes([0, 0, 0x0A, 1, 0, 0, 0, 0]))  # 0x0A is no type
    with pytest.raises(BadMagicError):
        read_idx(tmp_path / "code")
    assert issubclass(BadMagicError, DataFormatError) and issubclass(DataFormatError, ValueError)


def test_truncated_data_header_and_gzip(tmp_path, formats) -> None:
    data = formats.idx_bytes(np.zeros((10, 28, 28), np.uint8))
    (tmp_path / "short").write_bytes(data[:-1])
    with pytest.raises(TruncatedFileError, match=r"shape \(10, 28, 28\) \(7840 bytes of data\) "
                                                 r"but the file holds 7839"):
        read_idx(tmp_path / "short")
    (tmp_path / "head").write_bytes(data[:10])
    with pytest.raises(TruncatedFileError, match="16-byte header"):
        read_idx(tmp_path / "head")
    (tmp_path / "empty").write_bytes(b"")
    with pytest.raises(TruncatedFileError, match="0 bytes"):
        read_idx(tmp_path / "empty")
    packed = gzip.compress(data)
    (tmp_path / "cut.gz").write_bytes(packed[: len(packed) // 2])
    with pytest.raises(TruncatedFileError, match="gzip stream ends early"):
        read_idx(tmp_path / "cut.gz")


def test_trailing_bytes_are_an_error(tmp_path, formats) -> None:
    (tmp_path / "long").write_bytes(formats.idx_bytes(np.zeros(3, np.uint8)) + b"\x00\x00")
    with pytest.raises(DataFormatError, match="2 bytes after the 3 bytes of data"):
        read_idx(tmp_path / "long")
