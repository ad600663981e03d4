"""The temporary files of atomic writes, and cleaning up after a crash.

An atomic write puts the new bytes in a temporary file beside the target and
renames it over the target when complete. If the process dies between the
two (killed, power cut, out of memory) no `except` clause runs, and the
temporary file stays: a checkpoint's worth of disk per crash. So every write
first removes what an earlier, crashed write to the same path left behind.

A temporary file is named `.<target name>.<pid>-<random>.tmp`, with the id
of the process that writes it. It is stale when that process no longer
exists (POSIX: `os.kill(pid, 0)` says so), or, where that cannot be told
(another platform, a file of this process, a name without a pid), when it
has not been modified for `STALE_SECONDS`: a live writer keeps touching its
file, so a file of another live writer is never taken from under it.

Cost: one directory listing per write.
"""

from __future__ import annotations

import os
import re
import time

STALE_SECONDS = 600.0
_NAME = re.compile(r"(?:(\d+)-)?[a-z0-9_]+")


def temp_prefix(path: str) -> str:
    """The start of this process's temporary file names for `path` (give it to mkstemp)."""
    return f".{os.path.basename(path)}.{os.getpid()}-"


def _alive(pid: int) -> bool | None:
    """Whether process `pid` exists; None when it cannot be told here."""
    if os.name != "posix" or pid == os.getpid():
        return None
    try:
        os.kill(pid, 0)  # signal 0: only checks that the process exists
    except ProcessLookupError:
        return False
    except OSError:  # PermissionError: it exists, owned by someone else
        return True
    return True


def remove_stale_temps(path: str) -> list[str]:
    """Delete the temporary files that crashed writes to `path` left; return their names."""
    directory = os.path.dirname(os.path.abspath(path))
    start = f".{os.path.basename(path)}."
    removed = []
    try:
        names = os.listdir(directory)
    except OSError:
        return removed
    now = time.time()
    for name in names:
        if not (name.startswith(start) and name.endswith(".tmp")):
            continue
        match = _NAME.fullmatch(name[len(start) : -len(".tmp")])
        if match is None:
            continue
        full = os.path.join(directory, name)
        alive = _alive(int(match.group(1))) if match.group(1) else None
        try:
            stale = alive is False or (
                alive is None and now - os.stat(full).st_mtime > STALE_SECONDS)
            if stale:
                os.unlink(full)
                removed.append(name)
        except OSError:  # gone already, or not ours to delete: leave it
            continue
    return removed
