"""The README's two commands work where a newcomer runs them: on Debian's own Python.

`/usr/bin/python3` of Debian 12 and Ubuntu 24.04 refuses `pip install`
("externally managed environment"), so the README's commands create a
virtual environment first. These tests run them as a newcomer would, in a
copy of this repository with `python3` on PATH being `/usr/bin/python3`:

- line 1 (the main job, `nox -s part1`) for real, end to end;
- line 2 (what CI runs, so not recursively here): its venv and pip part, in
  the copy where line 1 ran it already (so it runs twice), then
  `nox -s <its sessions> --list`, which shows that every session it names
  exists;
- the commands `tito template` prints for a starter with dependencies
  (tt-layers): on a machine where nothing of the course is installed, they
  install it and run its tests;
- `.ci/run` still finds line 2 and refuses a README without it.

They need a network (PyPI), as the commands do, and take about a minute and
a half; without a `/usr/bin/python3` that has `venv` they are skipped.
"""

from __future__ import annotations

import os
import re
import shlex
import shutil
import subprocess
from pathlib import Path

import pytest
from course_tools.manifest import REPO

SYSTEM_PYTHON = Path("/usr/bin/python3")
# never copied: git's database, environments, build output, caches, reports
NOT_COPIED = (".git", ".nox", ".venv", "dist", "build", "*.egg-info", "__pycache__",
              ".pytest_cache", ".ruff_cache", "reports", "starters")

needs_system_python = pytest.mark.skipif(
    not SYSTEM_PYTHON.is_file()
    or subprocess.run([str(SYSTEM_PYTHON), "-c", "import ensurepip, venv"],
                      capture_output=True, check=False).returncode != 0,
    reason="needs /usr/bin/python3 with venv (Debian, Ubuntu: apt install python3-venv; "
           ".ci/run does it)",
)


def readme_commands(readme: Path = REPO / "README.md") -> list[str]:
    """The lines of the README's first fenced block: [main job, test command]."""
    block = readme.read_text(encoding="utf-8").split("```", 2)[1]
    return [line for line in block.splitlines()[1:] if line.strip()]


def split_nox(command: str) -> tuple[str, str, list[str]]:
    """(what runs before nox, the nox invocation without `-s`, the sessions)."""
    setup, _, nox = command.rpartition(" && ")
    runner, sep, sessions = nox.partition(" -s ")
    assert setup and sep and runner.endswith("-m nox"), f"not `... && -m nox -s ...`: {command}"
    return setup, runner, sessions.split()


@pytest.fixture(scope="module")
def newcomer(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, str]]:
    """A copy of the repository and an environment whose `python3` is /usr/bin/python3."""
    root = tmp_path_factory.mktemp("newcomer")
    copy = root / "tinytorch"
    shutil.copytree(REPO, copy, ignore=shutil.ignore_patterns(*NOT_COPIED), symlinks=True)
    bin_dir = root / "bin"
    bin_dir.mkdir()
    (bin_dir / "python3").symlink_to(SYSTEM_PYTHON)
    env = {k: v for k, v in os.environ.items()
           if k not in ("VIRTUAL_ENV", "PYTHONPATH", "PYTHONHOME", "CONDA_PREFIX",
                        "PIP_REQUIRE_VIRTUALENV", "PIP_USER")
           and not k.startswith(("NOX_", "PYTEST_"))}
    env["PATH"] = os.pathsep.join([str(bin_dir), "/usr/bin", "/bin"])
    return copy, env


def run(command: str, cwd: Path, env: dict[str, str],
        timeout: int = 900) -> subprocess.CompletedProcess[str]:
    return subprocess.run(["bash", "-c", command], cwd=cwd, env=env, capture_output=True,
                          text=True, timeout=timeout, check=False)


def test_the_readme_has_the_two_commands() -> None:
    main, tests = readme_commands()
    for command in (main, tests):
        setup, runner, _sessions = split_nox(command)
        # a virtual environment first: a distribution's python3 refuses `pip install`
        assert setup.startswith("python3 -m venv .venv && .venv/bin/python -m pip install")
        assert runner == ".venv/bin/python -m nox"
    assert split_nox(main)[2] == ["part1"]
    assert "tests" in split_nox(tests)[2]


