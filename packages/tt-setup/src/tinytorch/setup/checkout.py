"""Where the course repository is: the TinyTorch checkout around a folder.

`tito` works without the repository (the wheel carries `course.toml`), but a
few answers depend on it: `tito template` takes the reference package and its
dependencies from `packages/`, and `tito milestones` can only say whether a
milestone's script exists by looking at `milestones/` of a checkout. A
checkout is a folder holding `course.toml` and `packages/`; this file finds
the nearest one at or above a starting folder.

Cost: two `stat` calls per parent folder.
"""

from __future__ import annotations

from pathlib import Path


def is_checkout(folder: Path) -> bool:
    """Whether `folder` is the root of a TinyTorch checkout (course.toml and packages/)."""
    return (folder / "course.toml").is_file() and (folder / "packages").is_dir()


def find_checkout(start: Path | None = None) -> Path | None:
    """The checkout at or above `start` (default: the current directory), or None."""
    start = (Path.cwd() if start is None else start).resolve()
    for folder in [start, *start.parents]:
        if is_checkout(folder):
            return folder
    return None
