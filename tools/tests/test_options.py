"""Session arguments: --use / TT_USE parsing and the checks on a swap."""

from __future__ import annotations

from pathlib import Path

import pytest
from course_tools.manifest import load
from course_tools.options import (
    Swap,
    UsageError,
    check_swaps,
    parse_options,
    parse_swaps,
)


def make_student(tmp_path: Path, dist: str = "tt-autograd") -> Path:
    folder = tmp_path / "my-package"
    folder.mkdir()
    (folder / "pyproject.toml").write_text(f'[project]\nname = "{dist}"\n', encoding="utf-8")
    return folder


def test_use_and_env_are_combined(tmp_path: Path) -> None:
    options = parse_options(
        ["--use", "tt-autograd=a", "--use", "TT_Layers=b/c", "--full"],
        "tt-losses=/abs/d, ", tmp_path, "part1", ("use", "full"),
    )
    assert options.full and options.torch and options.pytest_args == []
    assert options.swaps == {
        "tt-autograd": Swap("tt-autograd", (tmp_path / "a").resolve(), "--use"),
        "tt-layers": Swap("tt-layers", (tmp_path / "b" / "c").resolve(), "--use"),
        "tt-losses": Swap("tt-losses", Path("/abs/d"), "TT_USE"),
    }


def test_pytest_args_after_a_second_separator(tmp_path: Path) -> None:
    options = parse_options(["--no-torch", "--", "-k", "relu", "-x"], None, tmp_path, "tests",
                            ("use", "torch"))
    assert not options.torch
    assert options.pytest_args == ["-k", "relu", "-x"]


@pytest.mark.parametrize(
    ("posargs", "allow", "message"),
    [
        (["--use", "tt-autograd"], ("use",), "expected DIST=PATH"),
        (["--use", "=path"], ("use",), "expected DIST=PATH"),
        (["--use", "tt-autograd="], ("use",), "expected DIST=PATH"),
        (["--full"], ("use",), "unrecognized arguments: --full"),
        (["--no-torch"], ("use", "full"), "unrecognized arguments: --no-torch"),
        (["--use", "tt-a=x", "--use", "tt-a=y"], ("use",), "tt-a is swapped twice"),
    ],
)
def test_bad_arguments_are_named(tmp_path: Path, posargs: list[str], allow: tuple[str, ...],
                                 message: str) -> None:
    with pytest.raises(UsageError, match=message):
        parse_options(posargs, None, tmp_path, "part1", allow)


def test_same_dist_in_env_and_command_line(tmp_path: Path) -> None:
    with pytest.raises(UsageError, match=r"tt-a is swapped twice: --use tt-a=.* and TT_USE tt-a="):
        parse_swaps(["tt-a=x"], ["tt-a=y"], tmp_path)


def test_env_use_is_ignored_where_nothing_is_installed(tmp_path: Path) -> None:
    assert parse_options([], "tt-a=x", tmp_path, "lint", ()).swaps == {}
    with pytest.raises(UsageError, match="unrecognized arguments: --use"):
        parse_options(["--use", "tt-a=x"], None, tmp_path, "lint", ())


def test_swap_of_a_module_in_the_chain(tmp_path: Path) -> None:
    course = load()
    folder = make_student(tmp_path)
    swaps = parse_swaps([f"tt-autograd={folder}"], [], tmp_path)
    check_swaps(swaps, course, course.part(1).modules)  # no error


def test_swap_outside_the_chain_is_named(tmp_path: Path) -> None:
    course = load()
    folder = make_student(tmp_path)
    swaps = parse_swaps([f"tt-autograd={folder}"], [], tmp_path)
    with pytest.raises(UsageError, match=r"tt-autograd \(module 07\) is not in this session's "
                                         r"chain \(01-04, tt-setup \.\. tt-layers\)"):
        check_swaps(swaps, course, course.modules_through(4))


def test_swap_of_an_unknown_distribution(tmp_path: Path) -> None:
    swaps = parse_swaps(["tt-nothing=x"], [], tmp_path)
    with pytest.raises(UsageError, match=r"tt-nothing is not a module of course\.toml"):
        check_swaps(swaps, load(), load().modules)


def test_missing_path(tmp_path: Path) -> None:
    swaps = parse_swaps(["tt-autograd=nowhere"], [], tmp_path)
    with pytest.raises(UsageError, match="nowhere does not exist"):
        check_swaps(swaps, load(), load().modules)


def test_folder_without_pyproject(tmp_path: Path) -> None:
    swaps = parse_swaps([f"tt-autograd={tmp_path}"], [], tmp_path)
    with pytest.raises(UsageError, match=r"has no pyproject\.toml"):
        check_swaps(swaps, load(), load().modules)


def test_folder_of_another_distribution(tmp_path: Path) -> None:
    folder = make_student(tmp_path, dist="tt-layers")
    swaps = parse_swaps([f"tt-autograd={folder}"], [], tmp_path)
    with pytest.raises(UsageError, match="holds the distribution 'tt-layers', not tt-autograd"):
        check_swaps(swaps, load(), load().modules)


def test_wheel_names_are_checked(tmp_path: Path) -> None:
    good = tmp_path / "tt_autograd-0.1.0-py3-none-any.whl"
    bad = tmp_path / "tt_layers-0.1.0-py3-none-any.whl"
    sdist = tmp_path / "tt_autograd-0.1.0.tar.gz"
    for f in (good, bad, sdist):
        f.write_bytes(b"")
    check_swaps(parse_swaps([f"tt-autograd={good}"], [], tmp_path), load(), load().modules)
    with pytest.raises(UsageError, match="holds the distribution 'tt_layers'"):
        check_swaps(parse_swaps([f"tt-autograd={bad}"], [], tmp_path), load(), load().modules)
    with pytest.raises(UsageError, match=r"neither a package folder nor a wheel \(\.whl\)"):
        check_swaps(parse_swaps([f"tt-autograd={sdist}"], [], tmp_path), load(), load().modules)
