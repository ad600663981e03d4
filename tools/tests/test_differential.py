"""Differential cases: the runner, the case files, and the trusted loading and comparison.

End to end: every module's cases run with this interpreter (the reference
chain installed) and give outputs or their declared error, twice alike; a
copy of tt-activations with a planted bug, first on PYTHONPATH, fails
exactly the cases that use the broken code; each module's generated starter
fails nearly every case. `load_outputs` is fed hostile files; `compare` is
checked detail by detail on hand-made outputs.
"""

from __future__ import annotations

import ast
import importlib
import json
import os
import re
import shutil
import subprocess
import sys
import textwrap
import time
import zipfile
import zlib
from pathlib import Path

import numpy as np
import pytest
from course_tools import case_outputs as c
from course_tools import differential as d
from course_tools.manifest import PACKAGES, REPO, load

COURSE = load()
MODULES = [m for m in COURSE.modules if (PACKAGES / m.dist / "pyproject.toml").is_file()]
ORDER = {m.name: m.number for m in COURSE.modules}


def run(module: str, out: Path, env: dict[str, str] | None = None,
        runner: Path | None = None, *extra: str) -> subprocess.CompletedProcess:
    argv = d.runner_command(sys.executable, module, out)
    if runner is not None:
        argv[2] = str(runner)
    env = {**os.environ, "OMP_NUM_THREADS": "1", **(env or {})}
    return subprocess.run([*argv, *extra], capture_output=True, text=True, env=env,
                          timeout=120, check=False)


@pytest.fixture(scope="module")
def reference(tmp_path_factory: pytest.TempPathFactory):
    """The reference outputs of a module, computed once per module (and its run time)."""
    cache: dict[str, tuple[c.Outputs, float]] = {}

    def get(module: str) -> tuple[c.Outputs, float]:
        if module not in cache:
            out = tmp_path_factory.mktemp(f"ref-{module}") / "ref.npz"
            start = time.perf_counter()
            result = run(module, out)
            seconds = time.perf_counter() - start
            assert result.returncode == 0, result.stderr
            cache[module] = c.load_outputs(out), seconds
        return cache[module]

    return get


# ---------------------------------------------------------------- the case files


def test_every_module_of_the_chain_has_cases() -> None:
    missing = [m.name for m in MODULES if not d.has_cases(m.name)]
    assert not missing, f"no grading/cases/<name>.py for {missing}"
    assert not d.has_cases("nothing") and not d.has_cases("../grading/run_cases")


@pytest.mark.parametrize("module", [m.name for m in MODULES])
def test_case_file_rules(module: str) -> None:
    """Docstrings; 10-25 cases (setup: its pure API only); tinytorch imported inside cases,
    only public names of the module and earlier ones; no course_tools or tt_testing."""
    path = d.CASES / f"{module}.py"
    infos = d.case_infos(module)
    assert (1 if module == "setup" else 10) <= len(infos) <= 25, len(infos)
    assert all(info.doc for info in infos), [i.name for i in infos if not i.doc]
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for node in tree.body:  # top level: the standard library and NumPy only
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            names = [a.name for a in node.names] if isinstance(node, ast.Import) else [node.module]
            assert all(n.split(".")[0] in (*sys.stdlib_module_names, "numpy", "_shared")
                       for n in names), (
                f"{path}:{node.lineno}: imports {names} at the top level")
    for node in ast.walk(tree):
        if not isinstance(node, (ast.Import, ast.ImportFrom)):
            continue
        modules = [a.name for a in node.names] if isinstance(node, ast.Import) else [
            node.module or ""]
        for name in modules:
            where = f"{path}:{node.lineno}: {name}"
            assert not name.startswith(("course_tools", "tt_testing")), f"{where}: not in sandbox"
            if name.startswith("tinytorch"):
                parts = name.split(".")
                assert len(parts) == 2, f"{where}: import the package, not a private module"
                assert ORDER[parts[1]] <= ORDER[module], f"{where} comes after {module}"
        if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("tinytorch."):
            exported = _all_of(node.module.split(".")[1])
            for alias in node.names:
                assert alias.name in exported, f"{path}:{node.lineno}: {alias.name} is private"


