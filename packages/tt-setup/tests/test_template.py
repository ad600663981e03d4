"""`tito template`: a starter from a reference package folder or sdist, and its errors.

The reference here is a tiny package `tt-zzgood` (module 02 of the fake
course in conftest.py) written into tmp_path.
"""

from __future__ import annotations

import ast
import os
import re
import subprocess
import sys
import tarfile
from pathlib import Path

import pytest
from tinytorch.setup import main

CORE = '''"""Two small functions."""


def add(a, b):
    """The sum of a and b."""
    ### BEGIN SOLUTION
    total = a + b  # the secret sauce
    return total
    ### END SOLUTION


class Counter:
    def bump(self, n: int) -> int:
        """n + 1."""
        ### BEGIN SOLUTION
        return n + 1
        ### END SOLUTION
'''

PYPROJECT = """[build-system]
requires = ["hatchling>=1.26"]
build-backend = "hatchling.build"

[project]
name = "tt-zzgood"
version = "0.1.0"
readme = "README.md"
keywords = ["tinytorch", "tinytorch-reference"]
dependencies = ["numpy>=1.24"]

[tool.hatch.build.targets.wheel]
packages = ["src/tinytorch"]
"""

README = """# tt-zzgood

The reference.

## Public API

`add`, `Counter`, `__version__`.

## Something else

Not copied.
"""

TEST = "from tinytorch.zzgood import add\n\n\ndef test_add():\n    assert add(1, 2) == 3\n"


def make_reference(root: Path, core: str = CORE) -> Path:
    """A reference package folder for tt-zzgood."""
    folder = root / "tt-zzgood"
    src = folder / "src" / "tinytorch" / "zzgood"
    src.mkdir(parents=True)
    (folder / "tests").mkdir()
    (folder / "pyproject.toml").write_text(PYPROJECT, encoding="utf-8")
    (folder / "README.md").write_text(README, encoding="utf-8")
    (folder / "CHANGELOG.md").write_text("# Changelog\n\n## 0.1.0\n\n- reference\n")
    (src / "__about__.py").write_text('__version__ = "0.1.0"\n')
    (src / "__init__.py").write_text(
        "from .__about__ import __version__\nfrom .core import Counter, add\n\n"
        "__all__ = ['Counter', '__version__', 'add']\n")
    (src / "core.py").write_text(core, encoding="utf-8")
    (folder / "tests" / "test_core.py").write_text(TEST, encoding="utf-8")
    (src / "__pycache__").mkdir()
    (src / "__pycache__" / "core.cpython-311.pyc").write_bytes(b"junk")
    return folder


def tito(course: Path, *args: str | Path) -> int:
    return main(["--course", str(course), "template", *map(str, args)])


def test_writes_a_starter_from_a_folder(tmp_path: Path, fake_course: Path,
                                        capsys: pytest.CaptureFixture[str]) -> None:
    ref = make_reference(tmp_path / "ref")
    dest = tmp_path / "mine"
    assert tito(fake_course, "tt-zzgood", dest, "--source", ref) == 0
    out = capsys.readouterr().out
    assert f"wrote the tt-zzgood starter (module 02) to {dest}" in out
    assert "2 function(s) to write" in out
    assert "src/tinytorch/zzgood/core.py:7   add\n" in out

    core = (dest / "src" / "tinytorch" / "zzgood" / "core.py").read_text()
    assert "secret sauce" not in core and "return total" not in core
    assert "return n + 1" not in core
    lines = core.splitlines()
    assert lines[4:8] == [
        '    """The sum of a and b."""',
        "    ### BEGIN SOLUTION",
        '    raise NotImplementedError("tt-zzgood: add is yours to write (module 02)")',
        "    ### END SOLUTION",
    ]
    assert '        raise NotImplementedError("tt-zzgood: Counter.bump is yours' in core
    assert "    def bump(self, n: int) -> int:" in core
    ast.parse(core)

    assert (dest / "tests" / "test_core.py").read_text() == TEST
    assert not (dest / "src" / "tinytorch" / "zzgood" / "__pycache__").exists()
    pyproject = (dest / "pyproject.toml").read_text()
    assert '"tinytorch-student"' in pyproject and "tinytorch-reference" not in pyproject
    assert "0.1.0 - unreleased: my implementation" in (dest / "CHANGELOG.md").read_text()

    readme = (dest / "README.md").read_text()
    assert readme.startswith("# tt-zzgood: my implementation")
    assert "Module 02 of FakeCourse, part 1 (First): a package that works." in readme
    assert "| `src/tinytorch/zzgood/core.py:7` | `add` |" in readme
    assert "| `src/tinytorch/zzgood/core.py:15` | `Counter.bump` |" in readme
    assert f"pip install -e {dest}" in readme and "tt-testing" in readme
    assert f"python -m pytest {dest}/tests -q" in readme
    assert f"nox -s part1 -- --use tt-zzgood={dest}" in readme
    assert "unlocks the milestone `first_light`" in readme
    assert "`add`, `Counter`, `__version__`." in readme and "Not copied" not in readme


