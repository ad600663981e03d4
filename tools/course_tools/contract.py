"""The contract check: every package keeps the rules that make packages swappable.

Read from `course.toml` and each `packages/*/pyproject.toml`, never by
importing a package (a broken package must still be checked):

- every folder in packages/ is a module of course.toml, named like its
  distribution, with the keyword `tinytorch-reference`, README.md,
  CHANGELOG.md, `src/tinytorch/<name>/__about__.py` holding `__version__`, an
  `__init__.py` with a literal `__all__`, and no `src/tinytorch/__init__.py`
  (tinytorch is a namespace many packages fill);
- its source imports no later module (layering), and the tt-* packages it
  imports are exactly the ones it declares; each declared range admits the
  dependency's current version; run-time dependencies besides tt-* are NumPy
  (and tomli on Python 3.10) only;
- another package is used only through the names in its `__all__`, never a
  private module (source, tests, integration tests and milestones alike);
- its tests import only itself, its declared dependencies and non-tinytorch
  libraries;
- integration/partN/ uses only modules of parts 1..N; a milestone script only
  the modules its `requires` prefix holds.

Run it with `nox -s lint`, or `PYTHONPATH=tools python -m course_tools.contract [REPO]`.
"""

from __future__ import annotations

import ast
import sys
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from packaging.requirements import InvalidRequirement, Requirement
from packaging.utils import canonicalize_name
from packaging.version import InvalidVersion, Version

from .manifest import Course, CourseError, Module, load

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

NAMESPACE = "tinytorch"
ALLOWED_RUNTIME = {"numpy", "tomli"}  # besides earlier tt-* packages
REFERENCE_KEYWORD = "tinytorch-reference"


@dataclass
class Package:
    """What the check knows about one package folder."""

    folder: Path
    module: Module
    version: str | None = None
    all_names: set[str] | None = None  # None: __all__ unreadable
    deps: dict[str, Requirement] = field(default_factory=dict)  # tt-* only


@dataclass(frozen=True)
class Use:
    """One use of a tinytorch package found in a file."""

    line: int
    package: str  # the <x> of tinytorch.<x>, "" for the bare namespace
    submodule: str  # "" or the private module path after tinytorch.<x>.
    names: tuple[str, ...]  # names taken from tinytorch.<x> ("*" for a star import)


def package_folders(repo: Path) -> list[Path]:
    """The folders in packages/ (hidden ones and caches left out)."""
    root = repo / "packages"
    if not root.is_dir():
        return []
    return sorted(
        p for p in root.iterdir() if p.is_dir() and not p.name.startswith((".", "__"))
    )


def _rel(path: Path, repo: Path) -> str:
    try:
        return str(path.relative_to(repo))
    except ValueError:
        return str(path)


def python_files(folder: Path) -> Iterator[Path]:
    """The .py files below `folder`, in a stable order, caches left out."""
    if folder.is_dir():
        yield from sorted(p for p in folder.rglob("*.py") if "__pycache__" not in p.parts)


def read_all(init: Path) -> set[str] | None:
    """The names of a literal `__all__` (=, : list[str] =, +=) in `init`, or None."""
    try:
        tree = ast.parse(init.read_text(encoding="utf-8"))
    except (OSError, SyntaxError, ValueError):
        return None
    names: set[str] | None = None
    for node in tree.body:
        if isinstance(node, ast.Assign):
            targets, value, add = node.targets, node.value, False
        elif isinstance(node, ast.AnnAssign) and node.value is not None:
            targets, value, add = [node.target], node.value, False
        elif isinstance(node, ast.AugAssign):
            targets, value, add = [node.target], node.value, True
        else:
            continue
        if not any(isinstance(t, ast.Name) and t.id == "__all__" for t in targets):
            continue
        try:
            found = ast.literal_eval(value)
        except ValueError:
            return None
        if not isinstance(found, (list, tuple)) or not all(isinstance(n, str) for n in found):
            return None
        names = (names or set()) | set(found) if add else set(found)
    return names


def read_version(about: Path) -> str | None:
    """The string literal assigned to `__version__` in `about`, or None."""
    try:
        tree = ast.parse(about.read_text(encoding="utf-8"))
    except (OSError, SyntaxError, ValueError):
        return None
    for node in tree.body:
        target = node.targets[0] if isinstance(node, ast.Assign) and node.targets else None
        if isinstance(node, ast.AnnAssign):
            target = node.target
        value = getattr(node, "value", None)
        if (isinstance(target, ast.Name) and target.id == "__version__"
                and isinstance(value, ast.Constant) and isinstance(value.value, str)):
            return value.value
    return None


