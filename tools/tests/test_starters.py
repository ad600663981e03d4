"""Starters: stripping solution regions, the round trip, and the starter check's pieces.

The stripping and refilling code is tt-setup's (`tinytorch.setup.markers`,
from the source tree, as the tooling uses it); the starter check is
`course_tools.starters`.
"""

from __future__ import annotations

import ast
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from course_tools import starters
from course_tools.manifest import REPO, load, package_dir
from course_tools.options import UsageError
from tinytorch.setup.markers import MarkerError, find_regions, refill, strip_solutions

BEGIN, END = "### BEGIN SOLUTION", "### END SOLUTION"


def strip(source: str) -> str:
    text, _regions = strip_solutions(textwrap.dedent(source), "mod.py",
                                     lambda r: f"tt-x: {r.qualname} is yours to write (module 05)")
    return text


def error(source: str) -> str:
    with pytest.raises(MarkerError) as info:
        strip(source)
    return str(info.value)


# ------------------------------------------------------------------ stripping

def test_function_body_becomes_a_stub_between_the_markers() -> None:
    out = strip('''
        def relu(x):
            """Docstring stays."""
            ### BEGIN SOLUTION
            y = x * (x > 0)
            return y
            ### END SOLUTION
        ''')
    assert out == textwrap.dedent('''
        def relu(x):
            """Docstring stays."""
            ### BEGIN SOLUTION
            raise NotImplementedError("tt-x: relu is yours to write (module 05)")
            ### END SOLUTION
        ''')


def test_method_keeps_its_indentation_and_class_name() -> None:
    out = strip('''
        class Net:
            scale = 2  # stays

            def forward(self, x):
                """Docstring."""
                ### BEGIN SOLUTION
                return x * self.scale
                ### END SOLUTION

            async def later(self):
                if True:
                    ### BEGIN SOLUTION
                    return 1
                    ### END SOLUTION
                return 0
        ''')
    lines = out.splitlines()
    stub = lines.index(f"        {BEGIN}") + 1
    assert lines[stub] == (
        '        raise NotImplementedError("tt-x: Net.forward is yours to write (module 05)")')
    assert '            raise NotImplementedError("tt-x: Net.later is yours' in out
    assert "scale = 2  # stays" in out and "return 0" in out
    assert "return x * self.scale" not in out and "return 1" not in out


def test_nested_functions_are_named_like_qualname() -> None:
    out = strip('''
        def outer(xs):
            def inner(x):
                ### BEGIN SOLUTION
                return x + 1
                ### END SOLUTION

            ### BEGIN SOLUTION
            return [inner(x) for x in xs]
            ### END SOLUTION
        ''')
    assert "outer.<locals>.inner is yours to write" in out
    assert '    raise NotImplementedError("tt-x: outer is yours to write (module 05)")' in out
    assert "def inner(x):" in out
    assert [r.qualname for r in find_regions(out)] == ["outer.<locals>.inner", "outer"]


def test_markers_inside_strings_do_not_count() -> None:
    source = f'''
        def show():
            """Write the code between '{BEGIN}' and '{END}'."""
            ### BEGIN SOLUTION
            text = """
            {END}
            """
            return text + "{BEGIN}"
            ### END SOLUTION
        '''
    out = strip(source)
    assert len(find_regions(textwrap.dedent(source))) == 1
    assert f"Write the code between '{BEGIN}'" in out  # the docstring stays
    assert "return text" not in out and 'return text + "' not in out
    assert find_regions(f'HELP = "{BEGIN}"\n') == []


def test_a_long_stub_is_wrapped_and_parses() -> None:
    name = "a_function_with_a_remarkably_long_name"
    out = strip(f'''
        class Outer:
            class Inner:
                def {name}(self):
                    ### BEGIN SOLUTION
                    return 1
                    ### END SOLUTION
        ''')
    assert max(len(line) for line in out.splitlines()) <= 99
    assert "            raise NotImplementedError(\n" in out
    tree = ast.parse(out)
    raised = next(n for n in ast.walk(tree) if isinstance(n, ast.Raise))
    assert raised.exc.args[0].value == (
        f"tt-x: Outer.Inner.{name} is yours to write (module 05)")
    assert find_regions(out)[0].qualname == f"Outer.Inner.{name}"


