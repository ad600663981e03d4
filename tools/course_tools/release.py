"""Release one package: bump its version, move its CHANGELOG entries, re-range its dependents.

    nox -s release -- tt-tensor minor [tt-losses minor ...] [--date 2026-12-01] [--dry-run]

What a release does, in this order, and why the order:

1. plan (pure): the new version of the package (`patch`, `minor`, `major`);
   every package whose declared range on it no longer admits that version gets
   the compatible range of the new one (`>=0.2,<0.3`) and a patch release of
   its own, since a dependent must be re-published for its new range to reach
   an index; the same rule is applied to those patch releases in turn
   (transitively), although a patch never breaks a compatible range;
2. prepare every file's new text in memory: `__about__.py` is bumped by
   `hatch version` in a throw-away copy of the package and checked against the
   plan, `pyproject.toml` gets the new ranges, `CHANGELOG.md` gets a dated
   section; each text is validated (TOML parses, the version reads back, every
   range in the course admits the version it will meet);
3. build the changed packages from a staged copy of the tree with those texts
   (hatch, wheel + sdist), `twine check --strict` them: a release that does not
   build changes nothing;
4. write every file (all temp files first, then one `os.replace` each, so a
   failure leaves the tree as it was) and put the built files in `dist/`,
   emptied first, so that `nox -s publish` uploads exactly this release.

The CHANGELOG convention (docs/maintainers.md): every change adds a line under
`## Unreleased`, the first section; a release renames that section to
`## X.Y.Z - YYYY-MM-DD`. Releasing a package whose `Unreleased` section is
missing or empty is refused: a release must say what changed. A dependent that
is re-released for its range gets a generated line (plus its own unreleased
entries, if it has any).
"""

from __future__ import annotations

import argparse
import datetime
import os
import re
import shutil
import subprocess
import sys
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from packaging.requirements import InvalidRequirement, Requirement
from packaging.utils import canonicalize_name
from packaging.version import InvalidVersion, Version

from .contract import package_folders, read_version
from .files import write_all
from .install import last_line
from .manifest import REPO, Course, load
from .options import UsageError, _Parser

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

PARTS = ("patch", "minor", "major")
UNRELEASED = re.compile(r"^##\s+\[?unreleased\]?\s*$", re.IGNORECASE)
SECTION = re.compile(r"^##\s+\[?(?P<version>[^\s\]]+)\]?(?:\s+-\s+.*)?$")
Log = Callable[[str], None]
IGNORE = shutil.ignore_patterns("__pycache__", ".pytest_cache", "dist", "build", "*.egg-info")


class ReleaseError(Exception):
    """The release cannot go ahead; the message says why. Nothing was written."""


# -- what the tree holds ------------------------------------------------------
@dataclass(frozen=True)
class Package:
    """One package folder as the release sees it."""

    dist: str
    folder: Path
    version: str
    about: Path  # the file hatch reads the version from
    deps: dict[str, str]  # tt-* dependency -> the requirement exactly as written


def _about_path(folder: Path, project: dict[str, Any], name: str) -> Path:
    """`[tool.hatch.version] path`, else the house layout's `src/tinytorch/<name>/__about__.py`."""
    path = project.get("tool", {}).get("hatch", {}).get("version", {}).get("path")
    return folder / (path or f"src/tinytorch/{name}/__about__.py")


def read_packages(repo: Path, course: Course) -> dict[str, Package]:
    """Every package folder of `repo` that is a module of the course, in chain order."""
    order = {m.dist: m for m in course.modules}
    found: dict[str, Package] = {}
    for folder in package_folders(repo):
        if folder.name not in order or not (folder / "pyproject.toml").is_file():
            continue
        pyproject = folder / "pyproject.toml"
        try:
            data = tomllib.loads(pyproject.read_text(encoding="utf-8"))
        except (OSError, tomllib.TOMLDecodeError) as exc:
            raise ReleaseError(f"{pyproject} cannot be read: {exc}") from None
        about = _about_path(folder, data, order[folder.name].name)
        version = read_version(about)
        if version is None:
            raise ReleaseError(f"{about} has no literal __version__ = '...'")
        deps: dict[str, str] = {}
        for text in data.get("project", {}).get("dependencies", []):
            try:
                name = canonicalize_name(Requirement(text).name)
            except InvalidRequirement as exc:
                raise ReleaseError(f"{pyproject}: dependency {text!r} is invalid: {exc}") from None
            if name.startswith("tt-"):
                deps[name] = text
        found[folder.name] = Package(folder.name, folder, version, about, deps)
    return {d: found[d] for d in order if d in found}


