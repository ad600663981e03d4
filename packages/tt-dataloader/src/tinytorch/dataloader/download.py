"""The data cache, and downloads that are verified before they are kept.

Real data sets are too big for the repository, so a loader asked with
`download=True` fetches the official files once into a cache folder:
`$TT_DATA` if set, else `~/.cache/tinytorch`. A download goes to a temporary
file in the target folder, its MD5 is computed while it streams in and
compared with the official checksum, and only then is it renamed into place
(`os.replace`, atomic). So an interrupted or corrupted download never sits
where a later run would trust it: a bad download is never used.

MD5 is broken against attackers but fine for what it does here: catching a
truncated or garbled transfer. The official checksums are the ones the
publishers (and torchvision) give.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
import urllib.error
import urllib.request
from collections.abc import Sequence
from pathlib import Path

from .errors import ChecksumError, DatasetNotFoundError

CACHE_ENV = "TT_DATA"
CHUNK = 1 << 20


def data_dir() -> Path:
    """The cache folder of downloaded data sets: `$TT_DATA`, else `~/.cache/tinytorch`."""
    return Path(os.environ.get(CACHE_ENV) or Path.home() / ".cache" / "tinytorch")


def download_url(url: str, path: str | os.PathLike, md5: str, timeout: float = 60.0) -> Path:
    """Download `url` to `path`, atomically, keeping it only if its MD5 is `md5`.

    Raises `ChecksumError` (the file is discarded) on a mismatch; network
    errors propagate as `OSError` (`urllib.error.URLError`).
    """
    ### BEGIN SOLUTION
    dest = Path(path)
    dest.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=dest.parent, prefix=f".{dest.name}.", suffix=".part")
    try:
        digest = hashlib.md5(usedforsecurity=False)
        with os.fdopen(fd, "wb") as out, urllib.request.urlopen(url, timeout=timeout) as resp:
            while chunk := resp.read(CHUNK):
                digest.update(chunk)
                out.write(chunk)
            out.flush()
            os.fsync(out.fileno())
        if digest.hexdigest() != md5.lower():
            raise ChecksumError(f"download of {url}: MD5 {digest.hexdigest()}, expected {md5}; "
                                f"the file was discarded, {dest} was not written")
        os.replace(tmp, dest)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise
    return dest
    ### END SOLUTION


def locate(where: str, root: Path, filename: str, md5: str, mirrors: Sequence[str],
           download: bool, alternatives: Sequence[str] = (), hint: str = "") -> Path:
    """The path of `filename` in `root` (or of one of its `alternatives`), downloaded if asked.

    Offline, or when every mirror fails, raises `DatasetNotFoundError` whose
    message names the file, the folder to put it in and where to get it.
    """
    ### BEGIN SOLUTION
    for name in (filename, *alternatives):
        if (root / name).is_file():
            return root / name
    failures: list[str] = []
    if download:
        checksum_errors = []
        for mirror in mirrors:
            url = mirror + filename
            try:
                return download_url(url, root / filename, md5)
            except ChecksumError as exc:
                checksum_errors.append(exc)
            except (urllib.error.URLError, OSError) as exc:
                failures.append(f"{url}: {getattr(exc, 'reason', exc)}")
        if checksum_errors:
            raise checksum_errors[-1]
    also = f" (also looked for {', '.join(alternatives)} there)" if alternatives else ""
    tried = f" Download failed: {'; '.join(failures)}." if failures else ""
    get = f" from {mirrors[0]}{filename} (MD5 {md5})" if mirrors else ""
    how = "" if download else ", or pass download=True to fetch it"
    raise DatasetNotFoundError(
        f"{where}: missing file {filename} in {root}{also}.{tried} Put {filename} into "
        f"{root}{get}{how}.{hint}"
    )
    ### END SOLUTION
