"""The contract check: a valid mini repository passes; each broken rule is named."""

from __future__ import annotations

import ast
from typing import TYPE_CHECKING

import pytest
from course_tools import contract

if TYPE_CHECKING:
    from conftest import FakeRepo


def errors(repo: FakeRepo) -> list[str]:
    return contract.check(repo.root)


def one_error(repo: FakeRepo) -> str:
    found = errors(repo)
    assert len(found) == 1, found
    return found[0]


def test_the_valid_repo_passes(fake_repo: FakeRepo) -> None:
    assert errors(fake_repo) == []


def test_the_real_repository_keeps_the_contract() -> None:
    from course_tools.manifest import REPO

    assert contract.check(REPO) == []


def test_later_module_import_is_a_layering_error(fake_repo: FakeRepo) -> None:
    fake_repo.write("packages/tt-alpha/src/tinytorch/alpha/late.py",
                    "from tinytorch.beta import Beta\n")
    found = errors(fake_repo)
    assert any(
        e.startswith("packages/tt-alpha/src/tinytorch/alpha/late.py:1: tt-alpha (01) imports "
                     "tinytorch.beta (02 tt-beta), a later module") for e in found
    ), found


@pytest.mark.parametrize(
    "source",
    ["from ..beta import Beta\n", "from tinytorch import beta\n", "import tinytorch.beta\n"],
)
def test_every_import_form_is_seen(fake_repo: FakeRepo, source: str) -> None:
    fake_repo.write("packages/tt-alpha/src/tinytorch/alpha/late.py", source)
    assert any("a later module" in e for e in errors(fake_repo))


def test_undeclared_dependency(fake_repo: FakeRepo) -> None:
    fake_repo.deps("beta", [])
    assert errors(fake_repo) == [
        "packages/tt-beta/src/tinytorch/beta/net.py:2: tt-beta imports tinytorch.alpha but "
        "does not declare tt-alpha in pyproject.toml",
        # and its tests may no longer use tt-alpha either
        "packages/tt-beta/tests/test_beta.py:2: tt-beta tests uses tinytorch.alpha (01 tt-alpha): "
        "tests may import only tt-beta and its declared dependencies",
    ]


def test_declared_but_unused_dependency(fake_repo: FakeRepo) -> None:
    fake_repo.deps("gamma", ["tt-alpha>=0.1,<0.2", "tt-beta>=0.1,<0.2"])
    assert one_error(fake_repo) == (
        "packages/tt-gamma/pyproject.toml: declares tt-alpha, but its source never imports "
        "tinytorch.alpha"
    )


def test_range_must_admit_the_current_version(fake_repo: FakeRepo) -> None:
    fake_repo.deps("beta", ["tt-alpha>=0.2,<0.3"])
    assert one_error(fake_repo) == (
        "packages/tt-beta/pyproject.toml: declares tt-alpha<0.3,>=0.2, which does not admit "
        "its current version 0.1.0"
    )


def test_dependency_without_range(fake_repo: FakeRepo) -> None:
    fake_repo.deps("beta", ["tt-alpha"])
    assert "declares tt-alpha without a range" in one_error(fake_repo)


def test_dependency_on_a_later_module(fake_repo: FakeRepo) -> None:
    fake_repo.deps("alpha", ["tt-beta>=0.1,<0.2"])
    found = errors(fake_repo)
    assert any("declares tt-beta (module 02), which is not earlier than its own module 01" in e
               for e in found), found


def test_runtime_dependency_beyond_numpy(fake_repo: FakeRepo) -> None:
    fake_repo.deps("alpha", ["requests>=2"])
    assert "declares the run-time dependency requests" in one_error(fake_repo)


def test_namespace_init_is_forbidden(fake_repo: FakeRepo) -> None:
    fake_repo.write("packages/tt-beta/src/tinytorch/__init__.py", "")
    assert one_error(fake_repo).startswith(
        "packages/tt-beta/src/tinytorch/__init__.py: must not exist"
    )


