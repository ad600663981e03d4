"""What a student handed in: which module each entry is, and whether it may be graded.

Intake never aborts a class. Each entry of a student's folder (a package folder
or a wheel) is identified by the name it declares, `[project].name` of its
`pyproject.toml` or `Name:` of the wheel's METADATA, never by its file name,
so an oddly named wheel is still found. Everything that cannot be graded gets
one reason in the report: two entries for one module (neither is graded: we
do not guess which one the student meant), a folder that is not a package, a
name that is not a module of the course.

A submission may also be REFUSED before any of its code runs, with a reason,
when it ships something that would run outside the code under test or change
how it is judged (`refusals`):

- a build that runs code: a build backend other than hatchling, an in-tree
  backend (`backend-path`), `setup.py`, hatch build or metadata hooks, or a
  version read by executing code (`[tool.hatch.version] source = "code"`);
  the course's own build (hatchling, version by regex) runs none of the
  package's code, so building is inert;
- files that Python or pytest run on their own: `*.pth`, `sitecustomize.py`,
  `usercustomize.py`, entry points (a `pytest11` plugin is one), and anything
  installed outside the module's own `tinytorch/<name>/` folder (a wheel's
  `.data/` scripts, another module's files, top-level modules);
- dependencies other than NumPy, earlier modules of the course and what the
  reference package itself depends on: an arbitrary dependency could bring
  any of the above with it.

What the course's own package of that module has is allowed as it is: tt-setup's
build hook (`hatch_build.py`, byte for byte the course's) and its `tito` script.
"""

from __future__ import annotations

import re
import sys
import zipfile
from dataclasses import dataclass
from email.parser import HeaderParser
from pathlib import Path
from typing import Any

from .manifest import Course, Module, package_dir
from .options import normalize

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

AUTORUN = ("sitecustomize.py", "usercustomize.py")
MAX_WHEEL_FILES = 5000
ALLOWED_BACKEND = "hatchling.build"


@dataclass(frozen=True)
class Submission:
    """One package of the student's: a course module and the folder or wheel holding it."""

    module: Module
    path: Path


@dataclass(frozen=True)
class Skipped:
    """An entry that is not graded, and the one reason why."""

    path: str
    reason: str


def wheel_metadata(path: Path) -> dict[str, object]:
    """The METADATA headers of a wheel (`Name`, and `Requires-Dist` as a list)."""
    with zipfile.ZipFile(path) as zf:
        names = [n for n in zf.namelist() if re.fullmatch(r"[^/]+\.dist-info/METADATA", n)]
        if len(names) != 1:
            raise ValueError(f"expected one .dist-info/METADATA, found {len(names)}")
        headers = HeaderParser().parsestr(zf.read(names[0]).decode("utf-8", errors="replace"))
    return {"Name": headers.get("Name", ""), "Requires-Dist": headers.get_all("Requires-Dist")
            or []}


def identify(path: Path, course: Course) -> tuple[Module | None, str]:
    """The course module a folder or wheel holds, or None and why not."""
    dists = {m.dist: m for m in course.modules}
    if path.is_dir():
        pyproject = path / "pyproject.toml"
        if not pyproject.is_file():
            return None, "no pyproject.toml: not a package folder"
        try:
            name = str(tomllib.loads(pyproject.read_text(encoding="utf-8"))["project"]["name"])
        except (tomllib.TOMLDecodeError, KeyError, TypeError, UnicodeDecodeError) as exc:
            # a broken pyproject in a folder named after a module is graded (and fails to
            # build, with the reason); anything else is not ours to guess
            if normalize(path.name) in dists:
                return dists[normalize(path.name)], ""
            return None, f"cannot read [project].name from pyproject.toml ({exc})"
    elif path.suffix == ".whl":
        try:
            name = str(wheel_metadata(path)["Name"])
        except (OSError, ValueError, zipfile.BadZipFile) as exc:
            name = path.name.split("-")[0]  # graded by its file name; the install will fail
            if normalize(name) not in dists:
                return None, f"not a readable wheel ({exc})"
    else:
        return None, "neither a package folder nor a wheel (.whl)"
    module = dists.get(normalize(name))
    if module is None:
        return None, f"{name!r} is not a tt-* module of course.toml"
    return module, ""


def discover(folder: Path, course: Course) -> tuple[list[Submission], list[Skipped]]:
    """The student's packages in course order, and the entries that are not graded.

    Hidden entries (`.git`, `.DS_Store`) are ignored. A module given twice is
    not graded, and each of its entries says why.
    """
    found: dict[str, list[Path]] = {}
    skipped: list[Skipped] = []
    for path in sorted(folder.iterdir()):
        if path.name.startswith("."):
            continue
        module, reason = identify(path, course)
        if module is None:
            skipped.append(Skipped(str(path), reason))
        else:
            found.setdefault(module.dist, []).append(path)
    subs = []
    for dist, paths in found.items():
        if len(paths) == 1:
            subs.append(Submission(course.module(dist), paths[0]))
            continue
        names = " and ".join(p.name for p in paths)
        skipped += [Skipped(str(p), f"{dist} is handed in twice ({names}): neither is graded; "
                                    "keep one") for p in paths]
    return sorted(subs, key=lambda s: s.module.number), skipped


def _reference(module: Module) -> dict[str, Any]:
    """The course's own pyproject.toml of `module` (empty when it has none yet)."""
    try:
        return tomllib.loads((package_dir(module.dist) / "pyproject.toml").read_text("utf-8"))
    except (OSError, tomllib.TOMLDecodeError):
        return {}