def test_crlf_line_endings_are_kept() -> None:
    source = f"def f():\r\n    {BEGIN}\r\n    return 1\r\n    {END}\r\n"
    out, _ = strip_solutions(source, "f.py", lambda r: "todo")
    stub = '    raise NotImplementedError("todo")'
    assert out == f"def f():\r\n    {BEGIN}\r\n{stub}\r\n    {END}\r\n"
    assert refill(out, source) == source


def test_a_file_without_markers_is_unchanged() -> None:
    source = "def f():\n    return 1\n"
    assert strip(source) == source


# ------------------------------------------------------------------ marker errors

@pytest.mark.parametrize(
    ("source", "message"),
    [
        (f"def f():\n    {BEGIN}\n    return 1\n",
         f"mod.py:2: {BEGIN} is never closed"),
        (f"def f():\n    return 1\n    {END}\n",
         f"mod.py:3: {END} without a {BEGIN} before it"),
        (f"def f():\n    {BEGIN}\n    x = 1\n    {BEGIN}\n    return x\n    {END}\n    {END}\n",
         f"mod.py:4: {BEGIN} inside the region opened at line 2; regions do not nest"),
        (f"def f():\n    if True:\n        {BEGIN}\n        x = 1\n    {END}\n    return 1\n",
         f"mod.py:5: {END} is indented 4 columns, its {BEGIN} (line 3) 8"),
        ("def f():\n    ## BEGIN SOLUTION\n    return 1\n",
         "mod.py:2: '## BEGIN SOLUTION' looks like a solution marker but is not one"),
        (f"def f():\n    x = 1  {BEGIN}\n    return x\n",
         "must be alone on its line"),
        (f"def f():\n    return max(\n        {BEGIN}\n        1, 2,\n        {END}\n    )\n",
         "mod.py:3: '### BEGIN SOLUTION' is inside brackets"),
        (f"{BEGIN}\nX = 1\n{END}\n",
         "mod.py:1: the region is not inside a function body (it is at module level)"),
        (f"class A:\n    {BEGIN}\n    x = 1\n    {END}\n",
         "mod.py:2: the region is not inside a function body (it is at the body of class A)"),
        (f'def f():\n    {BEGIN}\n    """Doc."""\n    return 1\n    {END}\n',
         "mod.py:2: the region holds the docstring of f"),
        (f"def f():\n    {BEGIN}\n    # nothing yet\n    {END}\n    return 1\n",
         "mod.py:2: the region (lines 2-4) holds no statement"),
        (f"def f(x):\n    if x:\n        {BEGIN}\n        y = 1\n    else:\n        y = 2\n"
         f"        {END}\n    return y\n",
         "mod.py:3: the region spans more than one block of statements"),
        (f"def f(x):\n    {BEGIN}\n    if x:\n        y = 1\n    {END}\n        y = 2\n",
         "mod.py:3: this statement runs past the ### END SOLUTION at line 5"),
        (f"def f(x):\n    if x:\n        y = 1\n    {BEGIN}\n        y = 2\n    z = 3\n    {END}\n",
         "mod.py:4: the region begins inside the statement at line 2"),
        ("def f(:\n    pass\n# ### BEGIN SOLUTION\n", "not valid Python"),
    ],
)
def test_marker_errors_name_file_line_and_problem(source: str, message: str) -> None:
    assert message in error(source)


# ------------------------------------------------------------------ nothing survives, round trip

SECRET_PROGRAM = '''
import math


def area(r):
    """Area of a circle."""
    ### BEGIN SOLUTION
    secret_a = math.pi * r ** 2  # secret comment
    return secret_a
    ### END SOLUTION


class Shape:
    def grow(self, k):
        """Scale."""
        ### BEGIN SOLUTION
        for secret_i in range(k):
            self.secret_size = (self.secret_size
                                * 2)
        ### END SOLUTION
        return self
'''


def test_region_text_never_survives_and_refill_restores_it() -> None:
    out = strip(SECRET_PROGRAM)
    assert "secret" not in out
    assert out.count("raise NotImplementedError") == 2
    assert out.count(BEGIN) == out.count(END) == 2
    assert refill(out, SECRET_PROGRAM) == SECRET_PROGRAM


