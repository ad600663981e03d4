"""Writing files atomically: the one implementation the course tooling uses.

A reader (a person, CI, the next session) must never see half a report, half
a CHANGELOG or half a pyproject.toml. Each text goes to a temp file in the
target's own folder (so the rename stays on one filesystem), is flushed to
disk, and is renamed over the target with `os.replace`, which is atomic.
`write_all` stages every file before renaming any, so a failure while
writing leaves all of them as they were.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Mapping
from pathlib import Path


def write_all(texts: Mapping[Path, str]) -> None:
    """Write every file atomically: all temp files first, then one rename each."""
    staged: list[tuple[Path, Path]] = []
    try:
        for path, text in texts.items():
            path.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
            with os.fdopen(fd, "w", encoding="utf-8", newline="") as f:
                f.write(text)
                f.flush()
                os.fsync(f.fileno())
            if path.exists():
                shutil.copymode(path, tmp)
            else:
                os.chmod(tmp, 0o644)  # mkstemp makes files private; these are for reading
            staged.append((Path(tmp), path))
    except BaseException:
        for tmp, _ in staged:
            tmp.unlink(missing_ok=True)
        raise
    for tmp, path in staged:
        os.replace(tmp, path)


def write_atomic(path: Path, text: str) -> None:
    """Write one file atomically (see `write_all`)."""
    write_all({path: text})
