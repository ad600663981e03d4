"""The arguments of the install sessions, and the swap of a student's package.

    nox -s part1 -- --use tt-autograd=../my-autograd --full
    TT_USE=tt-autograd=../my-autograd,tt-layers=dist/tt_layers-0.1.0-py3-none-any.whl nox -s part1
    nox -s tests -- --no-torch -- -k broadcasting      (after a second `--`: pytest's own)

A swap names a distribution and a package folder (with `pyproject.toml`) or a
built wheel. Relative paths are read from the folder nox was started in.
Everything here is pure (no nox), so it is tested directly.
"""

from __future__ import annotations

import argparse
import re
import sys
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from .manifest import Course, Module

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

ENV_VAR = "TT_USE"


class UsageError(ValueError):
    """Bad session arguments or a swap that cannot work; the message says which."""


def normalize(name: str) -> str:
    """PEP 503 name: `TT_Autograd` is `tt-autograd`."""
    return re.sub(r"[-_.]+", "-", name).lower()


@dataclass(frozen=True)
class Swap:
    """`--use DIST=PATH`: install PATH (folder or wheel) in place of the reference DIST."""

    dist: str
    path: Path
    origin: str  # "--use" or "TT_USE", for messages

    @property
    def is_wheel(self) -> bool:
        return self.path.suffix == ".whl"

    def __str__(self) -> str:
        return f"{self.origin} {self.dist}={self.path}"


@dataclass
class Options:
    """What a session was asked to do beyond its defaults."""

    swaps: dict[str, Swap] = field(default_factory=dict)
    full: bool = False
    torch: bool = True
    pytest_args: list[str] = field(default_factory=list)


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # type: ignore[override]
        raise UsageError(f"{message}\n{self.format_usage().strip()}")


def parse_options(
    posargs: Sequence[str],
    env_use: str | None,
    base: Path,
    session: str,
    allow: Iterable[str] = ("use",),
) -> Options:
    """Parse a session's posargs (and `TT_USE`) into `Options`.

    `allow` names the options this session takes: `use`, `full`, `torch`.
    """
    allow = set(allow)
    args = list(posargs)
    pytest_args: list[str] = []
    if "--" in args:
        cut = args.index("--")
        args, pytest_args = args[:cut], args[cut + 1 :]
    parser = _Parser(prog=f"nox -s {session} --", add_help=False)
    if "use" in allow:
        parser.add_argument(
            "--use", action="append", default=[], metavar="DIST=PATH",
            help="install PATH (package folder or wheel) in place of the reference DIST",
        )
    if "full" in allow:
        parser.add_argument("--full", action="store_true", help="milestones without --quick")
    if "torch" in allow:
        parser.add_argument("--no-torch", action="store_true", help="do not install PyTorch")
    ns = parser.parse_args(args)
    options = Options(pytest_args=pytest_args)
    options.full = bool(getattr(ns, "full", False))
    options.torch = not getattr(ns, "no_torch", False)
    if "use" in allow:
        env_values = [v for v in (env_use or "").split(",") if v.strip()]
        options.swaps = parse_swaps(ns.use, env_values, base)
    return options  # sessions that install nothing ignore TT_USE


def parse_swap(value: str, origin: str, base: Path) -> Swap:
    """One `DIST=PATH`; PATH relative to `base`."""
    dist, sep, path = value.partition("=")
    if not sep or not dist.strip() or not path.strip():
        raise UsageError(
            f"{origin} {value!r}: expected DIST=PATH, e.g. tt-autograd=../my-autograd"
        )
    resolved = (base / Path(path.strip()).expanduser()).resolve()
    return Swap(normalize(dist.strip()), resolved, origin)


def parse_swaps(cli: Sequence[str], env: Sequence[str], base: Path) -> dict[str, Swap]:
    """All swaps, from the command line and `TT_USE`; a distribution named twice is an error."""
    swaps: dict[str, Swap] = {}
    for origin, values in (("--use", cli), (ENV_VAR, env)):
        for value in values:
            swap = parse_swap(value.strip(), origin, base)
            if swap.dist in swaps:
                raise UsageError(
                    f"{swap.dist} is swapped twice: {swaps[swap.dist]} and {swap}; give it once"
                )
            swaps[swap.dist] = swap
    return swaps


def check_swaps(swaps: dict[str, Swap], course: Course, chain: Sequence[Module]) -> None:
    """Each swap names a module of this session's chain and a folder or wheel of that name."""
    in_chain = {m.dist for m in chain}
    known = {m.dist for m in course.modules}
    if chain:
        first, last = chain[0], chain[-1]
        span = f"{first.number:02d}-{last.number:02d}, {first.dist} .. {last.dist}"
    else:
        span = "empty"
    for swap in swaps.values():
        if swap.dist not in known:
            raise UsageError(f"{swap}: {swap.dist} is not a module of course.toml")
        if swap.dist not in in_chain:
            module = course.module(swap.dist)
            raise UsageError(
                f"{swap}: {swap.dist} (module {module.number:02d}) is not in this session's "
                f"chain ({span})"
            )
        check_swap_path(swap)


def check_swap_path(swap: Swap) -> None:
    """The path exists and holds the named distribution."""
    path = swap.path
    if not path.exists():
        raise UsageError(f"{swap}: {path} does not exist")
    if path.is_dir():
        pyproject = path / "pyproject.toml"
        if not pyproject.is_file():
            raise UsageError(f"{swap}: {path} has no pyproject.toml (not a package folder)")
        try:
            name = tomllib.loads(pyproject.read_text(encoding="utf-8"))["project"]["name"]
        except (tomllib.TOMLDecodeError, KeyError, TypeError) as exc:
            reason = "invalid TOML" if isinstance(exc, tomllib.TOMLDecodeError) else "no name"
            raise UsageError(
                f"{swap}: cannot read [project] name from {pyproject} ({reason}: {exc})"
            ) from None
    elif swap.is_wheel:
        name = path.name.split("-")[0]
    else:
        raise UsageError(f"{swap}: {path} is neither a package folder nor a wheel (.whl)")
    if normalize(str(name)) != swap.dist:
        raise UsageError(f"{swap}: {path} holds the distribution {name!r}, not {swap.dist}")
