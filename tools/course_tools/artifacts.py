"""Checks on built artifacts: tt-setup must carry the course map.

tt-setup's wheel holds `tinytorch/setup/course.toml` and its sdist holds
`course.toml` (from the build hook `hatch_build.py`); a wheel built from that
sdist, away from the repository, must hold it too. Each copy must equal the
repository's `course.toml` byte for byte.
"""

from __future__ import annotations

import subprocess
import tarfile
import tempfile
import zipfile
from pathlib import Path

from .install import find_uv, last_line

WHEEL_MEMBER = "tinytorch/setup/course.toml"


def wheel_manifest(wheel: Path) -> bytes | None:
    """The course.toml inside a tt-setup wheel, or None."""
    with zipfile.ZipFile(wheel) as zf:
        return zf.read(WHEEL_MEMBER) if WHEEL_MEMBER in zf.namelist() else None


def sdist_manifest(sdist: Path) -> bytes | None:
    """The course.toml at the root of a tt-setup sdist, or None."""
    with tarfile.open(sdist) as tf:
        for member in tf.getmembers():
            if member.name.count("/") == 1 and member.name.endswith("/course.toml"):
                extracted = tf.extractfile(member)
                return extracted.read() if extracted else None
    return None


def wheel_from_sdist(sdist: Path, python: str, out: Path) -> tuple[Path | None, str]:
    """Build a wheel from `sdist` in `out` (uv, else pip): (wheel or None, reason)."""
    uv = find_uv()
    if uv:
        cmd = [uv, "build", "--wheel", "--no-progress", "--python", python,
               "--out-dir", str(out), str(sdist)]
    else:
        cmd = [python, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(out), str(sdist)]
    proc = subprocess.run(cmd, capture_output=True, text=True, check=False)
    wheels = sorted(out.glob("*.whl"))
    if proc.returncode or len(wheels) != 1:
        return None, last_line(proc.stdout + proc.stderr)
    return wheels[0], ""


def check_setup_manifest(dist: Path, course_toml: Path, python: str) -> list[str]:
    """Problems with the course map in tt-setup's wheel, sdist and wheel-from-sdist."""
    expected = course_toml.read_bytes()
    wheels = sorted(dist.glob("tt_setup-*.whl"))
    sdists = sorted(dist.glob("tt_setup-*.tar.gz"))
    if len(wheels) != 1 or len(sdists) != 1:
        return [f"expected one tt-setup wheel and sdist in {dist}, found {wheels + sdists}"]
    problems = []
    checks = [("wheel " + wheels[0].name, wheel_manifest(wheels[0])),
              ("sdist " + sdists[0].name, sdist_manifest(sdists[0]))]
    with tempfile.TemporaryDirectory() as tmp:
        rebuilt, reason = wheel_from_sdist(sdists[0], python, Path(tmp))
        if rebuilt is None:
            problems.append(f"a wheel built from {sdists[0].name} fails: {reason}")
        else:
            checks.append((f"wheel built from {sdists[0].name}", wheel_manifest(rebuilt)))
    for what, content in checks:
        if content is None:
            problems.append(f"{what} does not contain course.toml")
        elif content != expected:
            problems.append(f"{what}: its course.toml differs from the repository's")
    return problems
