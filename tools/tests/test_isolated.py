"""`nox -s isolated`: what each package's venv holds, and the line that names an import
the package does not declare (read from a real pytest JUnit report)."""

from __future__ import annotations

import subprocess
import sys
from collections import Counter
from pathlib import Path

from course_tools import isolated
from course_tools.manifest import load


def test_closure_is_the_declared_dependencies_transitively_in_chain_order(fake_repo) -> None:
    course = load(fake_repo.root)
    declared = {"tt-alpha": set(), "tt-beta": {"tt-alpha"}, "tt-gamma": {"tt-beta"}}
    assert [m.dist for m in isolated.closure(course, declared, "tt-gamma")] == [
        "tt-alpha", "tt-beta", "tt-gamma"]
    assert [m.dist for m in isolated.closure(course, declared, "tt-alpha")] == ["tt-alpha"]
    assert [m.dist for m in isolated.closure(course, {"tt-gamma": {"tt-alpha"}}, "tt-gamma")] == [
        "tt-alpha", "tt-gamma"]  # tt-beta is not declared: not installed


def test_the_repository_packages_install_only_what_they_declare() -> None:
    course = load()
    declared = isolated.declared_deps(course)
    assert set(isolated.present(course)) == set(declared)
    for dist, deps in declared.items():
        chain = [m.dist for m in isolated.closure(course, declared, dist)]
        assert chain[-1] == dist and set(deps) <= set(chain)
        assert chain == [m.dist for m in course.modules if m.dist in chain]  # chain order
        for dep in chain[:-1]:  # everything else is needed by something in the chain
            assert any(dep in declared[other] for other in chain if other != dep)


TESTS = {
    "test_top.py": "import tinytorch.gamma\n\ndef test_never():\n    assert tinytorch.gamma\n",
    "test_inside.py": "def test_one():\n    import tinytorch.gamma  # noqa\n\n"
                      "def test_two():\n    from tinytorch.gamma import Gamma  # noqa\n\n"
                      "def test_fine():\n    assert True\n",
    "test_other.py": "def test_lib():\n    import not_installed_anywhere_xyz  # noqa\n",
}


def test_an_undeclared_import_is_named_with_its_fix(fake_repo, tmp_path: Path) -> None:
    tests = tmp_path / "pkg_tests"
    tests.mkdir()
    for name, text in TESTS.items():
        (tests / name).write_text(text)
    junit = tmp_path / "junit.xml"
    proc = subprocess.run([sys.executable, "-m", "pytest", str(tests), "-q", "-p",
                           "no:cacheprovider", *isolated.PYTEST_OPTS, f"--junitxml={junit}"],
                          capture_output=True, text=True, cwd=tmp_path, timeout=120, check=False)
    assert proc.returncode == 1, proc.stdout  # failures (and a collection error)
    missing = isolated.missing_modules(junit)
    assert missing == Counter({"tinytorch.gamma": 3, "not_installed_anywhere_xyz": 1})

    course = load(fake_repo.root)
    chain = isolated.closure(course, {"tt-beta": {"tt-alpha"}}, "tt-beta")
    lines = isolated.explain(missing, course, course.module("tt-beta"), chain,
                             {"tt-gamma": "0.3.1"})
    assert lines == [
        "tt-beta tests: 1 failure(s) with `No module named 'not_installed_anywhere_xyz'`: "
        "not_installed_anywhere_xyz is not installed here (only tt-beta, its declared tt-* "
        "dependencies, NumPy, pytest and tt-testing are); declare it or stop importing it",
        "tt-beta tests: 3 failure(s) with `No module named 'tinytorch.gamma'`: tinytorch.gamma "
        "is tt-gamma (module 03), which tt-beta does not declare, so it is not installed here. "
        "Declare \"tt-gamma>=0.3.1,<0.4\" in packages/tt-beta/pyproject.toml if the package "
        "needs it, or stop importing it",
    ]


def test_what_is_installed_or_unknown_is_told_apart(fake_repo) -> None:
    course = load(fake_repo.root)
    chain = isolated.closure(course, {}, "tt-alpha")
    missing = Counter({"tinytorch.alpha.secret": 1, "tinytorch.delta": 2})
    assert isolated.explain(missing, course, course.module("tt-alpha"), chain) == [
        "tt-alpha tests: 2 failure(s) with `No module named 'tinytorch.delta'`: "
        "tinytorch.delta is not a module of course.toml"]
    assert isolated.missing_modules(Path("/nonexistent/junit.xml")) == Counter()
    line = isolated.explain(Counter({"tinytorch.gamma": 1}), course, course.module("tt-alpha"),
                            chain)[0]
    assert 'Declare "tt-gamma>=X,<Y" in packages/tt-alpha/pyproject.toml' in line