def _all_of(name: str) -> set[str]:
    init = PACKAGES / f"tt-{name}" / "src" / "tinytorch" / name / "__init__.py"
    for node in ast.parse(init.read_text(encoding="utf-8")).body:
        if isinstance(node, ast.Assign) and getattr(node.targets[0], "id", "") == "__all__":
            return set(ast.literal_eval(node.value))
    raise AssertionError(f"{init} has no __all__")


def test_runner_imports_only_the_standard_library_and_numpy() -> None:
    tree = ast.parse(d.RUNNER.read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            names = [a.name for a in node.names] if isinstance(node, ast.Import) else [node.module]
            for name in names:
                assert name.split(".")[0] in (*sys.stdlib_module_names, "numpy"), name


# ---------------------------------------------------------------- end to end


@pytest.mark.parametrize("module", [m.name for m in MODULES])
def test_reference_runs_every_case_alike_twice(module: str, reference, tmp_path: Path) -> None:
    """Each case gives outputs, or exactly its declared error; none times out; a second run
    (another hash seed) compares equal; small and fast."""
    ref, seconds = reference(module)
    infos = d.case_infos(module)
    assert ref.module == module and list(ref.cases) == [i.name for i in infos]
    for info in infos:
        error = ref.errors.get(info.name)
        if info.raises is None:
            assert error is None, f"{info.name} raised {error}"
            assert ref.values[info.name], info.name
        else:
            assert error is not None and info.raises in error, f"{info.name}: {error}"
            assert error[0] not in c.RUNNER_ERRORS
    again = tmp_path / "again.npz"
    assert run(module, again, {"PYTHONHASHSEED": "123"}).returncode == 0
    results = c.compare(ref, c.load_outputs(again), d.cases_of(module))
    assert [r.name for r in results if not r.passed] == []
    assert c.score(results) == 1.0
    assert again.stat().st_size < 2 * 2**20
    assert seconds < 10
    assert not list(d.GRADING.rglob("__pycache__")), "the runner wrote into grading/"


def _planted_activations(tmp_path: Path) -> Path:
    """A copy of tt-activations whose relu scales positive values by 1.001 and whose dim
    check raises ValueError instead of IndexError."""
    src = tmp_path / "src" / "tinytorch" / "activations"
    shutil.copytree(PACKAGES / "tt-activations" / "src" / "tinytorch" / "activations", src,
                    ignore=shutil.ignore_patterns("__pycache__"))
    for name, old, new in [("relu.py", "where(x > 0, x, 0.0)", "where(x > 0, x * 1.001, 0.0)"),
                           ("_checks.py", "raise IndexError(", "raise ValueError(")]:
        text = (src / name).read_text(encoding="utf-8")
        assert text.count(old) == 1, (name, old)
        (src / name).write_text(text.replace(old, new), encoding="utf-8")
    return tmp_path / "src"


def test_a_planted_bug_fails_exactly_the_affected_cases(reference, tmp_path: Path) -> None:
    ref, _ = reference("activations")
    out = tmp_path / "student.npz"
    result = run("activations", out, {"PYTHONPATH": str(_planted_activations(tmp_path))})
    assert result.returncode == 0, result.stderr
    results = {r.name: r for r in c.compare(ref, c.load_outputs(out), d.cases_of("activations"))}
    failed = {name for name, r in results.items() if not r.passed}
    assert failed == {"case_relu_values", "case_float64_stays_float64", "case_layer_objects",
                      "case_accepts_arrays", "case_softmax_dim_out_of_range"}
    assert results["case_accepts_arrays"].detail.startswith(
        "output 'relu' differs at 1 of 2 values: max |diff| 0.002 at (1,) (got 2.002, "
        "reference 2; tolerance rtol 1e-05, atol 1e-06)")
    assert results["case_softmax_dim_out_of_range"].detail == (
        "raised ValueError; the reference raised IndexError")
    assert results["case_relu_values"].doc.startswith("relu on random")


@pytest.mark.parametrize("module", [m.name for m in MODULES if m.name != "setup"])
def test_the_generated_starter_fails_nearly_every_case(module: str, reference,
                                                       tmp_path: Path) -> None:
    """A starter (solutions stripped) passes only error cases whose checks it was given."""
    template = importlib.import_module("tinytorch.setup.template")
    mod = COURSE.module(module)
    template.build_starter(COURSE, mod, PACKAGES / mod.dist, tmp_path / "starter")
    ref, _ = reference(module)
    out = tmp_path / "student.npz"
    assert run(module, out, {"PYTHONPATH": str(tmp_path / "starter" / "src")}).returncode == 0
    results = c.compare(ref, c.load_outputs(out), d.cases_of(module))
    assert c.score(results) <= 0.15, [r.name for r in results if r.passed]
    assert any(r.detail.startswith("raised NotImplementedError") for r in results)


# ---------------------------------------------------------------- the runner


FAKE_CASES = '''
import time

import numpy as np


class FakeTensor:
    def __init__(self, array):
        self.array = array

    def numpy(self):
        return self.array


def case_values(rng):
    """Arrays, numbers, bools and tensor-likes."""
    return {"array": np.arange(3.0), "number": 2, "flag": True, "tensor": FakeTensor(np.ones(2))}


def case_bare(rng):
    """A bare value is named 'value'."""
    return 1.5


def case_raises(rng):
    """An exception is recorded with its bases."""
    raise KeyError("x")


def case_hangs(rng):
    """Never returns."""
    while True:
        pass


def case_after_hang(rng):
    """Runs after the hang."""
    return np.ones(2)


def case_none(rng):
    """Forgot to return."""


def case_object(rng):
    """Not numbers."""
    return {"o": np.array([object()])}


def case_bad_name(rng):
    """A name that is no identifier."""
    return {"bad name": 1}


def case_import_error(rng):
    """A missing module is the case's error."""
    import tinytorch.nothing_here  # noqa: F401


def case_exit(rng):
    """Even SystemExit is data."""
    raise SystemExit(3)


def case_seed(rng):
    """The rng is seeded by the case's name."""
    return rng.integers(0, 2**31, 4)
'''


@pytest.fixture
def fake_runner(tmp_path: Path) -> Path:
    """A copy of the runner beside a cases folder holding `fake.py`."""
    runner = tmp_path / "grading" / "run_cases.py"
    (tmp_path / "grading" / "cases").mkdir(parents=True)
    shutil.copyfile(d.RUNNER, runner)
    (tmp_path / "grading" / "cases" / "fake.py").write_text(FAKE_CASES, encoding="utf-8")
    return runner


def test_runner_records_values_errors_and_timeouts(fake_runner: Path, tmp_path: Path) -> None:
    out = tmp_path / "out" / "fake.npz"
    out.parent.mkdir()
    start = time.perf_counter()
    result = run("fake", out, None, fake_runner, "--case-seconds", "0.5")
    assert result.returncode == 0, result.stderr
    assert time.perf_counter() - start < 20
    assert sorted(os.listdir(out.parent)) == ["fake.npz"]  # no temp file left
    assert out.stat().st_mode & 0o644 == 0o644
    got = c.load_outputs(out)
    names = [n.name for n in d.case_infos("fake", fake_runner.parent / "cases")]
    assert got.module == "fake" and list(got.cases) == names
    values = got.values["case_values"]
    np.testing.assert_array_equal(values["array"], [0.0, 1.0, 2.0])
    assert values["number"] == 2 and values["flag"].dtype == bool
    np.testing.assert_array_equal(values["tensor"], [1.0, 1.0])
    assert got.values["case_bare"]["value"] == 1.5
    assert got.errors["case_raises"] == ("KeyError", "LookupError", "Exception", "BaseException")
    assert got.errors["case_hangs"][0] == "Timeout"
    np.testing.assert_array_equal(got.values["case_after_hang"]["value"], [1.0, 1.0])
    for case in ("case_none", "case_object", "case_bad_name"):
        assert got.errors[case][0] == "BadOutput", case
    assert got.errors["case_import_error"][:2] == ("ModuleNotFoundError", "ImportError")
    assert got.errors["case_exit"] == ("SystemExit", "BaseException")
    expected = np.random.default_rng(zlib.crc32(b"case_seed")).integers(0, 2**31, 4)
    np.testing.assert_array_equal(got.values["case_seed"]["value"], expected)


@pytest.mark.parametrize("args", [["nothing", "OUT"], ["../cases/fake", "OUT"], ["fake"], [],
                                  ["fake", "missing/x.npz"], ["fake", "OUT", "--case-seconds",
                                                              "0"]])
def test_runner_refuses_wrong_arguments_in_one_line(fake_runner: Path, tmp_path: Path,
                                                    args: list[str]) -> None:
    args = [a.replace("OUT", str(tmp_path / "o.npz")) for a in args]
    result = subprocess.run([sys.executable, str(fake_runner), *args], capture_output=True,
                            text=True, check=False)
    assert result.returncode == 2
    assert len(result.stderr.strip().splitlines()) == 1, result.stderr
    assert result.stderr.startswith("run_cases: ")
    assert not (tmp_path / "o.npz").exists()


def test_runner_command_is_the_venvs_python_on_the_runner() -> None:
    argv = d.runner_command("/venv/bin/python", "tensor", Path("/out/t.npz"))
    assert argv == ["/venv/bin/python", "-B", str(REPO / "grading" / "run_cases.py"), "tensor",
                    "/out/t.npz"]


# ---------------------------------------------------------------- cases_of, never executed


def test_cases_are_read_without_running_the_file(tmp_path: Path) -> None:
    (tmp_path / "m.py").write_text(textwrap.dedent('''
        raise SystemExit("never run")

        def case_b(rng):
            """First line.

            More text."""

        def helper():
            pass

        def case_a(rng):
            pass

        case_b.tolerance = (1e-3, 0)
        case_a.raises = "ShapeError"
    '''), encoding="utf-8")
    assert d.case_infos("m", tmp_path) == [d.CaseInfo("case_b", "First line.", (1e-3, 0), None),
                                           d.CaseInfo("case_a", "", None, "ShapeError")]


@pytest.mark.parametrize("line, message", [
    ("case_a.tolerance = TOL", "case_a.tolerance must be a literal"),
    ("case_a.tolerance = (1e-3,)", "case_a.tolerance must be (rtol, atol)"),
    ("case_a.tolerance = (-1.0, 0.0)", "case_a.tolerance must be (rtol, atol)"),
    ("case_a.raises = ValueError", "case_a.raises must be a literal"),
    ("case_a.raises = 3", "case_a.raises must be a class name"),
])
def test_bad_declarations_name_the_file(tmp_path: Path, line: str, message: str) -> None:
    (tmp_path / "m.py").write_text(f"def case_a(rng):\n    pass\n\n{line}\n", encoding="utf-8")
    with pytest.raises(ValueError, match=re.escape(message)) as info:
        d.case_infos("m", tmp_path)
    assert str(tmp_path / "m.py") in str(info.value)


def test_cases_of_gives_name_doc_tolerance() -> None:
    cases = {name: (doc, tol) for name, doc, tol in d.cases_of("autograd")}
    assert cases["case_matmul"] == (
        "Gradients of matmul: matrix, matrix-vector, vector-matrix, dot, batched, broadcast batch.",
        (1e-9, 1e-12))
    assert cases["case_grad_modes"][1] is None


# ---------------------------------------------------------------- load_outputs, hostile files


META = json.dumps({"module": "m", "cases": ["case_a"]})


def _npz(path: Path, **arrays) -> Path:
    with open(path, "wb") as f:
        np.savez(f, **arrays)
    return path


def _refused(path: Path, message: str, **kwargs) -> None:
    with pytest.raises(c.OutputsError, match=message) as info:
        c.load_outputs(path, **kwargs)
    assert str(path) in str(info.value)


def test_a_good_file_loads(tmp_path: Path) -> None:
    path = _npz(tmp_path / "ok.npz", __meta__=np.array(META), **{"case_a/x": np.arange(3)})
    got = c.load_outputs(path)
    assert got.module == "m" and got.cases == ("case_a",) and got.errors == {}
    np.testing.assert_array_equal(got.values["case_a"]["x"], [0, 1, 2])


def test_pickled_object_arrays_are_refused_unread(tmp_path: Path) -> None:
    path = _npz(tmp_path / "p.npz", __meta__=np.array(META),
                **{"case_a/x": np.array([{"evil": 1}], dtype=object)})
    _refused(path, r"key 'case_a/x': dtype object is not allowed")


def test_huge_files_are_refused_before_reading(tmp_path: Path) -> None:
    path = tmp_path / "huge.npz"
    with open(path, "wb") as f:
        f.truncate(65 * 2**20)  # sparse: no disk used
    _refused(path, r"68157440 bytes, over the limit of 67108864")


def test_zip_bombs_are_refused(tmp_path: Path) -> None:
    path = tmp_path / "bomb.npz"
    with open(path, "wb") as f:
        np.savez_compressed(f, __meta__=np.array(META), **{"case_a/x": np.zeros(2**18)})
    assert path.stat().st_size < 10_000
    _refused(path, "unpack to more than 1000000 bytes", max_bytes=1_000_000)


def test_a_header_promising_more_data_than_there_is(tmp_path: Path) -> None:
    path = tmp_path / "liar.npz"
    header = io_bytes(lambda f: np.lib.format.write_array_header_1_0(
        f, {"descr": "<f8", "fortran_order": False, "shape": (10**9,)}))
    with zipfile.ZipFile(path, "w") as z:
        z.writestr("__meta__.npy", io_bytes(lambda f: np.save(f, np.array(META))))
        z.writestr("case_a/x.npy", header + b"\0" * 64)
    _refused(path, "promises more data than it has")


def io_bytes(write) -> bytes:
    import io

    buffer = io.BytesIO()
    write(buffer)
    return buffer.getvalue()


def test_junk_bytes(tmp_path: Path) -> None:
    path = tmp_path / "junk.npz"
    path.write_bytes(b"PK\x03\x04 this is no zip archive" * 10)
    _refused(path, "not a readable .npz file")


@pytest.mark.parametrize("member", ["case_a/../../x.npy", "../x.npy", "case_a/b/c.npy", "x.npy",
                                    "case_a/x.txt", "case_a/x y.npy", "/abs/x.npy", "case_/x.npy"])
def test_malformed_keys(tmp_path: Path, member: str) -> None:
    path = tmp_path / "keys.npz"
    with zipfile.ZipFile(path, "w") as z:
        z.writestr("__meta__.npy", io_bytes(lambda f: np.save(f, np.array(META))))
        z.writestr(member, io_bytes(lambda f: np.save(f, np.arange(2))))
    _refused(path, "malformed key")


@pytest.mark.parametrize("meta, message", [
    (None, "no __meta__"),
    (np.array("not json"), "__meta__ is not JSON"),
    (np.array(json.dumps({"module": "m"})), "__meta__ is not JSON"),
    (np.array(json.dumps({"module": "m", "cases": ["a/b"]})), "distinct case names"),
    (np.array(json.dumps({"module": "m", "cases": ["case_a", "case_a"]})), "distinct case"),
    (np.array(json.dumps({"module": "../m", "cases": ["case_a"]})), "module name"),
    (np.arange(3), "key '__meta__': dtype int64 is not allowed"),
    (np.array("[" * 100_000 + "]" * 100_000), "__meta__ is not JSON"),
])
def test_missing_or_unparsable_meta(tmp_path: Path, meta, message: str) -> None:
    arrays = {"case_a/x": np.arange(2)} | ({} if meta is None else {"__meta__": meta})
    _refused(_npz(tmp_path / "meta.npz", **arrays), message)


@pytest.mark.parametrize("arrays, message", [
    ({"case_b/x": np.arange(2)}, "key 'case_b/x' is of a case not listed in __meta__"),
    ({"case_a/x": np.arange(2), "case_a/__error__": np.array(["KeyError"])},
     "case 'case_a' has both values and an error"),
    ({}, "case 'case_a' has neither values nor an error"),
    ({"case_a/__error__": np.array([["KeyError"]])}, "must list exception class names"),
    ({"case_a/__error__": np.array(["Key Error"])}, "must list exception class names"),
    ({"case_a/__error__": np.arange(2)}, "dtype int64 is not allowed"),
    ({"case_a/x": np.array(["text"])}, "dtype <U4 is not allowed"),
    ({"case_a/x": np.zeros(2, dtype=[("a", "f8")])}, "is not allowed"),
    ({"case_a/x": np.zeros(2, dtype=complex)}, "complex128 is not allowed"),
])
def test_inconsistent_contents(tmp_path: Path, arrays: dict, message: str) -> None:
    _refused(_npz(tmp_path / "c.npz", __meta__=np.array(META), **arrays), message)


def test_symlinks_fifos_and_missing_files(tmp_path: Path) -> None:
    target = _npz(tmp_path / "real.npz", __meta__=np.array(META), **{"case_a/x": np.arange(2)})
    link = tmp_path / "link.npz"
    link.symlink_to(target)
    _refused(link, "cannot open")
    fifo = tmp_path / "fifo.npz"
    os.mkfifo(fifo)
    _refused(fifo, "not a regular file")  # and did not block waiting for a writer
    _refused(tmp_path / "absent.npz", "cannot open")


# ---------------------------------------------------------------- compare and score


def outputs(module: str = "m", path: str = "x.npz", **cases) -> c.Outputs:
    """Outputs from {case: dict of arrays, or a tuple of error class names}."""
    values = {k: {n: np.asarray(a) for n, a in v.items()} for k, v in cases.items()
              if isinstance(v, dict)}
    errors = {k: v for k, v in cases.items() if isinstance(v, tuple)}
    return c.Outputs(Path(path), module, tuple(cases), values, errors)


SHAPE_ERROR = ("ShapeError", "RuntimeError", "ValueError", "Exception", "BaseException")


def detail(reference: c.Outputs, student: c.Outputs, tolerances=None, raises=None) -> str:
    [result] = c.compare(reference, student, tolerances or {}, raises or {})
    return ("PASS " if result.passed else "FAIL ") + result.detail


@pytest.mark.parametrize("student, expected", [
    ({"g": np.array([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]])}, "PASS matches the reference"),
    ({"g": np.array([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0 + 1e-7]])}, "PASS matches the reference"),
    ({"g": np.array([[1.0, 2.0, 3.0], [4.0, 5.0, 6.31]])},
     "FAIL output 'g' differs at 1 of 6 values: max |diff| 0.31 at (1, 2) (got 6.31, "
     "reference 6; tolerance rtol 1e-05, atol 1e-06)"),
    ({"g": np.array([[1.0, np.nan, 3.0], [4.0, 5.0, 6.0]])},
     "FAIL output 'g' differs at 1 of 6 values: max |diff| nan at (0, 1) (got nan, reference 2;"
     " tolerance rtol 1e-05, atol 1e-06)"),
    ({"g": np.ones((3, 2))}, "FAIL output 'g': shape (3, 2) != reference (2, 3)"),
    ({"g": np.ones((2, 3), np.float32)}, "FAIL output 'g': dtype float32 != reference float64"),
    ({"other": np.ones(1)}, "FAIL output 'g' missing (and 1 more)"),
    ({"g": np.array([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]]), "h": np.ones(1)},
     "FAIL unexpected output 'h'"),
    (SHAPE_ERROR, "FAIL raised ShapeError; the reference returned values"),
    (("Timeout", "Exception", "BaseException"), "FAIL timed out"),
    (("BadOutput", "Exception", "BaseException"),
     "FAIL returned no numeric output (None, or not numbers); the reference returned values"),
])
def test_compare_values(student, expected: str) -> None:
    ref = outputs(case_a={"g": np.array([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]])})
    assert detail(ref, outputs(case_a=student)) == expected


