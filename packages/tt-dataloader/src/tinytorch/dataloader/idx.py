"""read_idx: the IDX format of MNIST and Fashion-MNIST, gzip or raw.

IDX (LeCun, 1998) is the simplest array file there is. A 4-byte magic
number: two zero bytes, a type code (0x08 unsigned byte, 0x09 signed byte,
0x0B int16, 0x0C int32, 0x0D float32, 0x0E float64) and the number of
dimensions; then each dimension as a big-endian uint32; then the values,
big-endian, in C order. MNIST's image files are 0x00000803 = 2051 (uint8, 3
dimensions: N x 28 x 28), its label files 0x00000801 = 2049 (uint8, N).

Files come gzipped (`.gz`) or raw; the gzip magic (1f 8b) is recognised, not
the file name. The header is checked against the file's size before the
values are read: a wrong magic is `BadMagicError`, a short file
`TruncatedFileError`. Cost: the file read once, decompressed once, one copy
into a writable array.
"""

from __future__ import annotations

import gzip
import os
import zlib

import numpy as np

from .errors import BadMagicError, DataFormatError, TruncatedFileError

# IDX type code -> big-endian NumPy dtype
IDX_TYPES = {0x08: ">u1", 0x09: ">i1", 0x0B: ">i2", 0x0C: ">i4", 0x0D: ">f4", 0x0E: ">f8"}
GZIP_MAGIC = b"\x1f\x8b"


def read_bytes(path: str | os.PathLike, where: str) -> bytes:
    """The bytes of a file, gunzipped if it starts with the gzip magic."""
    with open(path, "rb") as f:
        raw = f.read()
    if raw[:2] != GZIP_MAGIC:
        return raw
    try:
        return gzip.decompress(raw)
    except EOFError as exc:
        raise TruncatedFileError(f"{where}: the gzip stream ends early ({exc}); the file is "
                                 "truncated, download or copy it again") from exc
    except (gzip.BadGzipFile, zlib.error) as exc:
        raise DataFormatError(f"{where}: corrupt gzip data ({exc})") from exc


def read_idx(path: str | os.PathLike, magic: int | None = None) -> np.ndarray:
    """Read an IDX file (gzip or raw) into a NumPy array of native byte order.

    `magic`, when given, is the magic number the file must have (2051 for
    MNIST images, 2049 for labels), so a labels file passed as images is a
    `BadMagicError` and not a strange array.
    """
    ### BEGIN SOLUTION
    where = f"read_idx: {os.fspath(path)}"
    buf = read_bytes(path, where)
    if len(buf) < 4:
        raise TruncatedFileError(f"{where}: {len(buf)} bytes, shorter than the 4-byte IDX magic")
    found = int.from_bytes(buf[:4], "big")
    code, ndim = buf[2], buf[3]
    if buf[:2] != b"\x00\x00" or code not in IDX_TYPES or ndim == 0:
        raise BadMagicError(f"{where}: magic number 0x{found:08x} is not an IDX header (two zero "
                            "bytes, a type code 0x08-0x0e, a number of dimensions)")
    if magic is not None and found != magic:
        raise BadMagicError(f"{where}: magic number {found} (0x{found:08x}), expected {magic} "
                            f"(0x{magic:08x})")
    header = 4 + 4 * ndim
    if len(buf) < header:
        raise TruncatedFileError(f"{where}: {len(buf)} bytes, shorter than its {header}-byte "
                                 f"header for {ndim} dimensions")
    shape = tuple(int.from_bytes(buf[4 + 4 * i:8 + 4 * i], "big") for i in range(ndim))
    dtype = np.dtype(IDX_TYPES[code])
    expected = int(np.prod(shape, dtype=np.int64)) * dtype.itemsize
    have = len(buf) - header
    if have < expected:
        raise TruncatedFileError(f"{where}: header promises shape {shape} ({expected} bytes of "
                                 f"data) but the file holds {have}: it is truncated")
    if have > expected:
        raise DataFormatError(f"{where}: {have - expected} bytes after the {expected} bytes of "
                              f"data its header {shape} promises: not a valid IDX file")
    values = np.frombuffer(buf, dtype=dtype, count=expected // dtype.itemsize, offset=header)
    return values.reshape(shape).astype(dtype.newbyteorder("="))  # a writable native copy
    ### END SOLUTION