def test_refill_needs_matching_regions() -> None:
    with pytest.raises(MarkerError, match="1 solution region"):
        refill(strip("def f():\n    ### BEGIN SOLUTION\n    return 1\n    ### END SOLUTION\n"),
               SECRET_PROGRAM, "mod.py")


def test_every_reference_file_round_trips() -> None:
    files = sorted(REPO.glob("packages/*/src/**/*.py"))
    assert files
    n = 0
    for path in files:
        text = path.read_text(encoding="utf-8")
        out, regions = strip_solutions(text, str(path), lambda r: f"{r.qualname} is yours")
        n += len(regions)
        assert refill(out, text, str(path)) == text, path
    assert n > 0


# ------------------------------------------------------------------ the starter check

def package(root: Path, body: str) -> Path:
    """A minimal package folder tt-demo with one source file."""
    folder = root / "tt-demo"
    (folder / "src" / "tinytorch" / "demo").mkdir(parents=True)
    (folder / "tests").mkdir()
    (folder / "src" / "tinytorch" / "demo" / "core.py").write_text(body, encoding="utf-8")
    (folder / "tests" / "test_core.py").write_text("def test_x():\n    assert 1\n")
    return folder


def test_leaks_and_round_trip_find_a_starter_that_kept_a_solution(tmp_path: Path) -> None:
    ref = package(tmp_path / "ref", SECRET_PROGRAM)
    good = package(tmp_path / "good", strip(SECRET_PROGRAM))
    assert starters.leaks(ref, good) == []
    assert starters.round_trip(ref, good) == []
    area_stub = '    raise NotImplementedError("tt-x: area is yours to write (module 05)")'
    bad_text = strip(SECRET_PROGRAM).replace(area_stub, "    return secret_a")
    line = bad_text.splitlines().index("    return secret_a") + 1
    bad = package(tmp_path / "bad", bad_text)
    assert starters.leaks(ref, bad) == [f"src/tinytorch/demo/core.py:{line}: return secret_a"]
    assert starters.round_trip(ref, bad) == []  # refilling replaces the region: no trace

    changed = package(tmp_path / "changed",
                      strip(SECRET_PROGRAM).replace("import math", "import cmath"))
    assert starters.round_trip(ref, changed) == [
        "src/tinytorch/demo/core.py: refilled from the reference, it differs from the reference"
    ]
    (changed / "tests" / "test_core.py").write_text("def test_x():\n    assert 2\n")
    assert "tests/test_core.py: not the reference's test file" in starters.round_trip(ref, changed)


JUNIT = """<?xml version="1.0" encoding="utf-8"?><testsuites><testsuite name="pytest"
errors="{errors}" failures="{failures}" skipped="0" tests="{tests}">{cases}</testsuite></testsuites>
"""
COLLECTION = """<testcase classname="" name="tests.test_a"><error message="collection failure">
pkg/tests/test_a.py:12: in &lt;module&gt;
    X = Tensor([1])
E   NotImplementedError</error></testcase>"""


@pytest.mark.parametrize(
    ("code", "counts", "cases", "verdict"),
    [
        (1, (5, 4, 0), "", None),
        (1, (5, 4, 1), "", None),  # an error in a fixture's setup is not a collection error
        (0, (5, 0, 0), "", "its tests pass against the starter"),
        (1, (5, 0, 2), "", "its tests do not fail cleanly"),
        (2, (1, 0, 1), COLLECTION, "its tests error at collection (pkg/tests/test_a.py:12)"),
        (5, (0, 0, 0), "", "its tests do not fail cleanly"),
    ],
)
def test_judge_reads_pytest_junit(tmp_path: Path, code: int, counts: tuple[int, int, int],
                                  cases: str, verdict: str | None) -> None:
    xml = tmp_path / "r.xml"
    tests, failures, errors = counts
    xml.write_text(JUNIT.format(tests=tests, failures=failures, errors=errors, cases=cases))
    outcome = starters.read_junit(xml, code)
    assert (outcome.tests, outcome.failures, outcome.errors) == counts
    got = starters.judge(outcome)
    assert got == verdict if verdict is None else got.startswith(verdict)


