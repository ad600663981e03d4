"""The sandbox: every limit named when hit, and student code kept from what it must not touch.

Without bubblewrap (not installed, or user namespaces refused) the isolation
tests skip with the reason; the limits are tested either way. CI installs
bubblewrap (.ci/run), so there they run.
"""

from __future__ import annotations

import os
import shutil
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from course_tools.manifest import REPO
from course_tools.sandbox import Limits, Sandbox, python_home, status

PY = sys.executable
WHY = status()
isolated = pytest.mark.skipif(bool(WHY), reason=WHY or "")


@pytest.fixture
def tmp_path() -> Iterator[Path]:
    """A folder under /tmp itself, not pytest's: under nox that lies inside the venv, which
    the sandbox binds read-only, behind pytest's private (0700) folders, where `nobody`
    could not reach the step's output folder."""
    folder = Path(tempfile.mkdtemp(dir="/tmp", prefix="tt-sandbox-"))
    yield folder
    shutil.rmtree(folder, ignore_errors=True)


def _sandbox(tmp_path: Path, isolate: bool = True, **limits: float) -> Sandbox:
    venv = Path(sys.prefix)
    readable = [venv, *([python_home(venv)] if python_home(venv) else []),
                Path(sys.base_prefix)]
    return Sandbox(readable, [tmp_path / "out"], Limits(**limits), isolate)  # type: ignore[arg-type]


@pytest.mark.parametrize("isolate", [True, False])
def test_a_hang_costs_the_time_limit_and_is_named(tmp_path: Path, isolate: bool) -> None:
    started = time.monotonic()
    out = _sandbox(tmp_path, isolate, seconds=2).run([PY, "-c", "while True: pass"], tmp_path)
    assert out.limit == "time" and out.code is None
    assert time.monotonic() - started < 15


@pytest.mark.parametrize("isolate", [True, False])
def test_endless_output_is_cut_at_the_output_limit(tmp_path: Path, isolate: bool) -> None:
    out = _sandbox(tmp_path, isolate, output_bytes=4096).run(
        [PY, "-c", "while True: print('spam' * 100)"], tmp_path)
    assert out.limit == "output" and len(out.output) <= 4096


@pytest.mark.parametrize("isolate", [True, False])
def test_a_memory_hog_hits_the_memory_limit(tmp_path: Path, isolate: bool) -> None:
    out = _sandbox(tmp_path, isolate, memory_bytes=1 * 2**30).run(
        [PY, "-c", "x = bytearray(4 * 2**30)"], tmp_path)
    assert out.limit == "memory" and out.code != 0


@isolated
def test_student_code_cannot_write_the_checkout_nor_reach_the_network(tmp_path: Path) -> None:
    before = (REPO / "course.toml").read_bytes()
    code = ("import socket, pathlib\n"
            f"p = pathlib.Path({str(REPO / 'course.toml')!r})\n"
            "print('visible' if p.exists() else 'invisible')\n"
            "try:\n    socket.create_connection(('127.0.0.1', 22), timeout=2)\n"
            "except OSError as e:\n    print('no network', type(e).__name__)\n"
            f"open({str(tmp_path / 'out' / 'ok')!r}, 'w').write('written')\n")
    out = _sandbox(tmp_path).run([PY, "-c", code], tmp_path)
    assert out.code == 0, out.output
    assert "invisible" in out.output and "no network" in out.output
    assert (tmp_path / "out" / "ok").read_text() == "written"  # its own folder: writable
    assert (REPO / "course.toml").read_bytes() == before


@isolated
def test_a_detached_process_dies_with_the_step(tmp_path: Path) -> None:
    late = tmp_path / "out" / "late"
    script = f"(sleep 2; echo forged > {late}) </dev/null >/dev/null 2>&1 & setsid sleep 30 &"
    out = _sandbox(tmp_path).run(["/bin/sh", "-c", script + " echo started"], tmp_path)
    assert out.code == 0 and "started" in out.output
    time.sleep(3)
    assert not late.exists()  # the child was killed with the sandbox


@isolated
@pytest.mark.skipif(os.geteuid() != 0, reason="runs as another user only when started as root")
def test_student_code_runs_as_another_user(tmp_path: Path) -> None:
    out = _sandbox(tmp_path).run([PY, "-c", "import os; print(os.getuid())"], tmp_path)
    assert out.output.strip() == "65534"


def test_limits_describe_themselves() -> None:
    assert Limits(seconds=30).describe("time") == "time limit (30 s)"
    assert Limits(output_bytes=2 * 2**20).describe("output") == "output limit (2 MiB)"
