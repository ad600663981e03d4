"""The course map: modules in order, parts, milestones, read from `course.toml`.

Why this file exists
--------------------
`course.toml` at the root of the repository is the one place where the module
chain is written down. Everything that needs the order (the `tito` CLI, the
nox sessions, the docs, the tests) reads it through `load_course`, so there is
no second copy to drift out of date. The wheel of tt-setup carries a copy of
the file, made when the wheel is built, so `tito` knows the chain on a machine
without the repository.

The two ideas a reader needs:

- the chain is ordered: module `n` may use only modules `1..n-1`, so "what
  does module 7 need?" is simply the prefix `modules_through(7)`;
- a part is such a prefix (part 2 = modules 1..12), and a milestone needs the
  prefix up to its `requires` module.

Cost: parsing a 5 KB TOML file, once per call; nothing is cached.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - exercised on Python 3.10 only
    import tomli as tomllib

MANIFEST = "course.toml"


class CourseError(ValueError):
    """`course.toml` is missing, unreadable or inconsistent."""


@dataclass(frozen=True)
class Module:
    """One module of the chain: one distribution, one import package."""

    number: int
    dist: str
    name: str
    part: int
    summary: str

    @property
    def import_name(self) -> str:
        """The import path, e.g. `tinytorch.tensor`."""
        return f"tinytorch.{self.name}"

    @property
    def label(self) -> str:
        """Short label for tables and messages: `07 tt-autograd`."""
        return f"{self.number:02d} {self.dist}"


@dataclass(frozen=True)
class Part:
    """A part of the course: the prefix of the chain that ends at module `through`."""

    number: int
    title: str
    through: int
    modules: tuple[Module, ...]  # the whole prefix 1..through

    @property
    def new_modules(self) -> tuple[Module, ...]:
        """The modules this part adds to the previous one."""
        return tuple(m for m in self.modules if m.part == self.number)


@dataclass(frozen=True)
class Milestone:
    """A historical milestone: `milestones/<name>.py`, needing modules 1..requires."""

    name: str
    title: str
    requires: int
    metric: str
    target: float
    data_targets: dict[str, float] = field(default_factory=dict, hash=False)

    @property
    def script(self) -> str:
        """The script's path relative to the repository root."""
        return f"milestones/{self.name}.py"


@dataclass(frozen=True)
class Course:
    """The whole map. Build it with `load_course`."""

    name: str
    namespace: str
    modules: tuple[Module, ...]
    parts: tuple[Part, ...]
    milestones: tuple[Milestone, ...]
    source: str = ""  # where it was read from, for messages

    def module(self, key: int | str) -> Module:
        """A module by number (7), distribution ('tt-autograd') or name ('autograd')."""
        for m in self.modules:
            if key in (m.number, m.dist, m.name):
                return m
        raise KeyError(f"course: no module {key!r} in {self.source or 'course.toml'}")

    def modules_through(self, n: int | str) -> tuple[Module, ...]:
        """The prefix of the chain up to and including module `n` (number, dist or name)."""
        last = self.module(n).number
        return self.modules[:last]

    def part(self, n: int) -> Part:
        """Part `n` (1-based)."""
        for p in self.parts:
            if p.number == n:
                return p
        numbers = ", ".join(str(p.number) for p in self.parts)
        raise KeyError(f"course: no part {n!r}; parts are {numbers}")

    def milestones_unlocked_by(self, n: int | str) -> tuple[Milestone, ...]:
        """The milestones that the prefix through module `n` makes runnable."""
        last = self.module(n).number
        return tuple(ms for ms in self.milestones if ms.requires <= last)

    def milestone(self, name: str) -> Milestone:
        """A milestone by name."""
        for ms in self.milestones:
            if ms.name == name:
                return ms
        raise KeyError(f"course: no milestone {name!r}")


def load_course(path: str | Path | None = None) -> Course:
    """Read and check the course map.

    With no `path`, read the copy packaged inside tt-setup; in a source
    checkout or an editable install, where there is no packaged copy, read the
    repository's `course.toml` found above this file.
    """
    if path is not None:
        path = Path(path)
        try:
            text = path.read_text(encoding="utf-8")
        except OSError as exc:
            raise CourseError(f"course: cannot read {path}: {exc.strerror}") from None
        return parse_course(text, source=str(path))
    packaged = resources.files(__package__).joinpath(MANIFEST)
    if packaged.is_file():
        return parse_course(packaged.read_text(encoding="utf-8"), source=str(packaged))
    for parent in Path(__file__).resolve().parents:
        candidate = parent / MANIFEST
        if candidate.is_file():
            return load_course(candidate)
    raise CourseError(
        "course: no course.toml packaged with tt-setup and none found above "
        f"{Path(__file__).parent}; reinstall tt-setup from a wheel"
    )


