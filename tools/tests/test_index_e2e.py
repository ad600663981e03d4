"""End to end against a real index: publish every package to a pypiserver on 127.0.0.1,
then `pip install tt-training` from it alone, in a fresh venv, and run a milestone.

What it proves, in order:
- a wrong password is refused with a line that names the repository, and nothing
  after that package is attempted (nothing reaches the index);
- a package left half on the index (its wheel alone) is completed by the next
  publish, which says so;
- with the right one, every package uploads, in chain order, with the publish
  code `nox -s publish` runs; a second publish skips every existing version,
  having compared each file's sha256 with the index's simple page;
- the same version rebuilt (a wheel with other bytes) is an error naming the
  file, its dependents are not attempted, and the index is left unchanged;
- `pip install --index-url <that index> tt-training` brings exactly the modules of
  Part I (read from course.toml), since tt-training depends on all of them, and
  NumPy (put on the index beforehand: the index has no fallback to PyPI);
- the `xor_1969` milestone runs from those installed packages (run from a folder
  outside the repository, so nothing comes from the source tree).

The server listens on 127.0.0.1 only, every wait is bounded, and it is stopped by
its process id in a `finally`. Wall time here: about a minute.
"""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
import venv
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path

import pytest
from course_tools import publish, release
from course_tools.manifest import PACKAGES, REPO, TEST_HELPERS, TEST_HELPERS_DIR, load
from course_tools.publish import Target
from packaging.markers import default_environment
from packaging.requirements import Requirement

pytest.importorskip("pypiserver", reason="the `tests` session installs pypiserver")
pytest.importorskip("passlib", reason="the `tests` session installs passlib")
pytest.importorskip("twine", reason="the `tests` session installs twine")
pytest.importorskip("hatch", reason="the `tests` session installs hatch")

HOST = "127.0.0.1"
USER, PASSWORD = "teacher", "correct-horse-battery"
BASE_PACKAGES = {"pip", "setuptools", "wheel"}  # what a fresh venv may hold by itself


@dataclass
class Index:
    url: str  # the upload URL
    simple: str  # what pip reads
    packages: Path


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind((HOST, 0))
        return int(s.getsockname()[1])