def test_the_starter_imports_and_raises_the_stub(tmp_path: Path, fake_course: Path) -> None:
    ref = make_reference(tmp_path / "ref")
    dest = tmp_path / "mine"
    assert tito(fake_course, "tt-zzgood", dest, "--source", ref) == 0
    proc = subprocess.run(
        [sys.executable, "-c", "from tinytorch.zzgood import add; add(1, 2)"],
        env={**os.environ, "PYTHONPATH": str(dest / "src")}, capture_output=True, text=True,
        timeout=120, check=False,
    )
    assert proc.returncode == 1
    assert "NotImplementedError: tt-zzgood: add is yours to write (module 02)" in proc.stderr


def test_an_sdist_gives_the_same_starter(tmp_path: Path, fake_course: Path) -> None:
    ref = make_reference(tmp_path / "ref")
    sdist = tmp_path / "tt_zzgood-0.1.0.tar.gz"
    with tarfile.open(sdist, "w:gz") as tf:
        tf.add(ref, arcname="tt_zzgood-0.1.0")
    assert tito(fake_course, "tt-zzgood", tmp_path / "a", "--source", ref) == 0
    assert tito(fake_course, "tt-zzgood", tmp_path / "b", "--source", sdist) == 0
    for name in ("src/tinytorch/zzgood/core.py", "tests/test_core.py", "pyproject.toml",
                 "CHANGELOG.md"):
        assert (tmp_path / "a" / name).read_bytes() == (tmp_path / "b" / name).read_bytes()


def test_force_replaces_a_non_empty_dest(tmp_path: Path, fake_course: Path,
                                         capsys: pytest.CaptureFixture[str]) -> None:
    ref = make_reference(tmp_path / "ref")
    dest = tmp_path / "mine"
    dest.mkdir()
    (dest / "old.txt").write_text("mine")
    assert tito(fake_course, "tt-zzgood", dest, "--source", ref) == 1
    assert f"tito template: {dest} is not empty; pass --force" in capsys.readouterr().err
    assert (dest / "old.txt").exists()
    assert tito(fake_course, "tt-zzgood", dest, "--source", ref, "--force") == 0
    assert not (dest / "old.txt").exists() and (dest / "pyproject.toml").is_file()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["course.toml", "mine", "ref"]


@pytest.mark.parametrize(
    ("core", "message"),
    [
        (CORE.replace("    ### END SOLUTION\n\n\nclass", "\n\nclass"),
         "core.py:14: ### BEGIN SOLUTION inside the region opened at line 6; regions do not nest"),
        (CORE.replace("        ### BEGIN SOLUTION\n", ""),
         "core.py:16: ### END SOLUTION without a ### BEGIN SOLUTION before it"),
        (CORE.replace("        ### END SOLUTION\n", ""),
         "core.py:15: ### BEGIN SOLUTION is never closed by an ### END SOLUTION"),
        (CORE + "\n### BEGIN SOLUTION\nX = 1\n### END SOLUTION\n",
         "the region is not inside a function body (it is at module level)"),
    ],
)
def test_bad_markers_are_named_and_nothing_is_written(
    tmp_path: Path, fake_course: Path, capsys: pytest.CaptureFixture[str], core: str, message: str
) -> None:
    ref = make_reference(tmp_path / "ref", core)
    dest = tmp_path / "out" / "mine"
    assert tito(fake_course, "tt-zzgood", dest, "--source", ref) == 1
    err = capsys.readouterr().err
    assert err.startswith("tito template: tt-zzgood: ") and message in err
    assert str(ref / "src" / "tinytorch" / "zzgood" / "core.py") in err
    assert not dest.exists() and list((tmp_path / "out").iterdir()) == []