@needs_system_python
def test_system_python_refuses_pip_install() -> None:
    # why the commands make a venv: if this Python accepted `pip install`, the
    # tests below would prove less (they still run)
    marker = subprocess.run([str(SYSTEM_PYTHON), "-c",
                             "import sysconfig; print(sysconfig.get_path('stdlib'))"],
                            capture_output=True, text=True, check=True).stdout.strip()
    if not (Path(marker) / "EXTERNALLY-MANAGED").is_file():
        pytest.skip(f"{SYSTEM_PYTHON} is not externally managed here")
    proc = subprocess.run([str(SYSTEM_PYTHON), "-m", "pip", "install", "--dry-run", "nox"],
                          capture_output=True, text=True, check=False, timeout=120)
    assert proc.returncode != 0
    assert "externally-managed-environment" in proc.stdout + proc.stderr


@needs_system_python
def test_line_1_runs_part1_with_the_system_python(newcomer) -> None:
    copy, env = newcomer
    proc = run(readme_commands()[0], copy, env)
    out = proc.stdout + proc.stderr
    assert proc.returncode == 0, out[-4000:]
    assert "Session part1 was successful" in out
    assert Path(os.path.realpath(copy / ".venv" / "bin" / "python")).parent == Path("/usr/bin")


@needs_system_python
def test_line_2_sets_up_again_and_names_existing_sessions(newcomer) -> None:
    # the venv and pip part of CI's command, in the copy where line 1 already
    # made .venv with the same part: the commands work when run twice
    copy, env = newcomer
    setup, runner, sessions = split_nox(readme_commands()[1])
    assert setup == split_nox(readme_commands()[0])[0]
    proc = run(setup, copy, env, timeout=300)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    # nox refuses `-s` with a session it does not have; `--list` marks the selected `*`
    listed = run(f"{runner} -s {' '.join(sessions)} --list", copy, env, timeout=300)
    assert listed.returncode == 0, listed.stdout + listed.stderr
    selected = re.findall(r"^\* ([\w.-]+)", listed.stdout, re.MULTILINE)
    assert sorted(set(selected)) == sorted(sessions), (sessions, listed.stdout)
    bogus = run(f"{runner} -s {sessions[0]} no-such-session --list", copy, env, timeout=300)
    assert bogus.returncode != 0  # so the check above can fail


@needs_system_python
def test_the_starter_commands_tito_prints_work_on_a_fresh_machine(newcomer, tmp_path) -> None:
    # a fresh venv of Debian's Python with nothing of the course in it; tito
    # from the checkout's source, so it finds no tt-* package installed
    copy, env = newcomer
    venv = tmp_path / "venv"
    assert subprocess.run([str(SYSTEM_PYTHON), "-m", "venv", str(venv)], check=False,
                          timeout=300).returncode == 0
    env = {**env, "PATH": os.pathsep.join([str(venv / "bin"), env["PATH"]])}
    dest = tmp_path / "my-layers"
    tito = run(f"PYTHONPATH={shlex.quote(str(copy / 'packages/tt-setup/src'))} "
               f"python -m tinytorch.setup template tt-layers {shlex.quote(str(dest))}",
               copy, env, timeout=120)
    assert tito.returncode == 0, tito.stderr
    lines = [line.strip() for line in tito.stdout.split("\nnext", 1)[1].splitlines()[1:]]
    install, test = lines[0], lines[1]
    assert install.startswith("python -m pip install ") and "packages/tt-tensor" in install
    assert test.startswith("python -m pytest ")
    installed = run(install, tmp_path, env, timeout=600)
    assert installed.returncode == 0, installed.stdout + installed.stderr
    tested = run(test, tmp_path, env, timeout=300)
    summary = tested.stdout.strip().splitlines()[-1]
    # a fresh starter: its tests run and fail (nothing written yet); none errors
    assert tested.returncode == 1 and re.search(r"\d+ failed", summary), tested.stdout[-3000:]
    assert "error" not in summary


def test_ci_run_finds_line_2_and_refuses_a_readme_without_it(tmp_path: Path) -> None:
    (tmp_path / ".ci").mkdir()
    shutil.copy2(REPO / ".ci" / "run", tmp_path / ".ci" / "run")
    readme = tmp_path / "README.md"
    readme.write_text("# T\n\n```bash\necho main\necho would run nox -s lint tests\n```\n")
    proc = subprocess.run(["bash", str(tmp_path / ".ci" / "run")], capture_output=True,
                          text=True, check=False, timeout=600)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.splitlines()[-2:] == ["+ echo would run nox -s lint tests",
                                            "would run nox -s lint tests"]
    readme.write_text("# T\n\n```bash\necho main\necho no tests here\n```\n")
    proc = subprocess.run(["bash", str(tmp_path / ".ci" / "run")], capture_output=True,
                          text=True, check=False, timeout=600)
    assert proc.returncode == 2
    assert "cannot find the test command in README.md" in proc.stderr
