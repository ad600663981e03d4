"""What is installed: every `tt-*` distribution, where it came from, whose it is.

Everything here reads the installed metadata (`importlib.metadata`), never the
repository, so `tito` tells the truth about the environment it runs in:

- the version and the declared `Requires-Dist` ranges;
- reference or student: reference packages carry the keyword
  `tinytorch-reference` in their project keywords, generated starters carry
  `tinytorch-student`;
- where it was installed from, read from PEP 610's `direct_url.json`:
  `editable` (a folder, live), `path` (a folder, copied), `archive` (a wheel or
  sdist file) or `vcs`; no `direct_url.json` means an index (PyPI or your own).

Cost: one metadata scan of `sys.path` (milliseconds); importing a package to
check it (`try_import`) costs what that package's import costs.
"""

from __future__ import annotations

import importlib
import json
import sys
import traceback
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path, PurePath
from urllib.parse import unquote, urlparse
from urllib.request import url2pathname

from .versions import normalize_name, parse_requirement

REFERENCE_KEYWORD = "tinytorch-reference"
STUDENT_KEYWORD = "tinytorch-student"


@dataclass(frozen=True)
class Source:
    """Where a distribution was installed from: `how` is editable/path/archive/vcs/index."""

    how: str
    where: str = ""

    def __str__(self) -> str:
        return f"{self.how} {self.where}".strip()


@dataclass(frozen=True)
class InstalledPackage:
    """One installed `tt-*` distribution, as its metadata describes it."""

    dist: str  # normalized name, e.g. tt-autograd
    version: str
    kind: str  # reference | student | unknown
    source: Source
    requires: tuple[tuple[str, str], ...]  # (normalized name, specifier) of tt-* deps
    packages: tuple[str, ...]  # the tinytorch.<x> packages its files contain
    files: frozenset[Path] | None  # absolute paths of its installed files, if recorded


def find_installed(prefix: str = "tt-") -> dict[str, InstalledPackage]:
    """Every installed distribution whose name starts with `prefix`, by normalized name.

    When a name is installed twice on `sys.path`, the first one wins, as for imports.
    """
    found: dict[str, InstalledPackage] = {}
    for dist in metadata.distributions():
        name = normalize_name(dist.metadata.get("Name") or "")
        if name.startswith(prefix) and name not in found:
            found[name] = describe(dist)
    return dict(sorted(found.items()))


def describe(dist: metadata.Distribution) -> InstalledPackage:
    """Read one distribution's metadata into an `InstalledPackage`."""
    meta = dist.metadata
    keywords = {k.strip() for k in (meta.get("Keywords") or "").replace(",", " ").split()}
    if REFERENCE_KEYWORD in keywords:
        kind = "reference"
    elif STUDENT_KEYWORD in keywords:
        kind = "student"
    else:
        kind = "unknown"
    requires = []
    for line in dist.requires or []:
        try:
            name, spec, _marker = parse_requirement(line)
        except ValueError:
            continue
        if name.startswith("tt-"):
            requires.append((name, spec))
    files = None
    packages: set[str] = set()
    if dist.files is not None:
        files = frozenset(Path(str(dist.locate_file(f))).resolve() for f in dist.files)
        for f in dist.files:
            parts = f.parts
            if len(parts) >= 3 and parts[0] == "tinytorch" and parts[2] == "__init__.py":
                packages.add(parts[1])
    return InstalledPackage(
        dist=normalize_name(meta.get("Name") or ""),
        version=meta.get("Version") or "?",
        kind=kind,
        source=install_source(dist),
        requires=tuple(requires),
        packages=tuple(sorted(packages)),
        files=files,
    )


def install_source(dist: metadata.Distribution) -> Source:
    """Where `dist` was installed from, per PEP 610 (`direct_url.json`)."""
    text = dist.read_text("direct_url.json")
    if not text:
        return Source("index")
    try:
        data = json.loads(text)
    except json.JSONDecodeError:
        return Source("unknown", "unreadable direct_url.json")
    url = str(data.get("url", ""))
    where = _url_to_path(url)
    if "dir_info" in data:
        editable = bool(data["dir_info"].get("editable", False))
        return Source("editable" if editable else "path", where)
    if "vcs_info" in data:
        return Source("vcs", url)
    return Source("archive", where)


def _url_to_path(url: str) -> str:
    """The local path of a `file://` URL; other URLs unchanged."""
    parsed = urlparse(url)
    if parsed.scheme != "file":
        return url
    return url2pathname(unquote(parsed.path))


