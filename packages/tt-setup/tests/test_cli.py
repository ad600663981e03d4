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
    course = load_course()
    repo = _checkout(Path(course.source))
    for ms in course.milestones:
        assert f"{ms.name}: {ms.title}" in out
        assert f"modules 01-{ms.requires:02d}" in out
        # in a checkout, a script that exists is runnable or locked, one that does
        # not is not built yet; outside one, no script is claimed either way
        built = repo is not None and (repo / ms.script).is_file()
        assert (f"{ms.name}: {ms.title} [not built yet]" in out) == (
            repo is not None and not built), ms.name
        if built:  # relative inside the checkout, else absolute
            assert f"{ms.script} --seed 0" in out and "    run     python " in out


def _checkout(course_file: Path) -> Path | None:
    """The checkout tito looks in: course.toml's folder, else the one around the cwd."""
    for folder in [course_file.parent, Path.cwd(), *Path.cwd().parents]:
        if (folder / "course.toml").is_file() and (folder / "packages").is_dir():
            return folder.resolve()
    return None


def test_fake_course_status(fake_course: Path, capsys: pytest.CaptureFixture[str],
                            monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir("/")  # outside any checkout: the scripts are not looked up
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
    assert milestones.returncode == 0 and "run     python " in milestones.stdout