def test_extra_package_in_the_namespace(fake_repo: FakeRepo) -> None:
    fake_repo.write("packages/tt-beta/src/tinytorch/utils/__init__.py", "")
    assert one_error(fake_repo) == (
        "packages/tt-beta/src/tinytorch/utils: tt-beta may only hold tinytorch/beta/"
    )


@pytest.mark.parametrize("name", ["README.md", "CHANGELOG.md"])
def test_readme_and_changelog_are_required(fake_repo: FakeRepo, name: str) -> None:
    fake_repo.remove(f"packages/tt-gamma/{name}")
    assert one_error(fake_repo) == f"packages/tt-gamma: has no {name}"


def test_about_needs_a_version(fake_repo: FakeRepo) -> None:
    fake_repo.write("packages/tt-gamma/src/tinytorch/gamma/__about__.py", "VERSION = '1'\n")
    assert one_error(fake_repo) == (
        "packages/tt-gamma/src/tinytorch/gamma/__about__.py: missing, or without a literal "
        "__version__ = '...'"
    )


def test_all_must_be_literal(fake_repo: FakeRepo) -> None:
    fake_repo.write("packages/tt-gamma/src/tinytorch/gamma/__init__.py",
                    "from .model import Gamma\n__all__ = [n for n in ['Gamma']]\n")
    assert "has no literal __all__" in one_error(fake_repo)


def test_folder_not_in_course(fake_repo: FakeRepo) -> None:
    fake_repo.write("packages/tt-delta/README.md", "# delta\n")
    assert one_error(fake_repo) == (
        "packages/tt-delta: is not a module of course.toml (add it there or remove the folder)"
    )


def test_project_name_must_match_the_folder(fake_repo: FakeRepo) -> None:
    path = fake_repo.root / "packages/tt-gamma/pyproject.toml"
    path.write_text(path.read_text().replace('name = "tt-gamma"', 'name = "tt-gama"'))
    assert "[project] name is 'tt-gama', but the folder and course.toml say 'tt-gamma'" in (
        one_error(fake_repo)
    )


def test_reference_keyword_is_required(fake_repo: FakeRepo) -> None:
    path = fake_repo.root / "packages/tt-gamma/pyproject.toml"
    path.write_text(path.read_text().replace(', "tinytorch-reference"', ""))
    assert one_error(fake_repo) == (
        "packages/tt-gamma/pyproject.toml: [project] keywords lack 'tinytorch-reference' (how "
        "tito tells a reference package from a student's)"
    )


def test_tests_import_only_declared_packages(fake_repo: FakeRepo) -> None:
    fake_repo.write("packages/tt-alpha/tests/test_more.py", "from tinytorch.beta import Beta\n")
    assert one_error(fake_repo) == (
        "packages/tt-alpha/tests/test_more.py:1: tt-alpha tests uses tinytorch.beta "
        "(02 tt-beta): tests may import only tt-alpha and its declared dependencies"
    )


def test_tests_use_only_names_in_all(fake_repo: FakeRepo) -> None:
    fake_repo.write("packages/tt-beta/tests/test_more.py", "from tinytorch.beta import secret\n")
    assert one_error(fake_repo) == (
        "packages/tt-beta/tests/test_more.py:1: tt-beta tests uses tinytorch.beta.secret, "
        "which is not in tinytorch.beta.__all__"
    )


def test_tests_attribute_access_is_checked(fake_repo: FakeRepo) -> None:
    fake_repo.write("packages/tt-beta/tests/test_more.py",
                    "import tinytorch.alpha as ta\n\nx = ta.hidden\ny = ta.Alpha\n")
    assert one_error(fake_repo) == (
        "packages/tt-beta/tests/test_more.py:3: tt-beta tests uses tinytorch.alpha.hidden, "
        "which is not in tinytorch.alpha.__all__"
    )