@dataclass(frozen=True)
class ImportResult:
    """The outcome of importing one package: the file it came from, or the error."""

    name: str
    file: Path | None
    error: str = ""
    culprit: str = ""  # on failure, the tinytorch.<x> package whose own code raised, if known

    @property
    def ok(self) -> bool:
        return not self.error


def try_import(name: str) -> ImportResult:
    """Import `name`; on failure, describe the exception in one line, with where it was raised."""
    try:
        module = importlib.import_module(name)
    except KeyboardInterrupt:
        raise
    except BaseException as exc:  # a student's package may raise anything, even SystemExit
        return ImportResult(name, None, one_line(exc), culprit(exc))
    file = getattr(module, "__file__", None)
    return ImportResult(name, Path(file).resolve() if file else None)


def one_line(exc: BaseException) -> str:
    """`RuntimeError: boom (at tinytorch/autograd/engine.py:12)`: type, message, deepest frame."""
    if isinstance(exc, SyntaxError) and exc.filename:
        return f"{type(exc).__name__}: {exc.msg} (at {_short(exc.filename)}:{exc.lineno})"
    message = str(exc).strip().splitlines()
    text = f"{type(exc).__name__}: {message[0]}" if message else type(exc).__name__
    frames = traceback.extract_tb(exc.__traceback__)
    if frames:
        last = frames[-1]
        return f"{text} (at {_short(last.filename)}:{last.lineno})"
    return text


def namespace_folders() -> list[Path]:
    """The folders the `tinytorch` namespace is made of (one per installation place)."""
    # imported already: this very module is tinytorch.setup.installed
    namespace = sys.modules.get("tinytorch")
    return [Path(p).resolve() for p in getattr(namespace, "__path__", [])]


def _in_namespace(path: str | Path | None) -> PurePath | None:
    """`<x>/...` of a file inside a `tinytorch/<x>/` package folder, else None.

    Only the folders of the namespace count: a checkout that happens to be
    named `tinytorch` (with NumPy in its `.nox/`) is not a tinytorch package.
    """
    if not path:
        return None
    try:
        file = Path(path).resolve()
    except (OSError, ValueError):
        return None
    for folder in namespace_folders():
        try:
            rel = file.relative_to(folder)
        except ValueError:
            continue
        if len(rel.parts) >= 2 and rel.parts[0].isidentifier():
            return rel
    return None


def package_of(path: str | Path | None) -> str:
    """`tinytorch.<x>` for a file of the package `tinytorch.<x>`, else ''."""
    rel = _in_namespace(path)
    return f"tinytorch.{rel.parts[0]}" if rel is not None else ""


def culprit(exc: BaseException) -> str:
    """The tinytorch package whose own code made an import fail ('' if none is to blame).

    Importing `tinytorch.training` runs the code of every package it
    imports, so the package being checked is not always the one at fault:

    - a syntax error is in the file it names;
    - `cannot import name 'Softmax' from 'tinytorch.activations'` blames the
      package that lacks the name (`ImportError.path` is its file), and
      `No module named 'tinytorch.activations.rleu'` the package that lacks
      the module;
    - anything else blames the package of the deepest traceback frame that is
      in a tinytorch package: the code that raised (a NumPy frame below it is
      NumPy doing what that code asked).
    """
    if isinstance(exc, SyntaxError):
        return package_of(exc.filename)
    if isinstance(exc, ImportError):
        if exc.path and package_of(exc.path):
            return package_of(exc.path)
        name = exc.name or ""
        if isinstance(exc, ModuleNotFoundError) and name.startswith("tinytorch."):
            return ".".join(name.split(".")[:2])
    for frame in reversed(traceback.extract_tb(exc.__traceback__)):
        found = package_of(frame.filename)
        if found:
            return found
    return ""


def _short(filename: str) -> str:
    """`tinytorch/<x>/file.py` for a file of a tinytorch package, else the file name."""
    rel = _in_namespace(filename)
    return "tinytorch/" + rel.as_posix() if rel is not None else Path(filename).name


def owns(package: InstalledPackage, file: Path | None) -> bool | None:
    """Whether `file` belongs to `package`'s installation (None: cannot tell).

    An editable install records no source files, only a pointer to the folder,
    so for it the check is that the file lies inside that folder.
    """
    if file is None:
        return None
    if package.source.how == "editable" and package.source.where:
        try:
            file.relative_to(Path(package.source.where).resolve())
        except ValueError:
            return False
        return True
    if package.files is None:
        return None
    return file in package.files