def _resolve_relative(module: str | None, level: int, file_module: str, is_init: bool) -> str:
    """The absolute module of `from <level dots><module> import ...` inside `file_module`."""
    parts = file_module.split(".")
    base = parts if is_init else parts[:-1]
    if level > 1:
        base = base[: len(base) - (level - 1)]
    return ".".join([*base, *([module] if module else [])])


def _split(dotted: str) -> tuple[str, str] | None:
    """`tinytorch.tensor.ops` -> ("tensor", "ops"); not tinytorch -> None."""
    parts = dotted.split(".")
    if parts[0] != NAMESPACE:
        return None
    return (parts[1] if len(parts) > 1 else ""), ".".join(parts[2:])


def find_uses(tree: ast.AST, file_module: str | None = None, is_init: bool = False) -> list[Use]:
    """Every use of tinytorch.<x> in a parsed file: imports and attribute access.

    `file_module` (e.g. `tinytorch.layers.linear`) resolves relative imports;
    files that are not in a package (tests, scripts) pass None.
    """
    uses: list[Use] = []
    aliases: dict[str, str] = {}  # local name -> dotted module it is bound to
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                split = _split(alias.name)
                if split is None:
                    continue
                uses.append(Use(node.lineno, split[0], split[1], ()))
                if alias.asname:
                    aliases[alias.asname] = alias.name
                else:
                    aliases[NAMESPACE] = NAMESPACE
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                if file_module is None:
                    continue
                target = _resolve_relative(node.module, node.level, file_module, is_init)
            else:
                target = node.module or ""
            split = _split(target)
            if split is None:
                continue
            package, sub = split
            if not package:  # from tinytorch import tensor [as t]
                for alias in node.names:
                    uses.append(Use(node.lineno, alias.name, "", ()))
                    aliases[alias.asname or alias.name] = f"{NAMESPACE}.{alias.name}"
            else:
                names = tuple(a.name for a in node.names)
                uses.append(Use(node.lineno, package, sub, () if sub else names))
    for node in ast.walk(tree):
        if not isinstance(node, ast.Attribute):
            continue
        chain = []
        value: ast.AST = node
        while isinstance(value, ast.Attribute):
            chain.append(value.attr)
            value = value.value
        if not isinstance(value, ast.Name) or value.id not in aliases:
            continue
        dotted = ".".join([aliases[value.id], *reversed(chain)]).split(".")
        if len(dotted) == 3 and dotted[0] == NAMESPACE:  # tinytorch.<x>.<name>
            uses.append(Use(node.lineno, dotted[1], "", (dotted[2],)))
    return uses


