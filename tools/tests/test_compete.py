"""`nox -s compete`: its arguments (parsed and checked before anything is installed), the
scorer's command line it builds, and the chain it installs."""

from __future__ import annotations

import datetime
from pathlib import Path

import pytest
from course_tools import compete
from course_tools.compete import CompeteOptions, parse_compete_options
from course_tools.manifest import REPO, load
from course_tools.options import UsageError

NOW = datetime.datetime(2026, 11, 30, 17, 5, 9)


def class_folder(base: Path) -> tuple[Path, Path]:
    """A submissions folder and a hidden test file under `base` (their content is not read)."""
    (base / "subs").mkdir()
    hidden = base / "secret" / "test.npz"
    hidden.parent.mkdir()
    hidden.write_bytes(b"not read by the session")
    return base / "subs", hidden


def parse(args: list[str], base: Path, env: str | None = None) -> CompeteOptions:
    return parse_compete_options(args, env, base, now=NOW)


def test_relative_paths_are_read_from_where_nox_was_started(tmp_path) -> None:
    subs, hidden = class_folder(tmp_path)
    options = parse(["--submissions", "subs", "--hidden-test", "secret/test.npz",
                     "--out", "board"], tmp_path)
    assert options.submissions == subs.resolve()
    assert options.hidden_test == hidden.resolve()
    assert options.out == (tmp_path / "board").resolve()
    assert (options.jobs, options.swaps, options.scorer_args) == (1, {}, [])


def test_the_scorer_gets_every_argument_with_absolute_paths(tmp_path) -> None:
    subs, hidden = class_folder(tmp_path)
    options = parse(["--submissions", str(subs), "--hidden-test", str(hidden), "--jobs", "3",
                     "--out", "board", "--", "--max-ms", "50", "--floor", "0.9"], tmp_path)
    assert options.score_args() == [
        "--submissions", str(subs.resolve()), "--hidden-test", str(hidden.resolve()),
        "--jobs", "3", "--out", str((tmp_path / "board").resolve()),
        "--max-ms", "50", "--floor", "0.9"]  # after the second `--`: the scorer's own
    args = options.score_args()
    assert all(Path(args[i]).is_absolute() for i in (1, 3, 7))


def test_default_out_is_a_timestamped_report_folder(tmp_path) -> None:
    class_folder(tmp_path)
    options = parse(["--submissions", "subs", "--hidden-test", "secret/test.npz"], tmp_path)
    assert options.out == REPO / "reports" / "compete-20261130-170509"
    assert options.score_args()[-2:] == ["--out", str(options.out)]


@pytest.mark.parametrize(("args", "message"), [
    ([], "the following arguments are required: --submissions, --hidden-test"),
    (["--submissions", "subs"], "the following arguments are required: --hidden-test"),
    (["--hidden-test", "secret/test.npz"], "required: --submissions"),
    (["--submissions", "nowhere", "--hidden-test", "secret/test.npz"],
     "--submissions nowhere: "),
    (["--submissions", "secret/test.npz", "--hidden-test", "secret/test.npz"],
     "is not a folder"),
    (["--submissions", "subs", "--hidden-test", "secret/missing.npz"],
     "--hidden-test secret/missing.npz: "),
    (["--submissions", "subs", "--hidden-test", "secret"], "is not a file"),
    (["--submissions", "subs", "--hidden-test", "secret/test.npz", "--jobs", "0"],
     "--jobs 0: give a number >= 1"),
    (["--submissions", "subs", "--hidden-test", "secret/test.npz", "--jobs", "two"],
     "argument --jobs: invalid int value: 'two'"),
    (["--submissions", "subs", "--hidden-test", "secret/test.npz", "--max-ms", "5"],
     "unrecognized arguments: --max-ms 5"),  # the scorer's options go after a second `--`
    (["--submissions", "subs", "--hidden-test", "secret/test.npz", "--out",
      "secret/test.npz"], "exists and is not a folder"),
    (["--submissions", "subs", "--hidden-test", "secret/test.npz", "--full"],
     "unrecognized arguments: --full"),
    (["--submissions", "subs", "--hidden-test", "secret/test.npz", "--use", "tt-layers"],
     "expected DIST=PATH"),
    (["--submissions", "subs", "--hidden-test", "secret/test.npz", "--", "--out=x"],
     "--out after the second `--`: give it before it"),
])
def test_bad_arguments_are_usage_errors_that_show_the_usage(tmp_path, args, message) -> None:
    class_folder(tmp_path)
    with pytest.raises(UsageError) as info:
        parse(args, tmp_path)
    assert message in str(info.value)
    assert "usage: nox -s compete -- --submissions DIR --hidden-test FILE" in str(info.value)