def test_a_missing_report_is_not_a_pass(tmp_path: Path) -> None:
    outcome = starters.read_junit(tmp_path / "none.xml", 1)
    assert starters.judge(outcome) is not None and outcome.failures == 0


def test_a_package_without_markers_is_reported_not_failed(tmp_path: Path) -> None:
    course = load()
    setup = course.module("tt-setup")
    assert starters.count_regions(package_dir("tt-setup")) == 0
    logged: list[str] = []
    results = starters.check([setup], sys.executable, tmp_path, course, log=logged.append)
    assert [(r.module.dist, r.status, r.problems) for r in results] == [
        ("tt-setup", "reported", [])]
    assert "no solution markers" in results[0].detail
    assert logged[0].startswith("tt-setup starter: reported, no solution markers")


def run_tests(src: Path, tests: Path, tmp_path: Path,
              torch: bool = True) -> tuple[int, starters.Outcome, str]:
    """pytest on `tests` with `src` first on sys.path (in front of the installed package)."""
    env = {**os.environ, "PYTHONPATH": str(src)}
    xml = tmp_path / f"{src.parent.name}.xml"
    run = ["-m", "pytest"] if torch else ["-c", starters.PYTEST_WITHOUT_TORCH]
    proc = subprocess.run(
        [sys.executable, *run, str(tests), "-q", "-p", "no:cacheprovider",
         "--import-mode=importlib", f"--junitxml={xml}"],
        cwd=tmp_path, env=env, capture_output=True, text=True, timeout=600, check=False,
    )
    return proc.returncode, starters.read_junit(xml, proc.returncode), proc.stdout


def test_a_real_starter_fails_its_tests_and_refilled_passes_them(tmp_path: Path) -> None:
    # tt-activations: small and quick; its starter runs on the installed reference tt-tensor
    course = load()
    ref = package_dir("tt-activations")
    starter = starters.write_starter(course, "tt-activations", tmp_path / "starter",
                                     source=ref).dest
    assert starters.leaks(ref, starter) == []
    assert starters.round_trip(ref, starter) == []

    # as the check runs them: PyTorch hidden, so its oracle tests skip
    code, outcome, output = run_tests(starter / "src", starter / "tests", tmp_path, torch=False)
    assert starters.judge(outcome) is None, output
    assert "is yours to write (module 03)" in output

    refilled = tmp_path / "refilled" / "tt-activations"
    for rel, text in starters.source_texts(starter).items():
        target = refilled / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(refill(text, (ref / rel).read_text(encoding="utf-8"), rel),
                          encoding="utf-8")
    probe = subprocess.run(
        [sys.executable, "-c", "import tinytorch.activations as a; print(a.__file__)"],
        env={**os.environ, "PYTHONPATH": str(refilled / "src")}, capture_output=True, text=True,
        check=True,
    )
    assert Path(probe.stdout.strip()).is_relative_to(refilled)
    code, outcome, output = run_tests(refilled / "src", starter / "tests", tmp_path)
    assert code == 0 and outcome.failures == 0 and outcome.tests > 0, output


# ------------------------------------------------------------------ `nox -s starters`

def test_parse_request_picks_modules_parts_and_dest(tmp_path: Path) -> None:
    course = load()
    request = starters.parse_request(["tt-activations", "--dest", "out"], tmp_path, course)
    assert [m.dist for m in request.modules] == ["tt-activations"]
    assert request.dest == tmp_path / "out" and not request.force
    part1 = starters.parse_request(["--part", "1", "--force"], tmp_path, course)
    assert [m.dist for m in part1.modules + part1.missing] == [
        m.dist for m in course.part(1).new_modules]
    assert part1.dest == tmp_path / "starters" and part1.force
    everything = starters.parse_request(["--all"], tmp_path, course)
    assert len(everything.modules) + len(everything.missing) == len(course.modules)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        ([], "name the starters to write"),
        (["tt-nope"], "unknown module 'tt-nope'; the modules of course.toml are: tt-setup"),
        (["--part", "99"], "no part 99"),
    ],
)
def test_parse_request_errors(tmp_path: Path, args: list[str], message: str) -> None:
    with pytest.raises(UsageError, match=message):
        starters.parse_request(args, tmp_path, load())


