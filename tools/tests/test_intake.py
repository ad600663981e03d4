"""Intake: which module each entry is (never aborting), and what a submission may not ship.

Each refusal below is one of the attacks issue 8 saw score 1.0: a pytest plugin
entry point, a `.pth` file, a `sitecustomize.py`, and the ways a build can run
the package's own code. They are refused before any of the student's code runs.
"""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest
from course_tools import intake
from course_tools.manifest import REPO, load

COURSE = load()
ACTIVATIONS = COURSE.module("tt-activations")


def _package(folder: Path, name: str, pyproject: str | None = None) -> Path:
    folder.mkdir(parents=True)
    text = pyproject if pyproject is not None else f'[project]\nname = "{name}"\n'
    (folder / "pyproject.toml").write_text(text, encoding="utf-8")
    return folder


def _wheel(path: Path, name: str = "tt-activations", files: dict[str, str] | None = None,
           requires: tuple[str, ...] = ("numpy>=1.24", "tt-tensor>=0.2,<0.3")) -> Path:
    info = "tt_activations-0.1.1.dist-info"
    meta = f"Metadata-Version: 2.4\nName: {name}\nVersion: 0.1.1\n" + "".join(
        f"Requires-Dist: {r}\n" for r in requires)
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr(f"{info}/METADATA", meta)
        zf.writestr(f"{info}/RECORD", "")
        zf.writestr("tinytorch/activations/__init__.py", "")
        for member, text in (files or {}).items():
            zf.writestr(member, text)
    return path


def test_discover_finds_the_course_packages_in_order(tmp_path: Path) -> None:
    _package(tmp_path / "my-autograd", "TT_Autograd")  # PEP 503: the same name
    _wheel(tmp_path / "whatever-name.whl", name="tt-tensor")  # found by its METADATA
    _package(tmp_path / "tt-layers", "", pyproject="[project\nname=")  # broken, but named
    _package(tmp_path / "tt-bogus", "tt-bogus")
    _package(tmp_path / "weird", "", pyproject="[tool.x]\n")
    (tmp_path / "empty").mkdir()
    (tmp_path / "notes.txt").write_text("hi")
    (tmp_path / "junk.whl").write_bytes(b"not a zip")
    (tmp_path / ".git").mkdir()
    subs, skipped = intake.discover(tmp_path, COURSE)
    assert [(s.module.dist, s.path.name) for s in subs] == [
        ("tt-tensor", "whatever-name.whl"),
        ("tt-layers", "tt-layers"),
        ("tt-autograd", "my-autograd"),
    ]
    reasons = {Path(s.path).name: s.reason for s in skipped}
    assert set(reasons) == {"tt-bogus", "weird", "empty", "notes.txt", "junk.whl"}
    assert reasons["tt-bogus"] == "'tt-bogus' is not a tt-* module of course.toml"
    assert reasons["weird"].startswith("cannot read [project].name")
    assert reasons["empty"] == "no pyproject.toml: not a package folder"
    assert reasons["notes.txt"] == "neither a package folder nor a wheel (.whl)"
    assert reasons["junk.whl"].startswith("not a readable wheel")


def test_a_module_handed_in_twice_is_not_graded_and_the_rest_is(tmp_path: Path) -> None:
    _package(tmp_path / "a", "tt-autograd")
    _wheel(tmp_path / "b.whl", name="tt-autograd")
    _package(tmp_path / "c", "tt-tensor")
    subs, skipped = intake.discover(tmp_path, COURSE)
    assert [s.module.dist for s in subs] == ["tt-tensor"]
    assert {Path(s.path).name for s in skipped} == {"a", "b.whl"}
    assert all("tt-autograd is handed in twice (a and b.whl)" in s.reason for s in skipped)


def test_every_reference_package_passes_intake() -> None:
    for m in COURSE.modules:
        folder = REPO / "packages" / m.dist
        if folder.is_dir():
            assert intake.refusals_of_folder(folder, m) == [], m.dist


HOOKS = {
    "entry point (a pytest11 plugin)": (
        '[project.entry-points.pytest11]\nevil = "tinytorch.activations.evil"\n',
        "[project.entry-points]"),
    "a build hook": ("[tool.hatch.build.hooks.custom]\n", "hooks run code"),
    "a version read by running code": ('[tool.hatch.version]\nsource = "code"\npath = "x.py"\n',
                                      "executes code"),
}


@pytest.mark.parametrize("attack", sorted(HOOKS))
def test_a_folder_whose_build_or_install_runs_its_code_is_refused(tmp_path: Path,
                                                                  attack: str) -> None:
    base = (REPO / "packages" / "tt-activations" / "pyproject.toml").read_text()
    extra, reason = HOOKS[attack]
    base = base.replace("[tool.hatch.version]\n", "[tool.hatch.version.x]\n") \
        if "hatch.version" in extra else base
    folder = _package(tmp_path / "s", "", pyproject=base + "\n" + extra)
    found = intake.refusals_of_folder(folder, ACTIVATIONS)
    assert any(reason in r for r in found), found


