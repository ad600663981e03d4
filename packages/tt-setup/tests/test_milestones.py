"""`tito milestones` and the milestone table of `tito status`: runnable, locked, not built.

The course is conftest.py's fake one: `first_light` needs tt-zzgood (module
02), `never` needs tt-zzbroken (module 03). A fake checkout is a folder with
that course.toml, `packages/` and the milestone scripts the test writes.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from tinytorch.setup import load_course, main


def make_checkout(root: Path, fake_course: Path, scripts: tuple[str, ...]) -> Path:
    """A fake course checkout holding the given milestone scripts; its course.toml."""
    (root / "packages").mkdir(parents=True)
    (root / "milestones").mkdir()
    for name in scripts:
        (root / "milestones" / f"{name}.py").write_text("print('hi')\n", encoding="utf-8")
    course = root / "course.toml"
    course.write_text(fake_course.read_text(encoding="utf-8"), encoding="utf-8")
    return course


def block(stdout: str, name: str) -> list[str]:
    """The lines `tito milestones` prints about milestone `name`."""
    lines = stdout.splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith(f"  {name}: "))
    end = next((i for i in range(start + 1, len(lines))
                if not lines[i].startswith("    ")), len(lines))
    return lines[start:end]


def test_runnable_and_not_built_yet(fake_course: Path, fake_dist, tito, tmp_path: Path) -> None:
    course = make_checkout(tmp_path / "repo", fake_course, ("first_light",))
    site = fake_dist(tmp_path / "site", "zzgood")
    result = tito("--course", str(course), "milestones", path=(site,), cwd=tmp_path / "repo")
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert f"scripts looked up in {tmp_path / 'repo' / 'milestones'}" in out
    assert "1 runnable now, 0 locked (modules not installed), 1 not built yet" in out
    first = block(out, "first_light")
    assert first[0] == "  first_light: Needs the good package [runnable now]"
    assert "    run     python milestones/first_light.py --seed 0" in first
    never = block(out, "never")
    assert never[0] == "  never: Needs the broken package [not built yet]"
    assert not any("run     python" in line for line in never)
    assert any("milestones/never.py does not exist yet" in line for line in never)
    # grouped under the module that unlocks them, in chain order
    assert out.index("Right after 02 tt-zzgood (modules 01-02):") < out.index("  first_light:")
    assert out.index("  first_light:") < out.index("Right after 03 tt-zzbroken") < out.index(
        "  never:")


def test_locked_names_the_missing_modules(fake_course: Path, tito, tmp_path: Path) -> None:
    course = make_checkout(tmp_path / "repo", fake_course, ("first_light", "never"))
    result = tito("--course", str(course), "milestones", cwd=tmp_path / "repo" / "packages")
    assert result.returncode == 0, result.stderr
    first = block(result.stdout, "first_light")
    assert first[0] == "  first_light: Needs the good package [locked: needs tt-zzgood]"
    assert "    missing tt-zzgood" in first
    never = block(result.stdout, "never")
    assert "    missing tt-zzgood, tt-zzbroken" in never
    # run from a folder inside the checkout: the path is relative to it
    assert "    run     python ../milestones/never.py --seed 0" in never
    assert "0 runnable now, 2 locked (modules not installed), 0 not built yet" in result.stdout


def test_outside_a_checkout_the_scripts_are_not_claimed(
    fake_course: Path, fake_dist, tito, tmp_path: Path
) -> None:
    site = fake_dist(tmp_path / "site", "zzgood")
    result = tito("--course", str(fake_course), "milestones", path=(site,), cwd=Path("/"))
    assert result.returncode == 0, result.stderr
    assert "no course checkout here, so the scripts were not checked" in result.stdout
    assert "runnable now]" not in result.stdout
    first = block(result.stdout, "first_light")
    assert first[0] == ("  first_light: Needs the good package "
                        "[modules installed; script not checked]")
    assert any("(from the course repository)" in line for line in first)
    status = tito("--course", str(fake_course), "status", path=(site,), cwd=Path("/"))
    row = next(line for line in status.stdout.splitlines() if "first_light" in line)
    assert "modules installed; script not checked" in row
    assert "no course checkout here" in status.stdout


def test_status_table_uses_the_same_states(fake_course: Path, fake_dist, tito,
                                           tmp_path: Path) -> None:
    course = make_checkout(tmp_path / "repo", fake_course, ("first_light",))
    site = fake_dist(tmp_path / "site", "zzgood")
    result = tito("--course", str(course), "status", path=(site,), cwd=tmp_path)
    rows = {line.split()[0]: line for line in result.stdout.splitlines()
            if line.strip().startswith(("first_light", "never"))}
    assert rows["first_light"].endswith("runnable now")
    assert rows["never"].endswith("not built yet")


def test_the_real_course_lists_every_milestone_in_chain_order(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(["milestones"]) == 0
    out = capsys.readouterr().out
    course = load_course()
    positions = [out.index(f"  {ms.name}: {ms.title} [") for ms in course.milestones]
    by_requires = sorted(course.milestones, key=lambda ms: ms.requires)
    assert sorted(positions) == [out.index(f"  {ms.name}: ") for ms in by_requires]
    for ms in course.milestones:
        heading = f"Right after {course.module(ms.requires).label} (modules 01-{ms.requires:02d}):"
        assert out.index(heading) < out.index(f"  {ms.name}: ")