def refusals_of_folder(path: Path, module: Module) -> list[str]:
    """Why a package folder may not be built (empty when it may): code its build would run."""
    out = []
    if (path / "setup.py").exists():
        out.append("setup.py runs code at build time: use the course's pyproject.toml")
    try:
        data = tomllib.loads((path / "pyproject.toml").read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError, UnicodeDecodeError):
        return out  # the build fails and says why
    ref = _reference(module)
    system = data.get("build-system", {})
    backend = system.get("build-backend")
    if backend != ALLOWED_BACKEND:
        out.append(f"build-backend {backend!r}: only {ALLOWED_BACKEND!r} (the course's) is allowed")
    if "backend-path" in system:
        out.append("an in-tree build backend (backend-path) runs the package's own code")
    requires = [re.split(r"[<>=!~ \[;]", str(r), maxsplit=1)[0] for r in system.get("requires", [])]
    if any(normalize(r) != "hatchling" for r in requires):
        out.append(f"build requirements {requires}: only hatchling is allowed")
    hatch = data.get("tool", {}).get("hatch", {})
    if _hooks(hatch) != _hooks(ref.get("tool", {}).get("hatch", {})) or not _same_hook_files(
            path, module, hatch):
        out.append("hatch build or metadata hooks run code at build time (only the course's "
                   "own, unchanged, are allowed)")
    if hatch.get("version", {}).get("source", "regex") != "regex":
        out.append("[tool.hatch.version] source other than regex executes code to read a version")
    project, ref_project = data.get("project", {}), ref.get("project", {})
    for key in ("entry-points", "scripts", "gui-scripts"):
        if project.get(key) and project.get(key) != ref_project.get(key):
            out.append(f"[project.{key}]: a module package installs no entry points or scripts "
                       "but the course's own")
    for found in sorted(path.rglob("*")):
        if found.name.endswith(".pth") or found.name in AUTORUN:
            out.append(f"{found.relative_to(path)}: Python runs such files at startup")
    return out


def _hooks(table: Any, where: str = "") -> list[str]:
    """Where hooks are declared in a [tool.hatch] table, with their settings."""
    if not isinstance(table, dict):
        return []
    found = []
    for key, value in table.items():
        here = f"{where}.{key}" if where else key
        if key == "hooks":
            found.append(f"{here}={value!r}")
        else:
            found += _hooks(value, here)
    return sorted(found)


def _same_hook_files(path: Path, module: Module, hatch: dict[str, Any]) -> bool:
    """When there are hooks: is the hook file (hatch_build.py) the course's, byte for byte?"""
    if not _hooks(hatch):
        return True
    mine, ours = path / "hatch_build.py", package_dir(module.dist) / "hatch_build.py"
    return mine.is_file() and ours.is_file() and mine.read_bytes() == ours.read_bytes()


def refusals_of_wheel(path: Path, module: Module, course: Course) -> list[str]:
    """Why a wheel may not be installed (empty when it may): files and dependencies it ships."""
    try:
        with zipfile.ZipFile(path) as zf:
            names = zf.namelist()
            entry_points = [n for n in names if n.endswith(".dist-info/entry_points.txt")]
            points = "\n".join(zf.read(n).decode("utf-8", "replace") for n in entry_points)
        meta = wheel_metadata(path)
    except (OSError, ValueError, zipfile.BadZipFile) as exc:
        return [f"not a readable wheel: {exc}"]
    out = []
    if len(names) > MAX_WHEEL_FILES:
        out.append(f"{len(names)} files: more than {MAX_WHEEL_FILES}")
    own = f"tinytorch/{module.import_name.split('.')[-1]}/"
    stray = [n for n in names if not (n.startswith(own) or re.match(r"[^/]+\.dist-info/", n))]
    if stray:
        out.append(f"files outside {own} and its .dist-info: {', '.join(stray[:5])}"
                   + (" ..." if len(stray) > 5 else ""))
    autorun = [n for n in names if n.endswith(".pth") or n.rsplit("/", 1)[-1] in AUTORUN]
    if autorun:
        out.append(f"{', '.join(autorun)}: Python runs such files at startup")
    ref = _reference(module).get("project", {})
    allowed_points = _reference_points(ref)
    group = ""
    for line in points.splitlines():
        line = line.strip()
        if line.startswith("[") and line.endswith("]"):
            group = line[1:-1].strip()
        elif line and (group, re.sub(r"\s*=\s*", " = ", line)) not in allowed_points:
            out.append(f"entry point [{group}] {line!r}: pytest and others load entry points "
                       "on their own; only the course's own are allowed")
            break
    allowed = {"numpy", *(m.dist for m in course.modules if m.number < module.number),
               *(_name(r) for r in ref.get("dependencies", []))}
    for req in meta["Requires-Dist"]:  # type: ignore[union-attr]
        if _name(str(req)) not in allowed:
            out.append(f"dependency {req!r}: a module may depend on NumPy, earlier modules and "
                       "what the course's own package needs, only")
    return out


def _reference_points(project: dict[str, Any]) -> set[tuple[str, str]]:
    """(group, "name = value") of every entry point the course's own package declares."""
    tables = {"console_scripts": project.get("scripts", {}),
              "gui_scripts": project.get("gui-scripts", {}), **project.get("entry-points", {})}
    return {(group, f"{name} = {value}") for group, table in tables.items()
            for name, value in table.items()}


def _name(requirement: str) -> str:
    return normalize(re.split(r"[<>=!~ \[;(]", requirement, maxsplit=1)[0])