def test_compare_tolerances_ints_bools_and_nan() -> None:
    ref = outputs(case_a={"f": np.array([1.0, np.nan, np.inf]), "i": np.array([1, 2, 3]),
                          "b": np.array([True, False])})
    same = outputs(case_a={"f": np.array([1.001, np.nan, np.inf]), "i": np.array([1, 2, 3]),
                           "b": np.array([True, False])})
    assert detail(ref, same).startswith("FAIL output 'f' differs")
    assert detail(ref, same, {"case_a": (1e-2, 0.0)}) == "PASS matches the reference"
    assert detail(ref, same, [("case_a", "doc", (1e-2, 0.0))]) == "PASS matches the reference"
    off = outputs(case_a={"f": np.array([1.0, np.nan, np.inf]), "i": np.array([1, 2, 4]),
                          "b": np.array([True, True])})
    assert detail(ref, off, {"case_a": (1.0, 1.0)}) == (
        "FAIL output 'i' differs at 1 of 3 values, first at (2,) (got 4, reference 3) "
        "(and 1 more)")


@pytest.mark.parametrize("student, raises, expected", [
    (SHAPE_ERROR, None, "PASS raised ShapeError, as expected"),
    (("SubShapeError", "ShapeError", "RuntimeError", "ValueError", "Exception", "BaseException"),
     None, "PASS raised SubShapeError, as expected"),
    (("ValueError", "Exception", "BaseException"), None,
     "FAIL raised ValueError; the reference raised ShapeError"),
    (("ValueError", "Exception", "BaseException"), "ValueError",
     "PASS raised ValueError, as expected"),
    (("TypeError", "Exception", "BaseException"), "ValueError",
     "FAIL raised TypeError; the reference raised ShapeError (any ValueError passes)"),
    (("RuntimeError", "Exception", "BaseException"), "KeyError",  # not a base of ShapeError
     "FAIL raised RuntimeError; the reference raised ShapeError"),
    (("NotImplementedError", "RuntimeError", "Exception", "BaseException"), "RuntimeError",
     "FAIL raised NotImplementedError (unfinished code); the reference raised ShapeError"),
    ({"v": np.ones(1)}, None, "FAIL returned values; the reference raised ShapeError"),
    (("Timeout", "Exception", "BaseException"), None, "FAIL timed out"),
])
def test_compare_errors(student, raises, expected: str) -> None:
    ref = outputs(case_a=SHAPE_ERROR)
    assert detail(ref, outputs(case_a=student), None, {"case_a": raises} if raises else {}) == (
        expected)


