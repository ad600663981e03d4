"""tt-setup's artifacts carry course.toml: real builds with the hook, and broken ones."""

from __future__ import annotations

import io
import subprocess
import sys
import tarfile
import zipfile
from pathlib import Path

import pytest
from course_tools import artifacts
from course_tools.install import find_uv
from course_tools.manifest import PACKAGES, REPO


def test_built_tt_setup_carries_the_manifest(tmp_path: Path) -> None:
    uv = find_uv()
    if uv is None:
        pytest.skip("uv not available to build tt-setup")
    # uv builds the sdist, then the wheel from the unpacked sdist (away from the repo)
    subprocess.run([uv, "build", "-q", "--out-dir", str(tmp_path), str(PACKAGES / "tt-setup")],
                   check=True, timeout=300)
    problems = artifacts.check_setup_manifest(tmp_path, REPO / "course.toml", sys.executable)
    assert problems == []


def _fake_artifacts(dist: Path, wheel_text: bytes | None, sdist_text: bytes | None) -> None:
    with zipfile.ZipFile(dist / "tt_setup-0.1.0-py3-none-any.whl", "w") as zf:
        zf.writestr("tinytorch/setup/__init__.py", "")
        if wheel_text is not None:
            zf.writestr(artifacts.WHEEL_MEMBER, wheel_text)
    with tarfile.open(dist / "tt_setup-0.1.0.tar.gz", "w:gz") as tf:
        if sdist_text is not None:
            info = tarfile.TarInfo("tt_setup-0.1.0/course.toml")
            info.size = len(sdist_text)
            tf.addfile(info, io.BytesIO(sdist_text))


def test_readers_of_the_manifest(tmp_path: Path) -> None:
    _fake_artifacts(tmp_path, b"[course]\n", None)
    assert artifacts.wheel_manifest(tmp_path / "tt_setup-0.1.0-py3-none-any.whl") == b"[course]\n"
    assert artifacts.sdist_manifest(tmp_path / "tt_setup-0.1.0.tar.gz") is None


def test_missing_or_stale_manifest_is_reported(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setattr(artifacts, "wheel_from_sdist", lambda sdist, python, out: (None, "boom"))
    _fake_artifacts(tmp_path, b"old copy\n", None)
    problems = artifacts.check_setup_manifest(tmp_path, REPO / "course.toml", sys.executable)
    assert problems == [
        "a wheel built from tt_setup-0.1.0.tar.gz fails: boom",
        "wheel tt_setup-0.1.0-py3-none-any.whl: its course.toml differs from the repository's",
        "sdist tt_setup-0.1.0.tar.gz does not contain course.toml",
    ]


def test_artifacts_must_exist(tmp_path: Path) -> None:
    problems = artifacts.check_setup_manifest(tmp_path, REPO / "course.toml", sys.executable)
    assert problems and "expected one tt-setup wheel and sdist" in problems[0]
