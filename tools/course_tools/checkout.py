"""Proof that grading left the course's checkout as it found it.

A student's code once wrote a `conftest.py` into the reference tests, and the
next, honest student was judged by it. The sandbox gives student code no
writable view of the checkout at all; this module proves the result: a
fingerprint (SHA-256 of every file's path and bytes) before grading and
after. If they differ the grader names the changed files and reports no grade.

Left out: what grading itself writes (reports/, .nox/) and caches that tools
write on their own (`__pycache__`, .pytest_cache, ...). Cost: one read of the
checkout: 0.13 s here for the 499 files (30 MB) that count.
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

SKIP_DIRS = {".git", ".nox", ".venv", "reports", "__pycache__", ".pytest_cache",
             ".ruff_cache", ".hypothesis", "dist", "build", "starters", "node_modules"}


def fingerprint(root: Path) -> dict[str, str]:
    """relative path -> SHA-256 of its bytes, for every file of the checkout that counts."""
    out = {}
    for folder, dirs, files in os.walk(root):
        dirs[:] = sorted(d for d in dirs if d not in SKIP_DIRS and not d.endswith(".egg-info"))
        for name in sorted(files):
            path = Path(folder) / name
            if path.is_symlink() or not path.is_file():
                out[str(path.relative_to(root))] = f"link:{os.readlink(path)}" \
                    if path.is_symlink() else "special"
                continue
            digest = hashlib.sha256()
            with open(path, "rb") as f:
                for block in iter(lambda f=f: f.read(1 << 20), b""):
                    digest.update(block)
            out[str(path.relative_to(root))] = digest.hexdigest()
    return out


def changes(before: dict[str, str], after: dict[str, str]) -> list[str]:
    """`added x`, `removed y`, `changed z`: what differs, sorted by path."""
    out = []
    for path in sorted(set(before) | set(after)):
        if path not in before:
            out.append(f"added {path}")
        elif path not in after:
            out.append(f"removed {path}")
        elif before[path] != after[path]:
            out.append(f"changed {path}")
    return out