def test_compare_is_per_reference_case_with_docs() -> None:
    ref = outputs(case_a={"v": np.ones(1)}, case_b={"v": np.ones(1)},
                  case_c=("Timeout", "Exception", "BaseException"))
    got = outputs(case_b={"v": np.ones(1)}, case_z={"v": np.ones(1)},
                  case_c={"v": np.ones(1)})
    results = c.compare(ref, got, [("case_a", "A doc.", None), ("case_b", "B doc.", None)], {})
    assert [(r.name, r.passed, r.detail, r.doc) for r in results] == [
        ("case_a", False, "missing", "A doc."),
        ("case_b", True, "matches the reference", "B doc."),
        ("case_c", False, "the reference timed out too: the case is broken, not your code", ""),
    ]
    assert c.score(results) == pytest.approx(1 / 3)
    assert c.score([]) == 0.0
    other = c.compare(ref, outputs("n", case_b={"v": np.ones(1)}), {}, {})
    assert {r.detail for r in other} == {"the outputs are of module 'n', not 'm'"}


def test_compare_reads_declared_errors_from_the_case_file(reference) -> None:
    """Without `raises`, the declarations of grading/cases/<module>.py apply: losses'
    reference raises ShapeError where the contract (and the case) ask for a ValueError."""
    ref, _ = reference("losses")
    assert ref.errors["case_cross_entropy_target_shape_mismatch"][0] == "ShapeError"
    student = c.Outputs(Path("s.npz"), "losses", ref.cases, ref.values,
                        {**ref.errors, "case_cross_entropy_target_shape_mismatch":
                         ("ValueError", "Exception", "BaseException")})
    results = {r.name: r for r in c.compare(ref, student, d.cases_of("losses"))}
    assert results["case_cross_entropy_target_shape_mismatch"].passed
    strict = {r.name: r for r in c.compare(ref, student, d.cases_of("losses"), {})}
    assert not strict["case_cross_entropy_target_shape_mismatch"].passed
