"""The course map: the packaged copy, the prefix helpers, and clear errors."""

from __future__ import annotations

from pathlib import Path

import pytest
from tinytorch.setup import Course, CourseError, Milestone, Module, Part, load_course, parse_course


@pytest.fixture(scope="module")
def course() -> Course:
    return load_course()


def test_packaged_copy_is_read(course: Course) -> None:
    assert Path(course.source).name == "course.toml"
    assert course.namespace == "tinytorch"
    assert course.module(1) == Module(1, "tt-setup", "setup", 1, course.module(1).summary)


def test_modules_are_numbered_in_order(course: Course) -> None:
    assert [m.number for m in course.modules] == list(range(1, len(course.modules) + 1))
    for m in course.modules:
        assert m.dist == f"tt-{m.name}"
        assert m.import_name == f"tinytorch.{m.name}"
        assert m.label == f"{m.number:02d} {m.dist}"


def test_parts_are_growing_prefixes(course: Course) -> None:
    ends = [p.through for p in course.parts]
    assert ends == sorted(ends) and ends[-1] == len(course.modules)
    for p in course.parts:
        assert isinstance(p, Part)
        assert p.modules == course.modules_through(p.through)
        assert all(m.part == p.number for m in p.new_modules)
        assert p.new_modules[-1].number == p.through


def test_prefix_helpers(course: Course) -> None:
    last = course.modules[-1]
    assert course.modules_through(1) == (course.module("tt-setup"),)
    assert course.modules_through(last.dist) == course.modules
    assert course.modules_through(last.name) == course.modules
    unlocked = course.milestones_unlocked_by(last.number)
    assert unlocked == course.milestones
    assert course.milestones_unlocked_by(1) == tuple(
        m for m in course.milestones if m.requires == 1
    )
    for ms in course.milestones:
        assert isinstance(ms, Milestone)
        assert ms in course.milestones_unlocked_by(ms.requires)
        assert course.milestone(ms.name) is ms
        assert ms.script == f"milestones/{ms.name}.py"


def test_unknown_keys_raise_key_error(course: Course) -> None:
    with pytest.raises(KeyError, match="no module 'tt-nothing'"):
        course.module("tt-nothing")
    with pytest.raises(KeyError, match="no part 99"):
        course.part(99)
    with pytest.raises(KeyError, match="no milestone"):
        course.milestone("nothing")


def test_load_course_from_a_path(fake_course: Path) -> None:
    course = load_course(fake_course)
    assert course.name == "FakeCourse"
    assert [m.dist for m in course.part(2).new_modules] == ["tt-zzbroken"]
    assert course.milestone("first_light").requires == 2
    assert course.milestone("never").target == 2.0


def test_load_course_missing_file(tmp_path: Path) -> None:
    with pytest.raises(CourseError, match="cannot read"):
        load_course(tmp_path / "nothing.toml")


def _course_text(fake: Path, old: str, new: str) -> str:
    text = fake.read_text(encoding="utf-8")
    assert old in text
    return text.replace(old, new, 1)


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        ("number = 2", "number = 5", "has number 5, expected 2"),
        ('dist = "tt-zzgood"', 'dist = "tt-other"', "should be 'tt-zzgood'"),
        ('name = "zzbroken"', 'name = "zzgood"', "dist 'tt-zzbroken' should be 'tt-zzgood'"),
        ("through = 3", "through = 4", "through = 4 is not a module number"),
        ("through = 3", "through = 2", "must be after part 1"),
        ("requires = 3", "requires = 0", "requires = 0 is not a module number"),
        ("target = 1.0", 'target = "high"', "field 'target' must be float"),
        ('metric = "accuracy"', "", "missing field 'metric'"),
        ("part = 2", "part = 1", "says part 1, but the part boundaries put it in part 2"),
        ("[course]", "[course", "not valid TOML"),
    ],
)
def test_inconsistent_course_is_rejected(
    fake_course: Path, old: str, new: str, message: str
) -> None:
    with pytest.raises(CourseError, match=message.replace("(", r"\(").replace(")", r"\)")):
        parse_course(_course_text(fake_course, old, new), source="broken.toml")


def test_last_part_must_end_the_chain(fake_course: Path) -> None:
    text = _course_text(fake_course, "[part.2]\ntitle = \"Second\"\nthrough = 3\n", "")
    with pytest.raises(CourseError, match="the last part ends at module 2"):
        parse_course(text)