def test_parse_request_refuses_a_module_without_folder(tmp_path: Path) -> None:
    course = load()
    with pytest.raises(UsageError, match="no package folder for tt-tensor"):
        starters.parse_request(["tt-tensor"], tmp_path, course, repo=tmp_path)


# ------------------------------------------------------------------ the whole check, in a venv

ALPHA = f'''class Alpha:
    pass


def double(x):
    """2 x."""
    {BEGIN}
    return 2 * x
    {END}
'''
BETA = f'''import numpy as np
from tinytorch.alpha import Alpha


def make_zero():
    """A zero, made when the module is imported."""
    {BEGIN}
    return np.zeros(1)
    {END}


class Beta(Alpha):
    zero = make_zero()
'''


def test_the_check_in_a_venv(fake_repo, tmp_path: Path) -> None:
    """Alpha's starter fails its tests cleanly; Beta's does not import; Gamma is reported."""
    from course_tools.install import find_uv, venv_python
    from course_tools.manifest import parse_course

    uv = find_uv()
    if uv is None:
        pytest.skip("uv is not installed")
    root = fake_repo.root
    fake_repo.write("packages/tt-alpha/src/tinytorch/alpha/core.py", ALPHA)
    fake_repo.write("packages/tt-alpha/src/tinytorch/alpha/__init__.py",
                    "from .__about__ import __version__\nfrom .core import Alpha, double\n\n"
                    "__all__ = ['Alpha', '__version__', 'double']\n")
    fake_repo.write("packages/tt-alpha/tests/test_alpha.py",
                    "from tinytorch.alpha import Alpha, double\n\n\ndef test_class():\n"
                    "    assert Alpha\n\n\ndef test_double():\n    assert double(2) == 4\n")
    fake_repo.write("packages/tt-beta/src/tinytorch/beta/net.py", BETA)
    course = parse_course((root / "course.toml").read_text(), "course.toml")

    venv = tmp_path / "venv"
    subprocess.run([uv, "venv", "-q", "--python", sys.executable, str(venv)], check=True)

    class Venv:  # what venv_python needs of a nox session
        bin = str(venv / ("Scripts" if os.name == "nt" else "bin"))

    python = venv_python(Venv())
    wheels = tmp_path / "wheels"
    for dist in ("tt-alpha", "tt-beta"):
        subprocess.run([uv, "build", "-q", "--wheel", "--python", python, "--out-dir",
                        str(wheels), str(root / "packages" / dist)], check=True)
    subprocess.run([uv, "pip", "install", "-q", "--python", python, "pytest", "numpy",
                    *map(str, sorted(wheels.glob("*.whl")))], check=True)

    logged: list[str] = []
    results = starters.check(course.modules, python, tmp_path / "work", course,
                             log=logged.append, repo=root)
    by = {r.module.dist: r for r in results}
    assert by["tt-alpha"].status == "passed", logged
    assert "1 failed, 1 passed" in by["tt-alpha"].detail
    assert by["tt-beta"].status == "failed"
    assert by["tt-beta"].problems == [
        "the starter is installed but tinytorch.beta does not import: NotImplementedError: "
        "tt-beta: make_zero is yours to write (module 02) (at tinytorch/beta/net.py:8)"
    ]
    assert by["tt-gamma"].status == "reported" and by["tt-gamma"].problems == []
    # the references are back in place
    back = subprocess.run([python, "-c", "from tinytorch.beta import Beta; "
                           "from tinytorch.alpha import double; print(double(3), Beta.zero)"],
                          capture_output=True, text=True, check=True)
    assert back.stdout.split() == ["6", "[0.]"]


def test_the_step_skips_a_chain_with_swaps(tmp_path: Path) -> None:
    from course_tools.steps import Steps

    class Session:
        def log(self, text: str) -> None:
            pass

        def create_tmp(self) -> str:
            return str(tmp_path)

    steps = Steps(Session())
    swap = starters.Swap("tt-tensor", tmp_path, "--use")
    starters.starter_check_step(Session(), steps, load().modules[:2], {"tt-tensor": swap})
    assert [(s.name, s.status) for s in steps.done] == [("starter check", "skipped")]
