"""`tito doctor` on the real environment and on fake installed packages."""

from __future__ import annotations

from pathlib import Path

import pytest
from tinytorch.setup import main


def test_doctor_reports_python_numpy_and_tt_setup(capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["doctor"])
    out = capsys.readouterr().out
    assert out.startswith("Python   3.")
    assert "NumPy    " in out and "BLAS" in out
    row = next(line for line in out.splitlines() if "01  tt-setup" in line)
    assert " ok " in row
    # exit 1 exactly when it listed problems
    assert (code == 1) == ("problem" in out)
    assert (code == 0) == ("All good" in out)


def test_healthy_student_package(fake_course: Path, fake_dist, tito, tmp_path: Path) -> None:
    site = fake_dist(tmp_path / "site", "zzgood", version="0.3.0", requires=("tt-setup>=0.1",))
    result = tito("--course", str(fake_course), "doctor", path=(site,))
    row = next(line for line in result.stdout.splitlines() if "tt-zzgood" in line)
    assert "0.3.0" in row and "student" in row and " ok " in row
    _head, _sep, problems = result.stdout.partition("problem")
    assert "tt-zzgood" not in problems


def test_broken_student_package_is_one_line(
    fake_course: Path, fake_dist, tito, tmp_path: Path
) -> None:
    site = fake_dist(tmp_path / "site", "zzbroken", init="raise RuntimeError('student bug')\n")
    result = tito("--course", str(fake_course), "doctor", path=(site,))
    assert result.returncode == 1
    assert "Traceback" not in result.stdout + result.stderr
    lines = result.stdout.splitlines()
    problem = next(line for line in lines if "import tinytorch.zzbroken" in line)
    assert "tt-zzbroken 0.1.0 (student)" in problem
    assert "RuntimeError: student bug (at tinytorch/zzbroken/__init__.py:1)" in problem
    row = next(line for line in result.stdout.splitlines() if "03  tt-zzbroken" in line)
    assert "FAILED" in row


def test_syntax_error_is_one_line(fake_course: Path, fake_dist, tito, tmp_path: Path) -> None:
    site = fake_dist(tmp_path / "site", "zzbroken", init="def f(:\n")
    result = tito("--course", str(fake_course), "doctor", path=(site,))
    assert result.returncode == 1
    assert "SyntaxError" in result.stdout and "tinytorch/zzbroken/__init__.py:1" in result.stdout
    assert "Traceback" not in result.stdout + result.stderr


def test_version_ranges_are_checked(fake_course: Path, fake_dist, tito, tmp_path: Path) -> None:
    site = fake_dist(
        tmp_path / "site", "zzgood", requires=("tt-setup>=9.0,<10", "tt-zzmissing>=0.1")
    )
    result = tito("--course", str(fake_course), "doctor", path=(site,))
    assert result.returncode == 1
    assert "tt-zzgood 0.1.0 needs tt-setup<10,>=9.0, but tt-setup" in result.stdout or (
        "tt-zzgood 0.1.0 needs tt-setup>=9.0,<10, but tt-setup" in result.stdout
    )
    assert "needs tt-zzmissing>=0.1, which is not installed" in result.stdout


def test_shadowed_package_is_reported(fake_course: Path, fake_dist, tito, tmp_path: Path) -> None:
    installed = fake_dist(tmp_path / "installed", "zzgood")
    stray = tmp_path / "stray" / "tinytorch" / "zzgood"
    stray.mkdir(parents=True)
    (stray / "__init__.py").write_text("VALUE = 2\n", encoding="utf-8")
    result = tito("--course", str(fake_course), "doctor", path=(tmp_path / "stray", installed))
    assert result.returncode == 1
    assert "SHADOWED" in result.stdout
    assert f"tinytorch.zzgood is imported from {stray / '__init__.py'}" in result.stdout


def test_status_shows_the_fake_package(fake_course: Path, fake_dist, tito, tmp_path: Path) -> None:
    site = fake_dist(tmp_path / "site", "zzgood", version="0.3.0", keywords="tinytorch-reference")
    result = tito("--course", str(fake_course), "status", path=(site,))
    assert result.returncode == 0
    row = next(line for line in result.stdout.splitlines() if "02  tt-zzgood" in line)
    assert "0.3.0" in row and "reference" in row and "index" in row
    milestone = next(line for line in result.stdout.splitlines() if "first_light" in line)
    assert "unlocked" in milestone
    never = next(line for line in result.stdout.splitlines() if line.strip().startswith("never"))
    assert "locked: needs tt-zzbroken" in never