def wait_ready(proc: subprocess.Popen, url: str, log: Path, seconds: float = 30.0) -> bool:
    """Poll the health endpoint until it answers; False if the server exits first."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            return False
        try:
            with urllib.request.urlopen(url + "health", timeout=2) as response:
                if response.status == 200:
                    return True
        except (urllib.error.URLError, OSError):
            pass
        time.sleep(0.2)
    raise AssertionError(f"pypiserver did not answer in {seconds:.0f} s; log:\n"
                         + log.read_text(errors="replace")[-2000:])


def stop(proc: subprocess.Popen) -> None:
    if proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=10)


@pytest.fixture
def index(tmp_path: Path) -> Iterator[Index]:
    from passlib.apache import HtpasswdFile

    packages = tmp_path / "index"
    packages.mkdir()
    passwords = tmp_path / "htpasswd"
    ht = HtpasswdFile(str(passwords), new=True, default_scheme="apr_md5_crypt")
    ht.set_password(USER, PASSWORD)
    ht.save()
    log = tmp_path / "pypiserver.log"
    for _attempt in range(3):  # another process may take the free port first
        port = free_port()
        url = f"http://{HOST}:{port}/"
        with log.open("w") as out:
            proc = subprocess.Popen(
                [sys.executable, "-m", "pypiserver", "run", "-i", HOST, "-p", str(port),
                 "-a", "update", "-P", str(passwords), "--disable-fallback", str(packages)],
                stdout=out, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
        try:
            if wait_ready(proc, url, log):
                yield Index(url, url + "simple/", packages)
                return
        finally:
            stop(proc)
    raise AssertionError("pypiserver exited at start three times; log:\n" + log.read_text())


def clean_env(**extra: str) -> dict[str, str]:
    """The environment without pip/uv/venv settings, so only the arguments choose indexes."""
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("PIP_", "UV_", "TWINE_", "PYTHON")) and k != "VIRTUAL_ENV"}
    return {**env, **extra}


def run(cmd: list[str], timeout: float, **kwargs) -> subprocess.CompletedProcess:
    proc = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, check=False,
                          **kwargs)
    assert proc.returncode == 0, f"{' '.join(cmd)} failed:\n{proc.stdout}\n{proc.stderr}"
    return proc


def external_requirements(dist: Path) -> list[str]:
    """The non-tt requirements of the built wheels, for this Python, pinned where installed."""
    env = default_environment()
    pins = set()
    for wheel in dist.glob("*.whl"):
        for req in map(Requirement, publish.requirements(wheel)):
            if req.name.startswith("tt-") or (req.marker and not req.marker.evaluate(env)):
                continue
            try:
                pins.add(f"{req.name}=={metadata.version(req.name)}")
            except metadata.PackageNotFoundError:
                pins.add(str(req))
    return sorted(pins)


def test_publish_to_a_real_index_then_install_part1_from_it(index: Index, tmp_path: Path) -> None:
    started = time.perf_counter()
    course = load()
    present = [m for m in course.modules if (PACKAGES / m.dist / "pyproject.toml").is_file()]
    dist = tmp_path / "dist"
    # the test helpers go first: every starter's tests need them from the index too
    expected = [TEST_HELPERS, *(m.dist for m in present)]
    release.build([TEST_HELPERS_DIR, *(PACKAGES / m.dist for m in present)], dist,
                  [sys.executable, "-m", "hatch"], [sys.executable, "-m", "twine"],
                  tmp_path / "work", log=lambda line: None)
    uploads = publish.collect(dist, course)
    assert [u.dist for u in uploads] == expected
    twine = [sys.executable, "-m", "twine"]
    target = Target(("--repository-url", index.url), index.url, "env")

    def publish_with(password: str, these: list[publish.Upload] = uploads,
                     ) -> list[publish.Result]:
        env = clean_env(TWINE_USERNAME=USER, TWINE_PASSWORD=password,
                        PYTHON_KEYRING_BACKEND="keyring.backends.null.Keyring")
        return publish.publish(
            these, lambda f: publish.twine_upload(twine, target, f, env, tmp_path / "logs"),
            log=lambda line: None, lookup=publish.index_lookup(index.simple))

    # a wrong password: a clear line, and nothing after the first package is tried
    refused = publish_with("wrong-password")
    assert (refused[0].status, refused[0].detail) == (
        "failed", f"{index.url} refused the credentials (403 Forbidden)")
    assert {r.status for r in refused[1:]} == {"not attempted"}
    assert refused[-1].detail == f"stopped after {expected[0]}: {refused[0].detail}"
    assert list(index.packages.iterdir()) == []
    assert PASSWORD not in "".join(p.read_text() for p in (tmp_path / "logs").iterdir())

    # an interrupted publish left the first package half on the index (its wheel alone)
    wheel_only = publish.Upload(uploads[0].dist, uploads[0].version, uploads[0].files[:1])
    assert uploads[0].files[0].name.endswith(".whl") and len(uploads[0].files) == 2
    assert publish_with(PASSWORD, [wheel_only])[0].status == "uploaded"

    # the right one: everything, in chain order, the half package completed; then again:
    # everything skipped, each file compared with the index's sha256
    first = publish_with(PASSWORD)
    assert [(r.dist, r.status) for r in first] == [(d, "uploaded") for d in expected]
    assert first[0].detail == (f"completed a half-published package: uploaded "
                               f"{uploads[0].files[1].name}; {uploads[0].files[0].name} "
                               "already there, same bytes")
    assert sorted(p.name for p in index.packages.iterdir()) == sorted(p.name for p in
                                                                      dist.iterdir())
    again = publish_with(PASSWORD)
    assert [(r.dist, r.status, r.detail) for r in again] == [
        (d, "skipped", "already on the index, same bytes") for d in expected]

    # the same version rebuilt (other bytes): an error naming the file, dependents spared
    rebuilt_dir = tmp_path / "rebuilt"
    shutil.copytree(dist, rebuilt_dir)
    tensor = next(u for u in publish.collect(rebuilt_dir, course) if u.dist == "tt-tensor")
    with zipfile.ZipFile(tensor.files[0], "a") as zf:  # the wheel, one file more
        zf.writestr("tinytorch/tensor/REBUILT.txt", "another build\n")
    before = {p.name: p.stat().st_mtime_ns for p in index.packages.iterdir()}
    rebuilt = publish_with(PASSWORD, publish.collect(rebuilt_dir, course))
    by_dist = {r.dist: r for r in rebuilt}
    assert by_dist["tt-tensor"].status == "failed"
    assert by_dist["tt-tensor"].detail.startswith(
        f"{tensor.files[0].name} is already on the index with different bytes (sha256 ")
    assert by_dist["tt-layers"].status == "not attempted"  # it needs tt-tensor
    assert by_dist[TEST_HELPERS].status == "skipped"
    assert {p.name: p.stat().st_mtime_ns for p in index.packages.iterdir()} == before
    published = time.perf_counter()

    # a fresh venv, pip reading that index only (no config files, no PIP_* variables)
    env_dir = tmp_path / "student-venv"
    venv.EnvBuilder(with_pip=True).create(env_dir)
    python = str(env_dir / ("Scripts/python.exe" if sys.platform == "win32" else "bin/python"))
    externals = external_requirements(dist)
    assert any(r.startswith("numpy") for r in externals)
    run([python, "-m", "pip", "download", "--only-binary", ":all:", "-q", "-d",
         str(index.packages), *externals], timeout=300)  # pip's own configuration: PyPI or a mirror
    pip_env = clean_env(PIP_CONFIG_FILE=os.devnull, PIP_DISABLE_PIP_VERSION_CHECK="1",
                        PIP_NO_INPUT="1")
    run([python, "-m", "pip", "install", "-q", "--no-cache-dir", "--index-url", index.simple,
         "tt-training"], timeout=300, env=pip_env)

    part1 = course.part(1).modules
    probe = ("import importlib, json, sys\nfrom importlib import metadata\n"
             "names = {d.metadata['Name'].lower(): d.version for d in metadata.distributions()}\n"
             "files = {n: importlib.import_module(n).__file__ for n in sys.argv[1:]}\n"
             "print(json.dumps({'dists': names, 'files': files}))\n")
    out = json.loads(run([python, "-c", probe, *(m.import_name for m in part1)], timeout=120,
                         env=pip_env, cwd=tmp_path).stdout)
    installed_tt = {name for name in out["dists"] if name.startswith("tt-")}
    assert installed_tt == {m.dist for m in part1}
    assert set(out["dists"]) - installed_tt - BASE_PACKAGES <= {"numpy", "tomli"}
    assert "numpy" in out["dists"]
    for name, file in out["files"].items():
        assert Path(file).resolve().is_relative_to(env_dir.resolve()), (name, file)

    # the milestone, from the installed packages, run outside the repository
    milestone = course.milestone("xor_1969")
    assert milestone.requires <= course.part(1).through
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    report = elsewhere / "report.json"
    run([python, str(REPO / milestone.script), "--quick", "--seed", "0", "--report", str(report)],
        timeout=300, env=pip_env, cwd=elsewhere)
    result = json.loads(report.read_text())
    assert result["milestone"] == "xor_1969" and result["passed"] is True
    assert result["value"] >= milestone.target

    # a student's starter runs its tests with tt-testing: the index serves it too
    run([python, "-m", "pip", "install", "-q", "--no-cache-dir", "--index-url", index.simple,
         TEST_HELPERS], timeout=300, env=pip_env)
    run([python, "-c", "import tt_testing, pytest; tt_testing.assert_close([1.0], [1.0])"],
        timeout=120, env=pip_env, cwd=elsewhere)
    print(f"index e2e: build + 3 publishes {published - started:.1f} s, "
          f"venv + install + milestone {time.perf_counter() - published:.1f} s")