def test_tests_never_import_private_modules(fake_repo: FakeRepo) -> None:
    fake_repo.write("packages/tt-beta/tests/test_more.py", "from tinytorch.beta.net import Beta\n")
    assert one_error(fake_repo) == (
        "packages/tt-beta/tests/test_more.py:1: tt-beta tests imports the private module "
        "tinytorch.beta.net; use names from tinytorch.beta (its __all__)"
    )


def test_source_uses_other_packages_through_all(fake_repo: FakeRepo) -> None:
    fake_repo.write("packages/tt-gamma/src/tinytorch/gamma/extra.py",
                    "from tinytorch.beta.net import Beta\n")
    assert "imports the private module tinytorch.beta.net" in one_error(fake_repo)


def test_integration_tests_stay_in_their_part(fake_repo: FakeRepo) -> None:
    fake_repo.write("integration/part1/test_late.py", "from tinytorch.gamma import Gamma\n")
    assert one_error(fake_repo).startswith(
        "integration/part1/test_late.py:1: integration test uses tinytorch.gamma (03 tt-gamma)"
    )


def test_milestones_use_only_their_prefix(fake_repo: FakeRepo) -> None:
    fake_repo.write("milestones/demo.py", "from tinytorch.gamma import Gamma\n")
    assert one_error(fake_repo).startswith(
        "milestones/demo.py:1: milestone uses tinytorch.gamma (03 tt-gamma)"
    )


def test_a_milestone_option_may_use_the_later_module_it_declares(fake_repo: FakeRepo) -> None:
    body = ("def body(run):\n    from tinytorch.gamma import Gamma\n"
            "main('demo', body, needs={'fast': 'tt-gamma'})\n")
    fake_repo.write("milestones/demo.py", body)
    assert errors(fake_repo) == []
    fake_repo.write("milestones/demo.py", body.replace("'tt-gamma'", "'tt-beta'"))
    assert "milestone uses tinytorch.gamma (03 tt-gamma)" in one_error(fake_repo)


def test_unknown_tinytorch_module(fake_repo: FakeRepo) -> None:
    fake_repo.write("milestones/demo.py", "import tinytorch.omega\n")
    assert one_error(fake_repo) == (
        "milestones/demo.py:1: milestone imports tinytorch.omega, which is not a module of "
        "course.toml"
    )


def test_syntax_error_is_reported_not_raised(fake_repo: FakeRepo) -> None:
    fake_repo.write("packages/tt-gamma/src/tinytorch/gamma/bad.py", "def f(:\n")
    assert "bad.py: cannot be parsed" in one_error(fake_repo)


def test_bad_course_is_one_error(fake_repo: FakeRepo) -> None:
    fake_repo.write("course.toml", "[course\n")
    assert "not valid TOML" in one_error(fake_repo)


def test_main_prints_and_exits_1(fake_repo: FakeRepo, capsys: pytest.CaptureFixture[str]) -> None:
    assert contract.main([str(fake_repo.root)]) == 0
    fake_repo.remove("packages/tt-gamma/README.md")
    assert contract.main([str(fake_repo.root)]) == 1
    out = capsys.readouterr().out
    assert "packages/tt-gamma: has no README.md" in out
    assert "contract: 3 packages, 1 problem(s)" in out


def test_read_all_forms(tmp_path) -> None:
    init = tmp_path / "__init__.py"
    init.write_text("__all__: list[str] = ['a']\n__all__ += ('b',)\n")
    assert contract.read_all(init) == {"a", "b"}
    init.write_text("x = 1\n")
    assert contract.read_all(init) is None


def test_relative_imports_resolve() -> None:
    tree = ast.parse("from . import core\nfrom ..beta import Beta\nfrom .sub.x import y\n")
    uses = contract.find_uses(tree, "tinytorch.alpha.mod", is_init=False)
    assert [(u.package, u.submodule, u.names) for u in uses] == [
        ("alpha", "", ("core",)),
        ("beta", "", ("Beta",)),
        ("alpha", "sub.x", ()),
    ]
