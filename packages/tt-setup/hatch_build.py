"""Hatch build hook: put the repository's course.toml into tt-setup's artifacts.

`course.toml` lives at the root of the repository (two folders up), the one
copy of the module chain. The wheel carries it as
`tinytorch/setup/course.toml`, read by `load_course()`; the sdist carries it
at its root, so a wheel built from the sdist (where `../../` is gone) finds it
there. Editable installs get nothing: they read the repository's file.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from hatchling.builders.hooks.plugin.interface import BuildHookInterface


class CourseManifestHook(BuildHookInterface):
    PLUGIN_NAME = "custom"

    def initialize(self, version: str, build_data: dict[str, Any]) -> None:
        if self.target_name == "wheel" and version == "editable":
            return
        root = Path(self.root)
        # An unpacked sdist has its own copy; a checkout has the repository's.
        candidates = [root / "course.toml", root.parent.parent / "course.toml"]
        manifest = next((p for p in candidates if p.is_file()), None)
        if manifest is None:
            raise RuntimeError(
                "tt-setup build: course.toml not found (looked at "
                + ", ".join(str(p) for p in candidates)
                + "); build tt-setup inside the TinyTorch repository or from its sdist"
            )
        if "[[module]]" not in manifest.read_text(encoding="utf-8"):
            raise RuntimeError(f"tt-setup build: {manifest} has no [[module]] table")
        target = "tinytorch/setup/course.toml" if self.target_name == "wheel" else "course.toml"
        build_data["force_include"][str(manifest)] = target