# -- the version and range maths (pure) ----------------------------------------
def release_numbers(version: str) -> tuple[int, int, int]:
    """(major, minor, patch) of a plain release; pre-, post- and dev-releases are refused."""
    try:
        v = Version(version)
    except InvalidVersion:
        raise ReleaseError(f"{version!r} is not a PEP 440 version") from None
    if v.pre or v.post is not None or v.dev is not None or v.local or v.epoch:
        raise ReleaseError(
            f"{version} is not a plain X.Y.Z release; set such versions by hand with hatch"
        )
    if len(v.release) > 3:
        raise ReleaseError(f"{version} has more than three release numbers")
    major, minor, patch = (*v.release, 0, 0)[:3]
    return major, minor, patch


def bump(version: str, part: str) -> str:
    """`bump("0.1.3", "minor") == "0.2.0"`: what `hatch version <part>` does to X.Y.Z."""
    major, minor, patch = release_numbers(version)
    if part == "major":
        return f"{major + 1}.0.0"
    if part == "minor":
        return f"{major}.{minor + 1}.0"
    if part == "patch":
        return f"{major}.{minor}.{patch + 1}"
    raise ReleaseError(f"unknown part {part!r}; use one of {', '.join(PARTS)}")


def compatible_range(version: str) -> str:
    """The range a dependent declares on `version`: `>=0.2,<0.3` (0.x), `>=1.0,<2.0` (1.x+).

    Below 1.0 a minor bump may break the API, from 1.0 on only a major one, so
    the range admits the versions up to the next breaking one (exclusive).
    """
    major, minor, patch = release_numbers(version)
    lower = f"{major}.{minor}" if patch == 0 else f"{major}.{minor}.{patch}"
    upper = f"0.{minor + 1}" if major == 0 else f"{major + 1}.0"
    return f">={lower},<{upper}"


def admits(requirement: str, version: str) -> bool:
    """Whether the requirement's range admits `version`."""
    return Requirement(requirement).specifier.contains(version, prereleases=True)


def with_range(requirement: str, spec: str) -> str:
    """The requirement with its range replaced, name and marker kept: `tt-x>=0.2,<0.3`."""
    req = Requirement(requirement)
    marker = f"; {req.marker}" if req.marker else ""
    extras = f"[{','.join(sorted(req.extras))}]" if req.extras else ""
    return f"{req.name}{extras}{spec}{marker}"


@dataclass(frozen=True)
class RangeMove:
    dep: str
    old: str  # the requirement as written
    new: str


@dataclass
class Change:
    """One package this release changes."""

    dist: str
    old: str
    new: str
    part: str
    why: str  # "requested", or which range moved
    ranges: list[RangeMove] = field(default_factory=list)

    @property
    def requested(self) -> bool:
        return self.why == "requested"


def plan_release(packages: dict[str, Package], dist: str, part: str) -> list[Change]:
    """The package's bump and the cascade over its dependents, in chain order."""
    return plan_releases(packages, [(dist, part)])


