"""The install plan, output parsing, and pip's find-links for uv."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
from course_tools import install
from course_tools.manifest import PACKAGES, load
from course_tools.options import Swap


def test_plan_uses_the_reference_unless_swapped(monkeypatch) -> None:
    monkeypatch.setattr(install, "missing_packages", lambda modules: [])
    course = load()
    student = Path("/home/student/my-tensor")  # outside the repository
    swap = Swap("tt-tensor", student, "--use")
    planned = install.plan(course.modules_through(3), {"tt-tensor": swap})
    assert [p.module.dist for p in planned] == ["tt-setup", "tt-tensor", "tt-activations"]
    assert [p.kind for p in planned] == ["reference", "student", "reference"]
    assert planned[0].source == PACKAGES / "tt-setup"
    assert planned[0].label == "packages/tt-setup"
    assert planned[1].source == student and planned[1].label == str(student)
    assert planned[1].who() == f"tt-tensor (student package, from {student})"


def test_plan_names_the_missing_packages(monkeypatch) -> None:
    monkeypatch.setattr(install, "missing_packages",
                        lambda modules: ["tt-spatial", "tt-dataloader"])
    with pytest.raises(install.InstallFailure) as info:
        install.plan(load().part(2).modules, {})
    assert str(info.value) == (
        "This session needs packages that are not in packages/ yet: tt-spatial, tt-dataloader "
        "(modules 09, 10)"
    )


def test_plan_accepts_a_swap_for_a_missing_reference(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setattr(install, "missing_packages", lambda modules: ["tt-tensor"])
    planned = install.plan(load().modules_through(2), {"tt-tensor": Swap("tt-tensor", tmp_path,
                                                                          "--use")})
    assert planned[1].source == tmp_path


UV_TOML_ERROR = """Building wheel...
error: Failed to build `/tmp/st/buildfail`
  cause: `pyproject.toml` does not match the required schema.
  cause: TOML parse error at line 8, column 11
           |
         8 | version = "oops"
           |           ^^^^^^
         expected version to start with a number
"""

BACKEND_ERROR = """  File "/x/hatchling/metadata/core.py", line 1550, in cached
    raise type(e)(message) from None
OSError: Error getting the version: file does not exist: src/x.py
error: Failed to build `/tmp/st/hf`
  cause: The build backend returned an error

hint: Build failures usually indicate a problem with the package
"""

UV_RESOLVER_ERROR = """  × No solution found when resolving dependencies:
  ╰─▶ Because tt-tensor==0.1.0 depends on tt-setup>=5, tt-tensor cannot be used.
      And because you require tt-tensor, your requirements are unsatisfiable.
"""

UV_RESOLVER_PLAIN = """Using Python 3.11.7 environment at: .nox/tt-tensor
error: No solution found when resolving dependencies
  cause: Because tt-tensor==0.1.0 depends on tt-setup>=5, tt-tensor cannot be used.
         And because you require tt-tensor, your requirements are unsatisfiable.
"""


@pytest.mark.parametrize(
    ("output", "line"),
    [
        (UV_TOML_ERROR,
         "TOML parse error at line 8, column 11: expected version to start with a number"),
        (BACKEND_ERROR, "OSError: Error getting the version: file does not exist: src/x.py"),
        (UV_RESOLVER_ERROR, "Because tt-tensor==0.1.0 depends on tt-setup>=5, tt-tensor cannot "
                            "be used. And because you require tt-tensor, your requirements are "
                            "unsatisfiable."),
        (UV_RESOLVER_PLAIN, "Because tt-tensor==0.1.0 depends on tt-setup>=5, tt-tensor cannot "
                            "be used. And because you require tt-tensor, your requirements are "
                            "unsatisfiable."),
        ("ERROR: No matching distribution found for torch==2.13.0\n",
         "ERROR: No matching distribution found for torch==2.13.0"),
        ("", "(no output)"),
    ],
)
def test_last_line(output: str, line: str) -> None:
    assert install.last_line(output) == line


def test_pip_find_links(monkeypatch) -> None:
    listing = "global.find-links='/opt/wheels /more'\n:env:.find-links='/opt/wheels'\nx.y='z'\n"

    def fake_run(*args, **kwargs):
        return subprocess.CompletedProcess(args, 0, stdout=listing, stderr="")

    monkeypatch.setattr(install.subprocess, "run", fake_run)
    monkeypatch.setenv("PIP_FIND_LINKS", "/env/links")
    assert install.pip_find_links() == ["/opt/wheels", "/more", "/env/links"]


def test_missing_packages_reads_the_tree(tmp_path: Path) -> None:
    from course_tools.manifest import missing_packages

    course = load()
    (tmp_path / "packages" / "tt-setup").mkdir(parents=True)
    (tmp_path / "packages" / "tt-setup" / "pyproject.toml").write_text("[project]\n")
    (tmp_path / "packages" / "tt-tensor").mkdir()  # a folder without pyproject.toml
    assert missing_packages(course.modules_through(3), tmp_path) == ["tt-tensor", "tt-activations"]
