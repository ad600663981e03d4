"""`tito template`: a student's starter package, generated from the reference.

A starter is the reference distribution with the solutions taken out: the
same name, layout and tests, every solution region's statements replaced by
`raise NotImplementedError(...)` between its two marker lines (see
`markers`), the keyword `tinytorch-reference` turned into `tinytorch-student`
(how `tito doctor` tells them apart), a fresh CHANGELOG and a README that says
what to implement, how to install, test and swap the package in.

Where the reference comes from: `source` (a package folder, or an sdist
`.tar.gz`, which holds src and tests), or the `packages/<dist>` folder of the
TinyTorch checkout the current directory is in.

The starter is built in a fresh folder beside `dest` and renamed into place
only when complete, so a failure never leaves half a starter behind.

Cost: reading and writing the package's files once; each source file is
tokenized and parsed (milliseconds).
"""

from __future__ import annotations

import os
import re
import secrets
import shutil
import sys
import tarfile
import tempfile
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import TextIO

from .checkout import find_checkout
from .course import Course, Module
from .installed import REFERENCE_KEYWORD, STUDENT_KEYWORD, InstalledPackage, find_installed
from .markers import MarkerError, Region, strip_solutions
from .starter_install import install_plan, tt_requirements
from .starter_readme import api_section, student_readme

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - exercised on Python 3.10 only
    import tomli as tomllib

# never copied into a starter: caches, build output, the sdist's metadata
SKIP_ANYWHERE = {"__pycache__", ".pytest_cache", ".ruff_cache", ".mypy_cache", ".nox", ".venv",
                 ".git", ".tox"}
SKIP_AT_ROOT = {"build", "dist", "PKG-INFO", "README.md", "CHANGELOG.md"}


class TemplateError(Exception):
    """The starter cannot be made; the message names the problem."""


@dataclass(frozen=True)
class Todo:
    """One function the student writes: where its stub is in the starter."""

    path: str  # relative to the starter, e.g. src/tinytorch/activations/relu.py
    line: int  # the line of its `raise NotImplementedError`
    qualname: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line} {self.qualname}"


@dataclass
class Starter:
    """What `write_starter` wrote."""

    module: Module
    dest: Path
    version: str
    source: str  # the reference it was made from, for messages
    todos: list[Todo] = field(default_factory=list)
    requires: list[tuple[str, str]] = field(default_factory=list)  # its tt-* (name, range)
    checkout: Path | None = None  # the checkout its dependencies can come from


def stub_message(module: Module, region: Region) -> str:
    """`tt-activations: relu is yours to write (module 03)`."""
    return f"{module.dist}: {region.qualname} is yours to write (module {module.number:02d})"


def find_module(course: Course, key: str) -> Module:
    """The module `key` names (`tt-activations` or `activations`), or a TemplateError."""
    for m in course.modules:
        if key in (m.dist, m.name):
            return m
    names = ", ".join(m.dist for m in course.modules)
    raise TemplateError(f"unknown module {key!r}; the modules of course.toml are: {names}")


def find_reference(dist: str, start: Path) -> Path:
    """`packages/<dist>` of the TinyTorch checkout that `start` is in."""
    hint = (f"pass --source PATH: a package folder, or an sdist from the course index "
            f"(pip download --no-deps --no-binary :all: {dist})")
    folder = find_checkout(start)
    if folder is not None:
        package = folder / "packages" / dist
        if (package / "pyproject.toml").is_file():
            return package
        raise TemplateError(f"the checkout at {folder} has no packages/{dist}; {hint}")
    raise TemplateError(f"no --source given and {start} is not inside a TinyTorch checkout "
                        f"(a folder with course.toml and packages/); {hint}")


def _extract_sdist(archive: Path, into: Path) -> Path:
    """Unpack an sdist's regular files (no links, nothing outside `into`); its top folder."""
    try:
        with tarfile.open(archive) as tf:
            tops = set()
            for member in tf.getmembers():
                name = PurePosixPath(member.name)
                if name.is_absolute() or ".." in name.parts:
                    raise TemplateError(f"{archive}: unsafe path {member.name!r} in the archive")
                if not name.parts:
                    continue
                tops.add(name.parts[0])
                target = into.joinpath(*name.parts)
                if member.isdir():
                    target.mkdir(parents=True, exist_ok=True)
                elif member.isfile():
                    target.parent.mkdir(parents=True, exist_ok=True)
                    data = tf.extractfile(member)
                    target.write_bytes(data.read() if data else b"")
    except (tarfile.TarError, OSError, EOFError) as exc:
        raise TemplateError(f"{archive}: not a readable sdist (.tar.gz): {exc}") from None
    if len(tops) != 1 or not (into / next(iter(tops))).is_dir():
        raise TemplateError(f"{archive}: an sdist holds one top folder, this one {sorted(tops)}")
    return into / next(iter(tops))