def plan_releases(packages: dict[str, Package],
                  requests: Sequence[tuple[str, str]]) -> list[Change]:
    """Several requested bumps released together, and the cascade over their dependents.

    Releasing together is what a change across packages needs: when tt-tensor
    changes its API and tt-losses adds a feature in the same change, both get
    the bump they asked for (not a generated patch for tt-losses), and
    tt-losses's range on tt-tensor moves in the same release.
    """
    if not requests:
        raise ReleaseError("nothing to release: name at least one package and its part")
    changes: dict[str, Change] = {}
    for dist, part in requests:
        if part not in PARTS:
            raise ReleaseError(f"unknown part {part!r}; use one of {', '.join(PARTS)}")
        if dist not in packages:
            raise ReleaseError(f"{dist} has no package folder in packages/")
        if dist in changes:
            raise ReleaseError(f"{dist} is named twice; name each package once")
        target = packages[dist]
        changes[dist] = Change(dist, target.version, bump(target.version, part), part,
                               "requested")
    deps = {d: dict(p.deps) for d, p in packages.items()}  # with the moves applied
    queue = list(changes)
    while queue:
        moved = queue.pop(0)
        version = changes[moved].new
        for p in packages.values():
            req = deps[p.dist].get(moved)
            if req is None or admits(req, version):
                continue
            new_req = with_range(req, compatible_range(version))
            deps[p.dist][moved] = new_req
            if p.dist not in changes:
                changes[p.dist] = Change(p.dist, p.version, bump(p.version, "patch"), "patch",
                                         f"its range on {moved} moved")
                queue.append(p.dist)
            changes[p.dist].ranges.append(RangeMove(moved, req, new_req))
    check_ranges(packages, changes)
    return [changes[d] for d in packages if d in changes]


def check_ranges(packages: dict[str, Package], changes: dict[str, Change]) -> None:
    """After the release, every declared range admits the version of what it names."""
    versions = {d: changes[d].new if d in changes else p.version for d, p in packages.items()}
    problems = []
    for p in packages.values():
        moved = {m.dep: m.new for m in changes[p.dist].ranges} if p.dist in changes else {}
        for dep, req in p.deps.items():
            req = moved.get(dep, req)
            if dep in versions and not admits(req, versions[dep]):
                problems.append(f"{p.dist} requires {req}, which does not admit "
                                f"{dep} {versions[dep]}")
    if problems:
        raise ReleaseError("the ranges would not fit after this release: " + "; ".join(problems)
                           + " (fix these ranges by hand first)")


# -- the texts (pure) ------------------------------------------------------------
def release_changelog(text: str, version: str, date: str, generated: Sequence[str] = (),
                      require_entries: bool = False, who: str = "CHANGELOG.md") -> str:
    """`text` with its `## Unreleased` section turned into `## <version> - <date>`.

    `generated` lines go at the end of the section. Without an `Unreleased`
    section the new section goes before the first `## ` one. With
    `require_entries`, a missing or empty `Unreleased` section is an error.
    """
    lines = text.splitlines()
    heads = [i for i, line in enumerate(lines) if line.startswith("## ")]
    unreleased = [i for i in heads if UNRELEASED.match(lines[i])]
    for i in heads:
        m = SECTION.match(lines[i])
        if m and not UNRELEASED.match(lines[i]) and m["version"] == version:
            raise ReleaseError(f"{who} already has a section for {version}")
    if len(unreleased) > 1:
        raise ReleaseError(f"{who} has {len(unreleased)} '## Unreleased' sections; merge them")
    if unreleased and unreleased[0] != heads[0]:
        raise ReleaseError(f"{who}: '## Unreleased' must be the first '## ' section")
    start = unreleased[0] if unreleased else None
    end = next((i for i in heads if start is not None and i > start), len(lines))
    entries = [] if start is None else lines[start + 1 : end]
    while entries and not entries[-1].strip():
        entries.pop()
    while entries and not entries[0].strip():
        entries.pop(0)
    if require_entries and not entries:
        where = "an empty '## Unreleased' section" if start is not None else \
            "no '## Unreleased' section"
        raise ReleaseError(
            f"{who} has {where}: write what changed there first (see docs/maintainers.md)"
        )
    body = [*entries, *generated]
    section = [f"## {version} - {date}", "", *body, ""]
    if start is not None:
        out = lines[:start] + section + lines[end:]
    elif heads:
        out = lines[: heads[0]] + section + lines[heads[0] :]
    else:
        out = [*lines, *([""] if lines and lines[-1].strip() else []), *section]
    return "\n".join(out).rstrip("\n") + "\n"