def test_unknown_module_lists_the_modules(tmp_path: Path, fake_course: Path,
                                          capsys: pytest.CaptureFixture[str]) -> None:
    assert tito(fake_course, "tt-nope", tmp_path / "x") == 1
    assert capsys.readouterr().err == (
        "tito template: unknown module 'tt-nope'; the modules of course.toml are: "
        "tt-setup, tt-zzgood, tt-zzbroken\n"
    )


def test_without_source_outside_a_checkout(tmp_path: Path, fake_course: Path,
                                           monkeypatch: pytest.MonkeyPatch,
                                           capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.chdir(tmp_path)
    assert tito(fake_course, "tt-zzgood", "mine") == 1
    err = capsys.readouterr().err
    # tmp_path may itself lie inside a checkout (nox points TMPDIR into .nox/),
    # whose packages/ has no tt-zzgood: either way the reference is not found.
    assert ("is not inside a TinyTorch checkout" in err
            or "has no packages/tt-zzgood" in err), err
    assert "pass --source PATH" in err
    assert "pip download --no-deps --no-binary :all: tt-zzgood" in err


def test_without_source_inside_a_checkout(tmp_path: Path, fake_course: Path,
                                          monkeypatch: pytest.MonkeyPatch) -> None:
    repo = tmp_path / "repo"
    make_reference(repo / "packages")
    (repo / "course.toml").write_text(fake_course.read_text())
    (repo / "docs").mkdir()
    monkeypatch.chdir(repo / "docs")
    assert tito(fake_course, "tt-zzgood", "../../mine") == 0
    assert (tmp_path / "mine" / "src" / "tinytorch" / "zzgood" / "core.py").is_file()


@pytest.mark.parametrize(
    ("source", "message"),
    [
        ("missing", "does not exist"),
        ("wrong", "holds the distribution 'tt-other', not tt-zzgood"),
        ("wheel.whl", "is a wheel, which has no tests"),
        ("noreference", "expected the keyword 'tinytorch-reference'"),
    ],
)
def test_bad_sources(tmp_path: Path, fake_course: Path, capsys: pytest.CaptureFixture[str],
                     source: str, message: str) -> None:
    ref = make_reference(tmp_path / "ref")
    pyproject = ref / "pyproject.toml"
    if source == "wrong":
        pyproject.write_text(PYPROJECT.replace('"tt-zzgood"', '"tt-other"'))
    if source == "noreference":
        pyproject.write_text(PYPROJECT.replace(', "tinytorch-reference"', ""))
    if source == "wheel.whl":
        (tmp_path / source).write_bytes(b"")
    path = ref if source in ("wrong", "noreference") else tmp_path / source
    assert tito(fake_course, "tt-zzgood", tmp_path / "mine", "--source", path) == 1
    assert message in capsys.readouterr().err
    assert not (tmp_path / "mine").exists()


def make_package(root: Path, name: str, deps: tuple[str, ...] = ()) -> Path:
    """A minimal reference package folder `root/tt-<name>` declaring `deps`."""
    folder = root / f"tt-{name}"
    (folder / "src" / "tinytorch" / name).mkdir(parents=True)
    (folder / "src" / "tinytorch" / name / "__init__.py").write_text("VALUE = 1\n")
    (folder / "tests").mkdir()
    requires = ", ".join(f'"{d}"' for d in ("numpy>=1.24", *deps))
    (folder / "pyproject.toml").write_text(
        PYPROJECT.replace('"tt-zzgood"', f'"tt-{name}"')
        .replace('dependencies = ["numpy>=1.24"]', f"dependencies = [{requires}]"))
    return folder


def next_lines(out: str) -> list[str]:
    """What `tito template` prints after its `next` line, unindented."""
    return [line.strip() for line in out.split("\nnext", 1)[1].splitlines()[1:]]


def test_next_installs_every_dependency_from_the_checkout(
    tmp_path: Path, fake_course: Path, monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    # tt-zzbroken needs tt-zzgood, which needs tt-zzdeep: pip can find neither on an
    # index, so both are named, with the checkout's folder as their source
    repo = tmp_path / "repo"
    (repo / "course.toml").parent.mkdir()
    (repo / "course.toml").write_text(fake_course.read_text())
    make_package(repo / "packages", "zzbroken", ("tt-zzgood>=0.1,<0.2",))
    make_package(repo / "packages", "zzgood", ("tt-zzdeep>=0.1",))
    make_package(repo / "packages", "zzdeep")
    (repo / "tools" / "tt-testing").mkdir(parents=True)
    testing = repo / "tools" / "tt-testing" / "pyproject.toml"
    testing.write_text('[project]\nname = "tt-testing"\n')
    monkeypatch.chdir(repo)
    dest = tmp_path / "my zzbroken"  # a space: the command quotes it
    assert tito(fake_course, "tt-zzbroken", dest) == 0
    lines = next_lines(capsys.readouterr().out)
    install, test = lines[0], lines[1]
    assert install.startswith("python -m pip install ")
    assert install.endswith(f"-e '{dest}'")
    for dist in ("tt-zzgood", "tt-zzdeep"):
        assert f" {repo / 'packages' / dist} " in install
    # tt-testing (the tests' helpers) comes from the checkout, unless installed already
    assert (f" {repo / 'tools' / 'tt-testing'} " in install
            or any(line.startswith("(kept") and "tt-testing" in line for line in lines))
    # chain order: tt-zzgood (module 02) first, tt-zzdeep (not in the course) last
    assert install.index("tt-zzgood") < install.index("tt-zzdeep")
    assert test == f"python -m pytest '{dest / 'tests'}' -q"
    assert "--index-url" not in install


def test_next_without_a_checkout_uses_the_course_index(
    tmp_path: Path, fake_course: Path, monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    ref = make_package(tmp_path / "ref", "zzbroken", ("tt-zzgood>=0.1,<0.2",))
    sdist = tmp_path / "tt_zzbroken-0.1.0.tar.gz"
    with tarfile.open(sdist, "w:gz") as tf:
        tf.add(ref, arcname="tt_zzbroken-0.1.0")
    monkeypatch.chdir("/")  # no checkout around the current directory either
    dest = tmp_path / "mine"
    assert tito(fake_course, "tt-zzbroken", dest, "--source", sdist) == 0
    lines = next_lines(capsys.readouterr().out)
    assert lines[0] == f"python -m pip install --index-url URL 'tt-zzgood>=0.1,<0.2' -e {dest}" \
        or lines[0] == (f"python -m pip install --index-url URL tt-testing "
                        f"'tt-zzgood>=0.1,<0.2' -e {dest}")
    assert any(line.startswith("(URL: your course's package index") for line in lines)
    assert "--extra-index-url" not in "\n".join(lines)


def test_next_for_the_real_tt_layers_names_all_it_builds_on(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str],
) -> None:
    repo = Path(__file__).resolve().parents[3]
    layers = repo / "packages" / "tt-layers"
    if not (repo / "course.toml").is_file() or not (layers / "pyproject.toml").is_file():
        pytest.skip("needs the course checkout with packages/tt-layers")
    monkeypatch.chdir(repo)
    assert main(["--course", str(repo / "course.toml"), "template", "tt-layers",
                 str(tmp_path / "layers")]) == 0
    lines = next_lines(capsys.readouterr().out)
    kept = " ".join(line for line in lines if line.startswith("(kept"))
    deps = re.search(r"^dependencies = \[(.*?)\]", (layers / "pyproject.toml").read_text(),
                     re.MULTILINE | re.DOTALL)
    declared = re.findall(r'"(tt-[a-z]+)[^"]*"', deps.group(1) if deps else "")
    assert declared, "tt-layers declares the tt-* packages it builds on"
    for dist in [*declared, "tt-testing"]:
        folder = repo / ("tools" if dist == "tt-testing" else "packages") / dist
        # from the checkout (a folder holding that distribution), or kept as installed
        assert f" {folder} " in lines[0] or f"{dist} " in kept, (dist, lines)
        assert f'name = "{dist}"' in (folder / "pyproject.toml").read_text()