def test_a_folder_with_setup_py_pth_or_sitecustomize_is_refused(tmp_path: Path) -> None:
    base = (REPO / "packages" / "tt-activations" / "pyproject.toml").read_text()
    folder = _package(tmp_path / "s", "", pyproject=base.replace(
        '"hatchling.build"', '"setuptools.build_meta"'))
    (folder / "setup.py").write_text("import os\n")
    (folder / "src").mkdir()
    (folder / "src" / "hook.pth").write_text("import os\n")
    (folder / "src" / "sitecustomize.py").write_text("import os\n")
    found = " | ".join(intake.refusals_of_folder(folder, ACTIVATIONS))
    for reason in ("setup.py runs code", "build-backend 'setuptools.build_meta'",
                   "src/hook.pth: Python runs", "src/sitecustomize.py: Python runs"):
        assert reason in found


@pytest.mark.parametrize(("files", "reason"), [
    ({"evil.pth": "import x"}, "files outside tinytorch/activations/"),
    ({"tinytorch/activations/x.pth": "import x"}, "x.pth: Python runs such files"),
    ({"sitecustomize.py": ""}, "sitecustomize.py: Python runs"),
    ({"tinytorch/tensor/__init__.py": ""}, "files outside tinytorch/activations/"),
    ({"tt_activations-0.1.1.data/scripts/run": ""}, "files outside"),
    ({"tt_activations-0.1.1.dist-info/entry_points.txt": "[pytest11]\nevil = m\n"},
     "entry points"),
])
def test_a_wheel_that_ships_what_runs_on_its_own_is_refused(tmp_path: Path, files, reason) -> None:
    wheel = _wheel(tmp_path / "w.whl", files=files)
    found = " | ".join(intake.refusals_of_wheel(wheel, ACTIVATIONS, COURSE))
    assert reason in found


def test_a_wheel_may_depend_on_numpy_and_earlier_modules_only(tmp_path: Path) -> None:
    assert intake.refusals_of_wheel(_wheel(tmp_path / "ok.whl"), ACTIVATIONS, COURSE) == []
    bad = _wheel(tmp_path / "bad.whl", requires=("numpy", "pytest-evil", "tt-layers"))
    found = intake.refusals_of_wheel(bad, ACTIVATIONS, COURSE)
    assert [f.split("'")[1] for f in found] == ["pytest-evil", "tt-layers"]
    # what the course's own package needs is allowed: tt-setup's tomli
    setup = _wheel(tmp_path / "setup.whl", name="tt-setup",
                   requires=("numpy", "tomli>=1.1; python_version < '3.11'"))
    with zipfile.ZipFile(setup, "a") as zf:
        zf.writestr("tt_activations-0.1.1.dist-info/entry_points.txt",
                    "[console_scripts]\ntito = tinytorch.setup.cli:run\n")
    found = intake.refusals_of_wheel(setup, COURSE.module("tt-setup"), COURSE)
    assert found == ["files outside tinytorch/setup/ and its .dist-info: "
                     "tinytorch/activations/__init__.py"]


def test_the_course_s_own_build_hook_is_allowed_only_unchanged(tmp_path: Path) -> None:
    import shutil

    setup = COURSE.module("tt-setup")
    folder = tmp_path / "tt-setup"
    shutil.copytree(REPO / "packages" / "tt-setup", folder,
                    ignore=shutil.ignore_patterns("__pycache__"))
    assert intake.refusals_of_folder(folder, setup) == []
    hook = folder / "hatch_build.py"
    hook.write_text(hook.read_text() + "\nimport os; os.system('echo pwned')\n")
    assert any("hooks run code" in r for r in intake.refusals_of_folder(folder, setup))


def test_the_course_s_own_entry_points_are_allowed_and_no_others(tmp_path: Path) -> None:
    autograd = COURSE.module("tt-autograd")
    ours = "[tinytorch.engine]\nautograd = tinytorch.autograd\n"
    for text, ok in ((ours, True), (ours + "evil = tinytorch.autograd.evil\n", False),
                     ("[pytest11]\nautograd = tinytorch.autograd\n", False)):
        wheel = _wheel(tmp_path / f"w{len(text)}-{ok}.whl", name="tt-autograd", requires=(),
                       files={"tinytorch/autograd/__init__.py": "",
                              "tt_activations-0.1.1.dist-info/entry_points.txt": text})
        found = [r for r in intake.refusals_of_wheel(wheel, autograd, COURSE)
                 if "entry point" in r]
        assert (found == []) == ok, found