def spec_text(requirement: str) -> str:
    """The range of a requirement as written: `>=0.1,<0.2` of `tt-x>=0.1,<0.2; marker`."""
    m = re.match(r"^\s*[A-Za-z0-9][A-Za-z0-9._-]*\s*(\[[^\]]*\])?\s*([^;]*)", requirement)
    return (m[2] if m else "").strip().strip("()").strip()


def moved_range_line(move: RangeMove, version: str, code_changed: bool = False) -> str:
    """The generated CHANGELOG line of a dependent whose range moved.

    "no code change" is said only of a package released for its range alone:
    one with entries of its own under `## Unreleased` did change.
    """
    old = spec_text(move.old) or "no range"
    line = f"- Requires `{move.new}` (was `{old}`) to install with {move.dep} {version}"
    return line + ("." if code_changed else "; no code change.")


def has_unreleased_entries(text: str) -> bool:
    """True when a CHANGELOG's `## Unreleased` section says something."""
    lines = text.splitlines()
    start = next((i for i, line in enumerate(lines) if UNRELEASED.match(line)), None)
    if start is None:
        return False
    for line in lines[start + 1:]:
        if line.startswith("## "):
            return False
        if line.strip():
            return True
    return False


def set_requirement(text: str, old: str, new: str, who: str = "pyproject.toml") -> str:
    """Replace the quoted requirement `old` by `new` in a pyproject's text, checked."""
    found = [q for q in ('"', "'") if f"{q}{old}{q}" in text]
    count = sum(text.count(f"{q}{old}{q}") for q in found)
    if count != 1:
        raise ReleaseError(f"{who}: expected the requirement {old!r} once, found it {count} times")
    q = found[0]
    out = text.replace(f"{q}{old}{q}", f"{q}{new}{q}")
    try:
        deps = tomllib.loads(out)["project"]["dependencies"]
    except (tomllib.TOMLDecodeError, KeyError) as exc:
        raise ReleaseError(f"{who}: the edited file does not parse: {exc}") from None
    if new not in deps or old in deps:
        raise ReleaseError(f"{who}: {old!r} is not in [project] dependencies")
    return out


# -- hatch, in a throw-away copy --------------------------------------------------
def hatch_env(data_dir: Path) -> dict[str, str]:
    """The environment for hatch: its own data dir, none of the venv variables nox sets."""
    env = {k: v for k, v in os.environ.items()
           if k not in ("VIRTUAL_ENV", "UV_PYTHON", "UV_PROJECT_ENVIRONMENT", "PYTHONPATH")}
    env["HATCH_DATA_DIR"] = str(data_dir)
    return env


def hatch_bump(pkg: Package, part: str, hatch: Sequence[str], work: Path) -> tuple[str, str]:
    """(new text of `pkg.about`, its version), as `hatch version <part>` writes it in a copy."""
    copy = work / "version" / pkg.dist
    shutil.rmtree(copy, ignore_errors=True)
    shutil.copytree(pkg.folder, copy, ignore=IGNORE)  # build hooks and all: hatch loads them
    about = copy / pkg.about.relative_to(pkg.folder)
    proc = subprocess.run([*hatch, "version", part], cwd=copy, env=hatch_env(work / "hatch"),
                          capture_output=True, text=True, check=False)
    if proc.returncode:
        raise ReleaseError(f"hatch version {part} failed for {pkg.dist}: "
                           f"{last_line(proc.stdout + proc.stderr)}")
    return about.read_text(encoding="utf-8"), str(read_version(about))


