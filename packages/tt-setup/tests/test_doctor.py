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
    result = tito("--course", str(fake_course), "status", path=(site,), cwd=Path("/"))
    assert result.returncode == 0
    row = next(line for line in result.stdout.splitlines() if "02  tt-zzgood" in line)
    assert "0.3.0" in row and "reference" in row and "index" in row
    milestone = next(line for line in result.stdout.splitlines() if "first_light" in line)
    assert "modules installed" in milestone
    never = next(line for line in result.stdout.splitlines() if line.strip().startswith("never"))
    assert "locked: needs tt-zzbroken" in never


def _problem_about(stdout: str, dist: str) -> str:
    """The one problem line that names `dist`'s import."""
    return next(line for line in stdout.splitlines()
                if line.startswith("  - ") and f"of {dist} " in line)


@pytest.mark.parametrize(
    ("good_init", "broken_init", "error"),
    [
        # the dependency's function raises when the dependent calls it at import
        ("def f():\n    raise RuntimeError('bug in zzgood')\n",
         "from tinytorch.zzgood import f\nX = f()\n",
         "RuntimeError: bug in zzgood (at tinytorch/zzgood/__init__.py:2)"),
        # ... below it, NumPy raises on what the dependency asked of it
        ("import numpy as np\n\n\ndef f():\n    return np.linalg.inv(np.zeros((2, 2)))\n",
         "from tinytorch.zzgood import f\nX = f()\n",
         "Singular matrix"),
        # the dependency lacks a public name the dependent imports
        ("VALUE = 1\n", "from tinytorch.zzgood import Softmax\n",
         "ImportError: cannot import name 'Softmax' from 'tinytorch.zzgood'"),
        # the dependency imports a module of its own that does not exist
        ("from .rleu import relu\n", "import tinytorch.zzgood\n",
         "ModuleNotFoundError: No module named 'tinytorch.zzgood.rleu'"),
    ],
    ids=["raises-when-called", "numpy-below", "missing-name", "missing-module"],
)
def test_the_package_whose_code_raised_is_blamed(
    fake_course: Path, fake_dist, tito, tmp_path: Path, good_init: str, broken_init: str,
    error: str,
) -> None:
    # tt-zzbroken (module 03) imports tt-zzgood (module 02), whose code is at fault
    site = tmp_path / "site"
    fake_dist(site, "zzgood", init=good_init)
    fake_dist(site, "zzbroken", init=broken_init, requires=("tt-zzgood>=0.1",))
    result = tito("--course", str(fake_course), "doctor", path=(site,))
    assert result.returncode == 1
    assert "Traceback" not in result.stdout + result.stderr
    problem = _problem_about(result.stdout, "tt-zzbroken")
    assert problem.startswith("  - tt-zzgood 0.1.0 (student, ")
    assert "breaks import tinytorch.zzbroken of tt-zzbroken 0.1.0 (student): " in problem
    assert error in problem
    row = next(line for line in result.stdout.splitlines() if "03  tt-zzbroken" in line)
    assert "FAILED (in tt-zzgood)" in row


def test_a_package_broken_by_itself_is_not_blamed_on_others(
    fake_course: Path, fake_dist, tito, tmp_path: Path
) -> None:
    site = tmp_path / "site"
    fake_dist(site, "zzgood")
    fake_dist(site, "zzbroken", requires=("tt-zzgood>=0.1",),
              init="from tinytorch.zzgood import VALUE\n\nX = VALUE / 0\n")
    result = tito("--course", str(fake_course), "doctor", path=(site,))
    assert result.returncode == 1
    assert ("  - tt-zzbroken 0.1.0 (student): import tinytorch.zzbroken failed: "
            "ZeroDivisionError: division by zero (at tinytorch/zzbroken/__init__.py:3)"
            in result.stdout.splitlines())
    assert "breaks import" not in result.stdout
    good = next(line for line in result.stdout.splitlines() if "02  tt-zzgood" in line)
    assert " ok " in good


def test_a_broken_dependency_is_named_in_its_dependents_line(
    fake_course: Path, fake_dist, tito, tmp_path: Path
) -> None:
    site = tmp_path / "site"
    fake_dist(site, "zzgood", init="raise RuntimeError('zzgood is broken')\n")
    fake_dist(site, "zzbroken", requires=("tt-zzgood>=0.1",), init="import tinytorch.zzgood\n")
    result = tito("--course", str(fake_course), "doctor", path=(site,))
    lines = result.stdout.splitlines()
    assert any(line.startswith("  - tt-zzgood 0.1.0 (student): import tinytorch.zzgood failed")
               for line in lines)
    assert _problem_about(result.stdout, "tt-zzbroken").startswith("  - tt-zzgood 0.1.0")
    assert "FAILED (in tt-zzgood)" in next(line for line in lines if "03  tt-zzbroken" in line)


def test_a_dependency_that_is_not_installed_is_named(
    fake_course: Path, fake_dist, tito, tmp_path: Path
) -> None:
    site = fake_dist(tmp_path / "site", "zzbroken", requires=("tt-zzgood>=0.1",),
                     init="from tinytorch.zzgood import VALUE\n")
    result = tito("--course", str(fake_course), "doctor", path=(site,))
    assert result.returncode == 1
    problem = _problem_about(result.stdout, "tt-zzbroken")
    assert problem.startswith("  - tt-zzgood (not installed) breaks import tinytorch.zzbroken")
    assert "ModuleNotFoundError: No module named 'tinytorch.zzgood'" in problem
    assert "needs tt-zzgood>=0.1, which is not installed" in result.stdout


def test_a_folder_named_tinytorch_is_not_a_package(
    fake_course: Path, fake_dist, tito, tmp_path: Path
) -> None:
    # a checkout cloned as `tinytorch/` holds NumPy in `tinytorch/.nox/...`: a
    # frame there is not a tinytorch package's, the deepest tinytorch one is
    site = tmp_path / "tinytorch" / ".nox" / "site"
    fake_dist(site, "zzgood", init="from zzhelper import boom\n\n\ndef f():\n    boom()\n")
    (site / "zzhelper.py").write_text("def boom():\n    raise ValueError('deep')\n")
    fake_dist(site, "zzbroken", requires=("tt-zzgood>=0.1",),
              init="from tinytorch.zzgood import f\n\nf()\n")
    result = tito("--course", str(fake_course), "doctor", path=(site,))
    problem = _problem_about(result.stdout, "tt-zzbroken")
    assert problem.startswith("  - tt-zzgood 0.1.0 (student, ")
    assert problem.endswith("ValueError: deep (at zzhelper.py:2)")