def test_swaps_come_from_use_and_tt_use_relative_to_the_start_folder(tmp_path) -> None:
    class_folder(tmp_path)
    args = ["--submissions", "subs", "--hidden-test", "secret/test.npz",
            "--use", "tt-compression=mine/comp"]
    options = parse(args, tmp_path, env="tt-kernels=../k")
    assert {d: (s.path, s.origin) for d, s in options.swaps.items()} == {
        "tt-compression": ((tmp_path / "mine" / "comp").resolve(), "--use"),
        "tt-kernels": ((tmp_path / ".." / "k").resolve(), "TT_USE")}
    with pytest.raises(UsageError, match="tt-compression is swapped twice"):
        parse(args, tmp_path, env="tt-compression=other")


def test_the_chain_is_every_module_through_tt_competition() -> None:
    course = load()
    modules = compete.chain(course)
    assert modules[0].dist == "tt-setup" and modules[-1].dist == "tt-competition"
    assert [m.number for m in modules] == list(range(1, modules[-1].number + 1))


def test_one_blas_thread_unless_the_caller_chose() -> None:
    assert compete.thread_env({}) == {"OMP_NUM_THREADS": "1", "OPENBLAS_NUM_THREADS": "1",
                                      "MKL_NUM_THREADS": "1"}
    assert compete.thread_env({"OMP_NUM_THREADS": "2"})["OMP_NUM_THREADS"] == "2"


class FakeSession:
    """What the session uses of nox's; `error` raises, as nox's does; nothing installs."""

    def __init__(self, base: Path, posargs: list[str]) -> None:
        self.posargs, self.invoked_from, self.name = posargs, str(base), "compete"
        self.calls: list[tuple] = []

    def error(self, text: str) -> None:
        raise RuntimeError(text)

    def log(self, text: str) -> None:
        self.calls.append(("log", text))

    def run(self, *args, **kwargs) -> None:
        self.calls.append(("run", args, kwargs))


def test_a_usage_error_ends_the_session_before_anything_is_installed(tmp_path,
                                                                     monkeypatch) -> None:
    class_folder(tmp_path)
    installed = []
    monkeypatch.setattr(compete, "install", lambda *a, **k: installed.append(a))
    session = FakeSession(tmp_path, ["--submissions", "subs", "--hidden-test", "nope.npz"])
    with pytest.raises(RuntimeError, match=r"--hidden-test nope\.npz: .* is not a file"):
        compete.session(session)
    assert installed == [] and session.calls == []


def test_the_session_installs_the_chain_then_runs_the_scorer(tmp_path, monkeypatch) -> None:
    subs, hidden = class_folder(tmp_path)
    monkeypatch.setenv("TT_USE", "")
    monkeypatch.delenv("OMP_NUM_THREADS", raising=False)
    monkeypatch.setattr(compete, "missing_packages", lambda modules: [])
    installed = []
    monkeypatch.setattr(compete, "install", lambda session, course, modules, options:
                        installed.append(([m.dist for m in modules], options.swaps)))
    session = FakeSession(tmp_path, ["--submissions", "subs", "--hidden-test",
                                     "secret/test.npz", "--jobs", "2", "--out", "lb"])
    compete.session(session)
    dists, swaps = installed[0]
    assert dists == [m.dist for m in compete.chain(load())] and swaps == {}
    runs = [c for c in session.calls if c[0] == "run"]
    assert len(runs) == 1
    _, args, kwargs = runs[0]
    assert args == ("python", "-m", "tinytorch.competition", "score", "--submissions",
                    str(subs.resolve()), "--hidden-test", str(hidden.resolve()), "--jobs",
                    "2", "--out", str((tmp_path / "lb").resolve()))
    assert kwargs["env"]["OMP_NUM_THREADS"] == "1"
    assert (tmp_path / "lb").is_dir()


def test_missing_packages_of_the_chain_are_named(tmp_path, monkeypatch) -> None:
    class_folder(tmp_path)
    monkeypatch.setattr(compete, "missing_packages", lambda modules: ["tt-competition"])
    monkeypatch.setattr(compete, "install", lambda *a: pytest.fail("must not install"))
    session = FakeSession(tmp_path, ["--submissions", "subs", "--hidden-test",
                                     "secret/test.npz"])
    with pytest.raises(RuntimeError, match="no package in packages/ yet for: tt-competition"):
        compete.session(session)