def prepare(packages: dict[str, Package], changes: Sequence[Change], date: str,
            hatch: Sequence[str], work: Path) -> dict[Path, str]:
    """The new text of every file the release changes, each one validated."""
    texts: dict[Path, str] = {}
    version_of = {c.dist: c.new for c in changes}
    for ch in changes:
        pkg = packages[ch.dist]
        repo = pkg.folder.parent.parent
        about, version = hatch_bump(pkg, ch.part, hatch, work)
        if version != ch.new:
            raise ReleaseError(f"hatch bumped {ch.dist} {ch.old} to {version}, "
                               f"but the plan says {ch.new}")
        texts[pkg.about] = about
        pyproject = pkg.folder / "pyproject.toml"
        text = pyproject.read_text(encoding="utf-8")
        for move in ch.ranges:
            text = set_requirement(text, move.old, move.new, str(pyproject.relative_to(repo)))
        if ch.ranges:
            texts[pyproject] = text
        changelog = pkg.folder / "CHANGELOG.md"
        old = changelog.read_text(encoding="utf-8") if changelog.is_file() else \
            f"# Changelog of {ch.dist}\n"
        own = has_unreleased_entries(old)
        generated = [moved_range_line(m, version_of[m.dep], code_changed=own or ch.requested)
                     for m in ch.ranges]
        texts[changelog] = release_changelog(old, ch.new, date, generated, ch.requested,
                                             str(changelog.relative_to(repo)))
    return texts


# -- build from a staged copy, then write -----------------------------------------
def stage(repo: Path, changes: Sequence[Change], texts: dict[Path, str], work: Path) -> Path:
    """A copy of `course.toml` and of the changed packages, with the new texts applied."""
    root = work / "stage"
    shutil.rmtree(root, ignore_errors=True)
    (root / "packages").mkdir(parents=True)
    shutil.copy2(repo / "course.toml", root / "course.toml")
    for ch in changes:
        shutil.copytree(repo / "packages" / ch.dist, root / "packages" / ch.dist, ignore=IGNORE)
    for path, text in texts.items():
        (root / path.relative_to(repo)).write_text(text, encoding="utf-8")
    return root


def build(folders: Iterable[Path], out: Path, hatch: Sequence[str], twine: Sequence[str],
          work: Path, log: Log) -> list[Path]:
    """Wheel and sdist of each folder into `out` (hatch), then `twine check --strict`."""
    out.mkdir(parents=True, exist_ok=True)
    env = hatch_env(work / "hatch")
    for folder in folders:
        log(f"hatch build {folder.name}")
        proc = subprocess.run([*hatch, "build", "-t", "wheel", "-t", "sdist", str(out)],
                              cwd=folder, env=env, capture_output=True, text=True, check=False)
        if proc.returncode:
            raise ReleaseError(f"{folder.name} does not build: "
                               f"{last_line(proc.stdout + proc.stderr)}")
    files = sorted(out.iterdir())
    proc = subprocess.run([*twine, "check", "--strict", *map(str, files)],
                          capture_output=True, text=True, check=False)
    if proc.returncode:
        failing = [line.strip() for line in (proc.stdout + proc.stderr).splitlines()
                   if "FAILED" in line or "ERROR" in line or "WARNING" in line]
        raise ReleaseError("twine check --strict failed: " + " ".join(failing[:4]))
    return files


# -- the whole release ----------------------------------------------------------------
@dataclass
class Result:
    changes: list[Change]
    files: list[Path]  # the files of the tree that changed
    built: list[Path]  # what is now in dist/


def release(repo: Path, dist: str, part: str, date: str, hatch: Sequence[str],
            twine: Sequence[str], work: Path, log: Log = print, dry_run: bool = False,
            check_artifacts: Callable[[Path], list[str]] | None = None,
            also: Sequence[tuple[str, str]] = ()) -> Result:
    """Plan, prepare, build from a staged copy, then write the tree and fill `dist/`.

    `also`: more (package, part) bumps released together with `dist`.
    """
    course = load(repo)
    requests = []
    for name, bump_part in [(dist, part), *also]:
        try:
            requests.append((course.module(name).dist, bump_part))
        except KeyError:
            raise ReleaseError(f"{name} is not a module of course.toml") from None
    packages = read_packages(repo, course)
    changes = plan_releases(packages, requests)
    for line in describe(changes):
        log(line)
    for ch in changes:
        changelog = packages[ch.dist].folder / "CHANGELOG.md"
        if not ch.requested and changelog.is_file() and \
                has_unreleased_entries(changelog.read_text(encoding="utf-8")):
            log(f"note: {ch.dist} has unreleased entries of its own but gets only a "
                f"patch release for its range; name it with its part to bump it more")
    texts = prepare(packages, changes, date, hatch, work)
    if dry_run:
        log(f"dry run: would change {len(texts)} files; nothing written")
        return Result(changes, sorted(texts), [])
    root = stage(repo, changes, texts, work)
    built_dir = root / "dist"
    built = build([root / "packages" / ch.dist for ch in changes], built_dir, hatch, twine,
                  work, log)
    if check_artifacts is not None:
        problems = check_artifacts(built_dir)
        if problems:
            raise ReleaseError("the built artifacts have problems: " + "; ".join(problems))
    write_all(texts)
    dist_dir = repo / "dist"
    shutil.rmtree(dist_dir, ignore_errors=True)
    dist_dir.mkdir()
    moved = [Path(shutil.move(str(f), dist_dir / f.name)) for f in built]
    log("changed files:")
    for path in sorted(texts):
        log(f"  {path.relative_to(repo)}")
    log(f"built into {dist_dir.relative_to(repo)}/ and checked (twine check --strict):")
    for path in moved:
        log(f"  {path.name}")
    return Result(changes, sorted(texts), moved)


