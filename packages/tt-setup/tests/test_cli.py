"""`tito` through `main(argv)` and as the installed console script."""

from __future__ import annotations

from pathlib import Path

import pytest
from tinytorch.setup import __version__, find_installed, load_course, main


def test_status_lists_every_module_and_milestone(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["status"]) == 0
    out = capsys.readouterr().out
    course = load_course()
    for m in course.modules:
        assert f"{m.number:02d}  {m.dist}" in out
    for ms in course.milestones:
        assert ms.name in out
    setup_row = next(line for line in out.splitlines() if "01  tt-setup" in line)
    assert __version__ in setup_row
    assert find_installed()["tt-setup"].kind in setup_row


def test_tt_setup_itself_is_a_reference_package() -> None:
    setup = find_installed()["tt-setup"]
    assert setup.version == __version__
    assert setup.kind == "reference"


def test_milestones_say_what_they_need_and_how_to_run(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["milestones"]) == 0
    out = capsys.readouterr().out
    for ms in load_course().milestones:
        assert f"{ms.name}: {ms.title}" in out
        assert f"python {ms.script}" in out
        assert f"modules 01-{ms.requires:02d}" in out


def test_fake_course_status(fake_course: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--course", str(fake_course), "status"]) == 0
    out = capsys.readouterr().out
    assert "02  tt-zzgood" in out and "not installed" in out
    assert "first_light" in out and "locked: needs tt-zzgood" in out


def test_unreadable_course_exits_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--course", str(tmp_path / "missing.toml"), "status"]) == 2
    assert "cannot read" in capsys.readouterr().err


def test_a_command_is_required() -> None:
    with pytest.raises(SystemExit) as info:
        main([])
    assert info.value.code == 2


def test_console_script(tito) -> None:
    version = tito("--version")
    assert version.returncode == 0 and __version__ in version.stdout
    status = tito("status")
    assert status.returncode == 0, status.stderr
    assert "tt-setup" in status.stdout and "Milestones" in status.stdout
    milestones = tito("milestones")
    assert milestones.returncode == 0 and "run     python milestones/" in milestones.stdout