class Checker:
    """Collects the problems of one repository."""

    def __init__(self, repo: Path, course: Course) -> None:
        self.repo = repo
        self.course = course
        self.errors: list[str] = []
        self.packages: dict[str, Package] = {}

    def error(self, where: Path, message: str, line: int | None = None) -> None:
        at = _rel(where, self.repo) + (f":{line}" if line else "")
        self.errors.append(f"{at}: {message}")

    # -- one package's files ------------------------------------------------
    def read_package(self, folder: Path) -> None:
        dists = {m.dist: m for m in self.course.modules}
        if folder.name not in dists:
            self.error(folder, "is not a module of course.toml (add it there or remove the folder)")
            return
        module = dists[folder.name]
        pkg = Package(folder, module)
        self.packages[module.dist] = pkg
        for name in ("README.md", "CHANGELOG.md"):
            if not (folder / name).is_file():
                self.error(folder, f"has no {name}")
        pyproject = folder / "pyproject.toml"
        try:
            project = tomllib.loads(pyproject.read_text(encoding="utf-8")).get("project", {})
        except (OSError, tomllib.TOMLDecodeError) as exc:
            self.error(pyproject, f"cannot be read: {exc}")
            project = {}
        if project and canonicalize_name(str(project.get("name", ""))) != module.dist:
            self.error(pyproject, f"[project] name is {project.get('name')!r}, "
                                  f"but the folder and course.toml say {module.dist!r}")
        if project and REFERENCE_KEYWORD not in project.get("keywords", []):
            self.error(pyproject, f"[project] keywords lack {REFERENCE_KEYWORD!r} (how tito "
                                  "tells a reference package from a student's)")
        src = folder / "src" / NAMESPACE
        if (src / "__init__.py").is_file():
            self.error(src / "__init__.py", "must not exist: tinytorch is a namespace package "
                                           "(PEP 420) that every tt-* package fills")
        if src.is_dir():
            for extra in sorted(p for p in src.iterdir() if p.name != module.name):
                if extra.name != "__init__.py" and extra.name != "__pycache__":
                    self.error(extra, f"{module.dist} may only hold tinytorch/{module.name}/")
        pkg_dir = src / module.name
        about = pkg_dir / "__about__.py"
        pkg.version = read_version(about)
        if pkg.version is None:
            self.error(about, "missing, or without a literal __version__ = '...'")
        else:
            try:
                Version(pkg.version)
            except InvalidVersion:
                self.error(about, f"__version__ {pkg.version!r} is not a PEP 440 version")
                pkg.version = None
        init = pkg_dir / "__init__.py"
        pkg.all_names = read_all(init) if init.is_file() else None
        if not init.is_file():
            self.error(init, "missing")
        elif pkg.all_names is None:
            self.error(init, "has no literal __all__ (a list of strings): the public API")
        for text in project.get("dependencies", []):
            try:
                req = Requirement(text)
            except InvalidRequirement as exc:
                self.error(pyproject, f"dependency {text!r} is invalid: {exc}")
                continue
            name = canonicalize_name(req.name)
            if name.startswith("tt-"):
                pkg.deps[name] = req
            elif name not in ALLOWED_RUNTIME:
                self.error(pyproject, f"declares the run-time dependency {req.name}; framework "
                                      "packages depend on NumPy and earlier tt-* packages only")

    # -- rules across packages ----------------------------------------------
    def check_deps(self, pkg: Package) -> None:
        pyproject = pkg.folder / "pyproject.toml"
        for name, req in pkg.deps.items():
            try:
                dep = self.course.module(name)
            except KeyError:
                self.error(pyproject, f"declares {name}, which is not a module of course.toml")
                continue
            if dep.number >= pkg.module.number:
                self.error(pyproject, f"declares {name} (module {dep.number:02d}), which is not "
                                      f"earlier than its own module {pkg.module.number:02d}")
                continue
            if not str(req.specifier):
                self.error(pyproject, f"declares {name} without a range; write e.g. "
                                      f"\"{name}>=0.1,<0.2\"")
                continue
            target = self.packages.get(name)
            if target is None:
                self.error(pyproject, f"declares {name}, but packages/{name} does not exist")
            elif target.version is not None and not req.specifier.contains(
                target.version, prereleases=True
            ):
                self.error(pyproject, f"declares {name}{req.specifier}, which does not admit "
                                      f"its current version {target.version}")

    def check_use(self, file: Path, use: Use, who: str, allowed: set[str] | None,
                  own: str | None, why: str) -> str | None:
        """Check one use; return the distribution it uses (None when not a module)."""
        if not use.package:
            self.error(file, "imports the bare tinytorch namespace; import tinytorch.<module>",
                       use.line)
            return None
        try:
            module = self.course.module(use.package)
        except KeyError:
            self.error(file, f"{who} imports tinytorch.{use.package}, which is not a module "
                             "of course.toml", use.line)
            return None
        if allowed is not None and module.dist not in allowed:
            self.error(file, f"{who} uses tinytorch.{use.package} ({module.label}): {why}",
                       use.line)
        if use.package == own:  # a package's own source may use its private modules
            return module.dist
        if use.submodule:
            self.error(file, f"{who} imports the private module tinytorch.{use.package}."
                             f"{use.submodule}; use names from tinytorch.{use.package} "
                             "(its __all__)", use.line)
        target = self.packages.get(module.dist)
        if target is not None and target.all_names is not None:
            for name in use.names:
                if name != "*" and name not in target.all_names:
                    self.error(file, f"{who} uses tinytorch.{use.package}.{name}, which is not "
                                     f"in tinytorch.{use.package}.__all__", use.line)
        return module.dist

    def parse(self, file: Path) -> ast.AST | None:
        try:
            return ast.parse(file.read_text(encoding="utf-8"), filename=str(file))
        except (OSError, SyntaxError, ValueError) as exc:
            self.error(file, f"cannot be parsed: {exc}")
            return None

    def check_source(self, pkg: Package) -> None:
        m = pkg.module
        src = pkg.folder / "src"
        imported: dict[str, tuple[Path, int]] = {}  # dist -> first place it is imported
        for file in python_files(src / NAMESPACE / m.name):
            tree = self.parse(file)
            if tree is None:
                continue
            parts = list(file.relative_to(src).with_suffix("").parts)
            is_init = parts[-1] == "__init__"
            dotted = ".".join(parts[:-1] if is_init else parts)
            for use in find_uses(tree, dotted, is_init):
                dist = self.check_use(file, use, m.dist, None, m.name, "")
                if dist is None or dist == m.dist:
                    continue
                other = self.course.module(dist)
                if other.number > m.number:
                    self.error(file, f"{m.dist} ({m.number:02d}) imports {other.import_name} "
                                     f"({other.label}), a later module: a package may import "
                                     "only earlier ones", use.line)
                imported.setdefault(dist, (file, use.line))
        pyproject = pkg.folder / "pyproject.toml"
        for dist, (file, line) in sorted(imported.items()):
            if dist not in pkg.deps and self.course.module(dist).number < m.number:
                self.error(file, f"{m.dist} imports {self.course.module(dist).import_name} but "
                                 f"does not declare {dist} in pyproject.toml", line)
        for dist in sorted(pkg.deps):
            if dist not in imported:
                self.error(pyproject, f"declares {dist}, but its source never imports "
                                      f"tinytorch.{self._name_of(dist)}")

    def check_tests(self, pkg: Package) -> None:
        m = pkg.module
        allowed = {m.dist, *pkg.deps}
        for file in python_files(pkg.folder / "tests"):
            tree = self.parse(file)
            if tree is None:
                continue
            for use in find_uses(tree):
                self.check_use(file, use, f"{m.dist} tests", allowed, None,
                               f"tests may import only {m.dist} and its declared dependencies")

    def check_scripts(self, folder: Path, allowed_for: dict[str, set[str]], what: str) -> None:
        """Integration tests and milestones: public names, and only the modules they may use."""
        for file in python_files(folder):
            tree = self.parse(file)
            if tree is None:
                continue
            key = next((k for k in allowed_for if k in file.relative_to(folder).parts
                        or file.stem == k), None)
            allowed = allowed_for.get(key) if key else None
            for use in find_uses(tree):
                self.check_use(file, use, what, allowed, None,
                               f"beyond what {key} may use ({len(allowed or ())} modules)")

    def _name_of(self, dist: str) -> str:
        try:
            return self.course.module(dist).name
        except KeyError:
            return dist

    def run(self) -> list[str]:
        for folder in package_folders(self.repo):
            self.read_package(folder)
        for pkg in self.packages.values():
            self.check_deps(pkg)
            self.check_source(pkg)
            self.check_tests(pkg)
        parts = {f"part{p.number}": {m.dist for m in p.modules} for p in self.course.parts}
        self.check_scripts(self.repo / "integration", parts, "integration test")
        stones = {ms.name: {m.dist for m in self.course.modules_through(ms.requires)}
                  | option_needs(self.repo / ms.script) for ms in self.course.milestones}
        self.check_scripts(self.repo / "milestones", stones, "milestone")
        return self.errors


def option_needs(script: Path) -> set[str]:
    """The modules a milestone's own options need: `needs={"kv_cache": "tt-caching"}`.

    A script passes them to `harness.main`, which checks them before anything
    runs when the option is given; the script imports them only under that
    option, so it still runs on its `requires` alone. Literal strings only.
    """
    try:
        tree = ast.parse(script.read_text(encoding="utf-8"))
    except (OSError, SyntaxError):
        return set()
    return {value.value for node in ast.walk(tree) if isinstance(node, ast.keyword)
            and node.arg == "needs" and isinstance(node.value, ast.Dict)
            for value in node.value.values
            if isinstance(value, ast.Constant) and isinstance(value.value, str)}


def check(repo: Path, course: Course | None = None) -> list[str]:
    """Every contract violation in the repository at `repo`, one line each."""
    try:
        course = course or load(repo)
    except CourseError as exc:
        return [str(exc)]
    return Checker(repo, course).run()


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    repo = Path(args[0]).resolve() if args else Path(__file__).resolve().parents[2]
    errors = check(repo)
    for error in errors:
        print(error)
    n = len(package_folders(repo))
    print(f"contract: {n} packages, {len(errors)} problem(s)")
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