def parse_course(text: str, source: str = "course.toml") -> Course:
    """Parse the text of a `course.toml` and check that it is consistent."""
    try:
        raw = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise CourseError(f"course: {source}: not valid TOML: {exc}") from None
    head = raw.get("course", {})
    modules = tuple(_module(entry, source) for entry in raw.get("module", []))
    _check_modules(modules, source)
    parts = _parts(raw.get("part", {}), modules, source)
    milestones = tuple(
        _milestone(entry, len(modules), source) for entry in raw.get("milestone", [])
    )
    names = [ms.name for ms in milestones]
    dupes = sorted({n for n in names if names.count(n) > 1})
    if dupes:
        raise CourseError(f"course: {source}: milestone names repeated: {', '.join(dupes)}")
    return Course(
        name=str(head.get("name", "TinyTorch")),
        namespace=str(head.get("namespace", "tinytorch")),
        modules=modules,
        parts=parts,
        milestones=milestones,
        source=source,
    )


def _field(entry: dict[str, Any], key: str, kind: type, where: str) -> Any:
    """One required, typed field of a table, or a CourseError naming it."""
    if key not in entry:
        raise CourseError(f"course: {where}: missing field {key!r}")
    value = entry[key]
    if kind is float and isinstance(value, int) and not isinstance(value, bool):
        value = float(value)
    if not isinstance(value, kind) or isinstance(value, bool):
        raise CourseError(
            f"course: {where}: field {key!r} must be {kind.__name__}, got {value!r}"
        )
    return value


def _module(entry: dict[str, Any], source: str) -> Module:
    """One `[[module]]` table."""
    where = f"{source}: [[module]] {entry.get('dist', entry.get('number', '?'))}"
    return Module(
        number=_field(entry, "number", int, where),
        dist=_field(entry, "dist", str, where),
        name=_field(entry, "name", str, where),
        part=_field(entry, "part", int, where),
        summary=str(entry.get("summary", "")),
    )


def _check_modules(modules: tuple[Module, ...], source: str) -> None:
    """Numbers 1..N in order, unique names, `tt-<name>` distributions."""
    if not modules:
        raise CourseError(f"course: {source}: no [[module]] entries")
    for i, m in enumerate(modules, start=1):
        if m.number != i:
            raise CourseError(
                f"course: {source}: module {m.dist} has number {m.number}, expected {i} "
                "(modules are listed in order, numbered from 1)"
            )
        if m.dist != f"tt-{m.name}":
            raise CourseError(
                f"course: {source}: module {m.number}: dist {m.dist!r} should be 'tt-{m.name}'"
            )
        if not m.name.isidentifier():
            raise CourseError(f"course: {source}: module {m.number}: {m.name!r} is not importable")
    names = [m.name for m in modules]
    dupes = sorted({n for n in names if names.count(n) > 1})
    if dupes:
        raise CourseError(f"course: {source}: module names repeated: {', '.join(dupes)}")


def _parts(
    table: dict[str, Any], modules: tuple[Module, ...], source: str
) -> tuple[Part, ...]:
    """The `[part.N]` tables, checked to cover the chain in increasing prefixes."""
    parts: list[Part] = []
    for key in sorted(table, key=lambda k: int(k) if k.isdigit() else -1):
        if not key.isdigit():
            raise CourseError(f"course: {source}: part {key!r} is not a number")
        where = f"{source}: [part.{key}]"
        entry = table[key]
        through = _field(entry, "through", int, where)
        if not 1 <= through <= len(modules):
            raise CourseError(f"course: {where}: through = {through} is not a module number")
        if parts and through <= parts[-1].through:
            raise CourseError(
                f"course: {where}: through = {through} must be after part "
                f"{parts[-1].number}'s {parts[-1].through}"
            )
        parts.append(Part(int(key), str(entry.get("title", "")), through, modules[:through]))
    if not parts:
        raise CourseError(f"course: {source}: no [part.N] tables")
    if [p.number for p in parts] != list(range(1, len(parts) + 1)):
        raise CourseError(f"course: {source}: parts must be numbered 1, 2, ... without gaps")
    if parts[-1].through != len(modules):
        raise CourseError(
            f"course: {source}: the last part ends at module {parts[-1].through}, "
            f"but the chain has {len(modules)} modules"
        )
    for m in modules:
        expected = next(p.number for p in parts if m.number <= p.through)
        if m.part != expected:
            raise CourseError(
                f"course: {source}: module {m.label} says part {m.part}, "
                f"but the part boundaries put it in part {expected}"
            )
    return tuple(parts)


def _milestone(entry: dict[str, Any], n_modules: int, source: str) -> Milestone:
    """One `[[milestone]]` table."""
    where = f"{source}: [[milestone]] {entry.get('name', '?')}"
    requires = _field(entry, "requires", int, where)
    if not 1 <= requires <= n_modules:
        raise CourseError(f"course: {where}: requires = {requires} is not a module number")
    data_targets = entry.get("data_targets", {})
    if not isinstance(data_targets, dict):
        raise CourseError(f"course: {where}: data_targets must be a table")
    return Milestone(
        name=_field(entry, "name", str, where),
        title=str(entry.get("title", "")),
        requires=requires,
        metric=_field(entry, "metric", str, where),
        target=_field(entry, "target", float, where),
        data_targets={str(k): float(v) for k, v in data_targets.items()},
    )