def describe(changes: Sequence[Change]) -> list[str]:
    """The plan as lines: package, old -> new, why, moved ranges."""
    width = max(len(ch.dist) for ch in changes)
    lines = ["release plan:"]
    for ch in changes:
        lines.append(f"  {ch.dist.ljust(width)}  {ch.old} -> {ch.new}  ({ch.part}: {ch.why})")
        for move in ch.ranges:
            lines.append(f"  {''.ljust(width)}    requires {move.new} (was {move.old})")
    return lines


# -- the nox session --------------------------------------------------------------------
def parse_args(posargs: Sequence[str]) -> argparse.Namespace:
    """`tt-<name> {patch|minor|major} [tt-<name> PART ...] [--date YYYY-MM-DD] [--dry-run]`."""
    parser = _Parser(prog="nox -s release --", add_help=False)
    parser.add_argument("dist", help="the package to release, e.g. tt-tensor")
    parser.add_argument("part", choices=PARTS)
    parser.add_argument("more", nargs="*", metavar="DIST PART",
                        help="more packages released together, each followed by its part")
    parser.add_argument("--date", default=datetime.date.today().isoformat(),
                        help="the date of the CHANGELOG section (default: today)")
    parser.add_argument("--dry-run", action="store_true", help="print the plan, write nothing")
    ns = parser.parse_args(list(posargs))
    if len(ns.more) % 2:
        raise UsageError(f"{ns.more[-1]!r} has no part: give each package as DIST PART")
    ns.also = list(zip(ns.more[::2], ns.more[1::2], strict=True))
    for name, bump_part in ns.also:
        if bump_part not in PARTS:
            raise UsageError(f"{name} {bump_part!r}: the part must be one of {', '.join(PARTS)}")
    try:
        datetime.date.fromisoformat(ns.date)
    except ValueError:
        raise UsageError(f"--date {ns.date!r}: expected YYYY-MM-DD") from None
    return ns


def session(session: Any) -> None:
    """Bump a package, move its CHANGELOG entries, re-range its dependents, build, check."""
    from .artifacts import check_setup_manifest
    from .install import venv_python

    try:
        ns = parse_args(session.posargs)
    except UsageError as exc:
        session.error(str(exc))
    session.install("hatch", "twine")
    python = venv_python(session)
    bin_dir = Path(session.bin)
    work = Path(session.create_tmp()).resolve() / "release"
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True)

    def check(built: Path) -> list[str]:
        if not list(built.glob("tt_setup-*")):
            return []
        return check_setup_manifest(built, REPO / "course.toml", python)

    try:
        release(REPO, ns.dist, ns.part, ns.date, [str(bin_dir / "hatch")],
                [str(bin_dir / "twine")], work, session.log, ns.dry_run, check, ns.also)
    except ReleaseError as exc:
        session.error(f"release refused, nothing written: {exc}")
    if not ns.dry_run:
        session.log("next: review `git diff`, commit, then "
                    "`nox -s publish -- --repository-url URL` (docs/maintainers.md)")