def _check_source(folder: Path, module: Module) -> dict:
    """The source is a package folder of `module`; its parsed pyproject.toml."""
    pyproject = folder / "pyproject.toml"
    if not pyproject.is_file():
        raise TemplateError(f"{folder} has no pyproject.toml; --source takes a package folder "
                            "or an sdist (.tar.gz)")
    try:
        meta = tomllib.loads(pyproject.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as exc:
        raise TemplateError(f"{pyproject}: not valid TOML: {exc}") from None
    name = str(meta.get("project", {}).get("name", ""))
    if re.sub(r"[-_.]+", "-", name).lower() != module.dist:
        raise TemplateError(f"{folder} holds the distribution {name!r}, not {module.dist}")
    if not (folder / "src" / "tinytorch" / module.name).is_dir():
        raise TemplateError(f"{folder} has no src/tinytorch/{module.name}/")
    return meta


def _files(folder: Path) -> list[Path]:
    """The package's files to carry over, relative to `folder`, sorted."""
    out = []
    for root, dirs, files in os.walk(folder):
        rel = Path(root).relative_to(folder)
        at_root = rel == Path(".")
        dirs[:] = sorted(d for d in dirs if d not in SKIP_ANYWHERE and not d.endswith(".egg-info")
                         and not (at_root and d in SKIP_AT_ROOT))
        out += [rel / f for f in files
                if not f.endswith((".pyc", ".pyo")) and not (at_root and f in SKIP_AT_ROOT)]
    return sorted(out)


def _student_pyproject(text: str, where: Path) -> str:
    """pyproject.toml with the reference keyword turned into the student one."""
    new = re.sub(rf"([\"']){REFERENCE_KEYWORD}\1", rf"\g<1>{STUDENT_KEYWORD}\g<1>", text)
    keywords = tomllib.loads(new).get("project", {}).get("keywords", [])
    if STUDENT_KEYWORD not in keywords or REFERENCE_KEYWORD in keywords:
        raise TemplateError(f"{where}: expected the keyword {REFERENCE_KEYWORD!r} in "
                            "[project] keywords (every reference package carries it)")
    return new


def _version(folder: Path, module: Module) -> str:
    about = folder / "src" / "tinytorch" / module.name / "__about__.py"
    found = re.search(r"__version__\s*=\s*[\"']([^\"']+)[\"']",
                      about.read_text(encoding="utf-8") if about.is_file() else "")
    return found.group(1) if found else "?"


def _course_toml_for_hook(folder: Path, course: Course) -> Path | None:
    """A course.toml for a build hook that reads one (tt-setup's), as its sdist carries."""
    hook = folder / "hatch_build.py"
    if (folder / "course.toml").is_file() or not hook.is_file():
        return None
    if "course.toml" not in hook.read_text(encoding="utf-8"):
        return None
    for candidate in (folder.parent.parent / "course.toml", Path(course.source)):
        if candidate.is_file():
            return candidate
    return None


def build_starter(course: Course, module: Module, source: Path, out: Path,
                  dest: Path | None = None) -> Starter:
    """Write the starter of `module` from the reference folder `source` into `out`.

    `dest` is where the starter will live (its README's commands name it);
    default `out`.
    """
    meta = _check_source(source, module)
    starter = Starter(module, dest or out, _version(source, module), str(source))
    for rel in _files(source):
        target = out / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        data = (source / rel).read_bytes()
        if rel == Path("pyproject.toml"):
            data = _student_pyproject(data.decode("utf-8"), source / rel).encode("utf-8")
        elif rel.parts[0] == "src" and rel.suffix == ".py":
            text, regions = strip_solutions(data.decode("utf-8"), str(source / rel),
                                            lambda r: stub_message(module, r))
            data = text.encode("utf-8")
            starter.todos += [Todo(rel.as_posix(), r.begin + 1, r.qualname) for r in regions]
        target.write_bytes(data)
    manifest = _course_toml_for_hook(source, course)
    if manifest is not None:
        shutil.copyfile(manifest, out / "course.toml")
    readme = (source / "README.md").read_text(encoding="utf-8") if (
        source / "README.md").is_file() else ""
    try:
        starter.requires = tt_requirements(meta)
    except ValueError as exc:
        raise TemplateError(f"{source / 'pyproject.toml'}: {exc}") from None
    text = student_readme(course, module, starter.dest, starter.version, starter.todos,
                          api_section(readme), [name for name, _spec in starter.requires])
    (out / "README.md").write_text(text, encoding="utf-8")
    (out / "CHANGELOG.md").write_text(
        f"# Changelog of {module.dist} (my implementation)\n\n"
        "## 0.1.0 - unreleased: my implementation\n\n"
        f"- Started from the {module.dist} {starter.version} starter "
        f"(TinyTorch module {module.number:02d}).\n",
        encoding="utf-8",
    )
    return starter


def _unused_name(dest: Path, what: str) -> Path:
    return dest.with_name(f".{dest.name}.{secrets.token_hex(4)}.{what}")


def write_starter(course: Course, key: str, dest: str | Path, source: str | Path | None = None,
                  force: bool = False, cwd: Path | None = None) -> Starter:
    """Write the starter of module `key` into `dest`; what it wrote.

    `source`: a package folder or an sdist; default: the reference folder of
    the checkout around `cwd` (the current directory). `dest` must be empty
    or missing, unless `force`, which replaces it.
    """
    module = find_module(course, key)
    cwd = Path.cwd() if cwd is None else cwd
    dest = (cwd / Path(dest).expanduser()).resolve()
    if source is None:
        src = find_reference(module.dist, cwd.resolve())
    else:
        src = (cwd / Path(source).expanduser()).resolve()
        if not src.exists():
            raise TemplateError(f"--source {src} does not exist")
        if src.is_file() and src.suffix == ".whl":
            raise TemplateError(f"--source {src} is a wheel, which has no tests; pass the sdist "
                                "(.tar.gz) or a package folder")
    if dest.exists() and not dest.is_dir():
        raise TemplateError(f"{dest} exists and is not a folder")
    if dest == src or src.is_relative_to(dest) or dest.is_relative_to(src):
        raise TemplateError(f"{dest} and the source {src} overlap; write the starter elsewhere")
    if dest.is_dir() and any(dest.iterdir()) and not force:
        raise TemplateError(f"{dest} is not empty; pass --force to replace it")
    dest.parent.mkdir(parents=True, exist_ok=True)
    work = _unused_name(dest, "tmp")
    work.mkdir()
    try:
        with tempfile.TemporaryDirectory() as unpacked:
            folder = _extract_sdist(src, Path(unpacked)) if src.is_file() else src
            starter = build_starter(course, module, folder, work, dest)
        starter.source = str(src)
        # the reference's own checkout, else the one around the current directory
        starter.checkout = find_checkout(src if src.is_dir() else cwd) or find_checkout(cwd)
        if dest.exists():
            old = _unused_name(dest, "old")
            dest.rename(old)
            try:
                work.rename(dest)
            except OSError:
                old.rename(dest)  # put the previous content back
                raise
            shutil.rmtree(old, ignore_errors=True)
        else:
            work.rename(dest)
    except MarkerError as exc:
        raise TemplateError(f"{module.dist}: {exc}") from None
    except OSError as exc:
        raise TemplateError(f"writing the starter to {dest}: {exc}") from None
    finally:
        if work.exists():
            shutil.rmtree(work, ignore_errors=True)
    return starter


def print_starter(course: Course, starter: Starter, out: TextIO,
                  installed: dict[str, InstalledPackage] | None = None) -> None:
    """What `tito template` says after writing: the functions to write, what next.

    "next" installs the starter with every tt-* package it builds on that
    `installed` (default: this environment) lacks, then runs its tests.
    """
    m, dest = starter.module, starter.dest
    out.write(f"wrote the {m.dist} starter (module {m.number:02d}) to {dest}\n"
              f"  from {starter.source} ({m.dist} {starter.version})\n")
    if starter.todos:
        out.write(f"{len(starter.todos)} function(s) to write:\n")
        width = max(len(f"{t.path}:{t.line}") for t in starter.todos)
        for t in starter.todos:
            out.write(f"  {f'{t.path}:{t.line}'.ljust(width)}  {t.qualname}\n")
    else:
        out.write(f"{m.dist} has no solution regions: the starter is the reference as it is\n")
    installed = find_installed() if installed is None else installed
    plan = install_plan(course, dest, starter.requires, starter.checkout,
                        installed)
    out.write("next, in a virtual environment (python3 -m venv .venv && . .venv/bin/activate):\n")
    for command in plan.commands:
        out.write(f"  {command}\n")
    for note in plan.notes:
        out.write(f"  ({note})\n")
    out.write(f"  (the starter's README.md, {dest / 'README.md'}, says more)\n")
