"""Part IV's milestone hooks: `--profile` on every milestone, `gpt_2018 --kv-cache`.

Run as a student runs them: the scripts, in a subprocess, on the installed
packages (one BLAS thread, so the runs are short and the timings steady).

- `--profile` prints the Profiler's tables (a forward pass, and a training
  step where the model is trained by back-propagation) and puts their summary
  in the report: parameters equal the model's, FLOPs equal the hand formula of
  the model, peak memory is larger while a graph is kept. Every other figure of
  the run is the same as without the flag.
- `--kv-cache` generates gpt_2018's samples with tinytorch.caching: the same
  text as without the cache, the greedy tokens checked equal in the run, and
  ms per token with and without the cache and the speedup recorded (no timing
  is asserted beyond "measured, positive": the machine is shared).
- Without tt-benchmarking (or tt-caching), the flag fails fast, before any
  training: exit 2, one line naming the package; without the flag the
  package is not needed.
"""

from __future__ import annotations

import importlib
import json
import os
import subprocess
import sys
from pathlib import Path
from types import ModuleType

import pytest
from tt_testing import hiding_program

pytestmark = pytest.mark.requires("tt-benchmarking")

MILESTONES = Path(__file__).resolve().parents[2] / "milestones"
ONE_THREAD = {name: "1" for name in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS",
                                     "MKL_NUM_THREADS")}
TIMING = ("seconds", "train_seconds", "tokens_per_second", "tokenize_seconds")
ALL = ["perceptron_1957", "xor_pretrained", "digits_pretrained", "xor_1969", "mlp_1986",
       "lenet_1998", "cnn_2012", "gpt_2018"]
FORWARD_HEADER = "--- profile: {}, forward pass of one batch"
STEP_HEADER = "--- profile: {}, one training step on that batch"



def milestone_module(name: str) -> ModuleType:
    """Import milestones/<name>.py (their top level imports only harness and NumPy)."""
    if str(MILESTONES) not in sys.path:
        sys.path.append(str(MILESTONES))
    return importlib.import_module(name)


def python(args: list[str], cwd: Path, env: dict | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, *args], capture_output=True, text=True, timeout=600,
                          cwd=cwd, env={**os.environ, **ONE_THREAD, **(env or {})})


def run(name: str, folder: Path, *extra: str) -> tuple[int, dict, str]:
    report = folder / f"{name}-{len(list(folder.iterdir()))}.json"
    proc = python([str(MILESTONES / f"{name}.py"), "--report", str(report), *extra], folder)
    data = json.loads(report.read_text()) if report.exists() else {}
    return proc.returncode, data, proc.stdout + proc.stderr


def untimed(report: dict) -> dict:
    return {k: v for k, v in report.items() if k not in TIMING}


def parameters_of(model) -> tuple[int, int]:
    """(count, bytes) of a model's parameters, each shared one once."""
    unique = {id(p): p for p in model.parameters()}.values()
    return sum(p.data.size for p in unique), sum(p.data.nbytes for p in unique)


def check_profile(profile: dict, model, batch: list[int], forward_flops: int,
                  trains: bool) -> None:
    """The report's `profile` against the model and the hand count of its FLOPs."""
    count, nbytes = parameters_of(model)
    assert profile["model"] == type(model).__name__ and profile["batch"] == batch
    assert (profile["parameters"], profile["parameter_bytes"]) == (count, nbytes)
    forward = profile["forward"]
    assert forward["flops"] == forward_flops
    assert forward["peak_bytes"] > 0 and forward["wall_ms"] > 0
    if not trains:
        assert profile["train_step"] is None
        return
    step = profile["train_step"]
    # backward is not observed (its FLOPs are not counted); the forward's are, once
    assert step["flops"] >= forward["flops"] and step["wall_ms"] > 0
    # with the graph kept for backward, more tensors are alive at once than under no_grad
    assert step["peak_bytes"] > forward["peak_bytes"]


def tables_printed(out: str, kind: str, trains: bool) -> None:
    assert out.count(FORWARD_HEADER.format(kind)) == 1, out
    assert out.count(STEP_HEADER.format(kind)) == (1 if trains else 0), out
    assert "(not observed)" in out and "matmul" in out


# --- --profile --------------------------------------------------------------------------------

def test_every_milestone_offers_profile_and_only_gpt_kv_cache(tmp_path: Path) -> None:
    for name in ALL:
        proc = python([str(MILESTONES / f"{name}.py"), "--help"], tmp_path)
        assert proc.returncode == 0, proc.stderr
        assert "--profile" in proc.stdout and "Profiler" in proc.stdout, name
        assert ("--kv-cache" in proc.stdout) == (name == "gpt_2018"), name


def test_xor_1969_profile_tables_and_report(tmp_path: Path) -> None:
    code, report, out = run("xor_1969", tmp_path, "--quick", "--profile")
    assert code == 0 and report["passed"] is True, out
    tables_printed(out, "Sequential", trains=True)
    model = milestone_module("xor_1969").train(0, 0).model  # the same network, untrained
    # two Linear layers on the batch of 4 points: 2 * 4 * (2*8 + 8*2) multiply-adds
    check_profile(report["profile"], model, [4, 2], 2 * 4 * (2 * 8 + 8 * 2), trains=True)
    assert report["profile"]["parameters"] == 42  # 2*8 + 8 + 8*2 + 2

    # the flag adds the profile and changes nothing else
    plain = run("xor_1969", tmp_path, "--quick")[1]
    assert "profile" not in plain
    assert untimed({k: v for k, v in report.items() if k != "profile"}) == untimed(plain)


def test_perceptron_profiles_inference_only(tmp_path: Path) -> None:
    code, report, out = run("perceptron_1957", tmp_path, "--quick", "--profile")
    assert code == 0, out
    tables_printed(out, "Linear", trains=False)
    from tinytorch.layers import Linear

    # Linear(2, 1) on the 100 separable points of a --quick run
    check_profile(report["profile"], Linear(2, 1), [100, 2], 2 * 100 * 2 * 1, trains=False)


def test_lenet_profile_counts_the_convolutions(tmp_path: Path) -> None:
    """A Part II milestone: --epochs 0 (untrained, below target) still profiles its model."""
    code, report, out = run("lenet_1998", tmp_path, "--epochs", "0", "--profile")
    assert code == 1 and "BELOW TARGET" in out and "Traceback" not in out, out
    tables_printed(out, "Sequential", trains=True)
    assert "Conv2dFunction" in out
    n = 64  # one training batch
    hand = 2 * n * (6 * 28 * 28 * 25 + 16 * 10 * 10 * 6 * 25 + 400 * 120 + 120 * 84 + 84 * 10)
    check_profile(report["profile"], milestone_module("lenet_1998").lenet5(), [n, 1, 28, 28],
                  hand, trains=True)
    assert report["profile"]["parameters"] == 61706


GPT_ARGS = ("--quick", "--steps", "20", "--seed", "1")


@pytest.fixture(scope="module")
def gpt_plain(tmp_path_factory: pytest.TempPathFactory) -> tuple[int, dict, str]:
    return run("gpt_2018", tmp_path_factory.mktemp("plain"), *GPT_ARGS)


def test_gpt_2018_profile(tmp_path: Path, gpt_plain: tuple[int, dict, str]) -> None:
    code, report, out = run("gpt_2018", tmp_path, *GPT_ARGS, "--profile")
    assert code == 1 and "Traceback" not in out, out  # 20 steps: above target
    tables_printed(out, "GPT", trains=True)
    gpt = milestone_module("gpt_2018")
    language = milestone_module("language")
    cfg = language.QUICK
    model = gpt.build(cfg, report["vocab_size"], 1)
    b, t, c, layers, v = cfg.batch_size, cfg.block_size, cfg.n_embd, cfg.n_layer, \
        report["vocab_size"]
    # per layer: qkv 3C^2, projection C^2, MLP 8C^2 per token; the tied head C*V;
    # attention's two products B*T*T*C each (FlopCounterMode counts the causal mask's zeros)
    hand = 2 * b * t * (12 * layers * c * c + c * v) + 4 * layers * b * t * t * c
    check_profile(report["profile"], model, [b, t], hand, trains=True)
    # the report's `parameters` is nanoGPT's count, without the position table
    assert report["profile"]["parameters"] == report["parameters"] + t * c
    profile = report.pop("profile")
    assert profile and untimed(report) == untimed(gpt_plain[1])


# --- gpt_2018 --kv-cache ----------------------------------------------------------------------

@pytest.mark.requires("tt-caching")
def test_gpt_2018_kv_cache_same_text_timed(tmp_path: Path,
                                           gpt_plain: tuple[int, dict, str]) -> None:
    code, report, out = run("gpt_2018", tmp_path, *GPT_ARGS, "--kv-cache")
    assert code == 1 and "Traceback" not in out, out
    plain = gpt_plain[1]
    # the cache changes the time, not the text: greedy and sampled with the same seed
    assert report["sample_greedy"] == plain["sample_greedy"]
    assert report["sample_temperature"] == plain["sample_temperature"]
    kv = {k: report.pop(k) for k in list(report)
          if k.startswith("kv_cache_") or k == "no_cache_ms_per_token"}
    assert untimed(report) == untimed(plain)
    assert kv["kv_cache_tokens_equal"] is True
    assert kv["kv_cache_new_tokens"] == 300 and kv["kv_cache_prompt_tokens"] == len(":kluge:")
    cached, uncached = kv["kv_cache_ms_per_token"], kv["no_cache_ms_per_token"]
    assert cached > 0 and uncached > 0 and kv["kv_cache_speedup"] > 0
    assert kv["kv_cache_speedup"] == pytest.approx(uncached / cached, rel=1e-3)
    lines = [line for line in out.splitlines() if line.startswith("KV cache:")]
    assert len(lines) == 1 and "identical" in lines[0]
    assert f"{cached:.2f} ms per token with the cache" in lines[0]
    assert f"{uncached:.2f} without" in lines[0]


# --- fail fast without the package, and nothing needed without the flag ------------------------

def refused(proc: subprocess.CompletedProcess) -> str:
    """The one stderr line of a fail-fast exit (status 2, nothing run, nothing printed)."""
    assert proc.returncode == 2, proc.stdout + proc.stderr
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in proc.stderr, proc.stderr
    assert proc.stdout == ""  # not a line of training
    return lines[0]


def hiding(hidden: list[str], name: str, tmp_path: Path, *args: str
           ) -> subprocess.CompletedProcess:
    script = str(MILESTONES / f"{name}.py")
    return python(["-c", hiding_program(hidden, script, args)], tmp_path)


@pytest.mark.parametrize("name", ["xor_1969", "digits_pretrained", "gpt_2018"])
def test_profile_without_tt_benchmarking_fails_fast(name: str, tmp_path: Path) -> None:
    report = tmp_path / "r.json"
    line = refused(hiding(["tinytorch.benchmarking"], name, tmp_path, "--quick", "--profile",
                          "--report", str(report)))
    assert line.startswith(f"milestones/{name}.py: error: --profile needs tt-benchmarking "
                           "(module 18), which is not installed"), line
    assert "pip install -e" in line and "packages/tt-benchmarking" in line
    assert not report.exists()


def test_profile_with_a_broken_tt_benchmarking_names_its_error(tmp_path: Path) -> None:
    broken = tmp_path / "shadow" / "tinytorch" / "benchmarking"
    broken.mkdir(parents=True)
    (broken / "__init__.py").write_text("raise ImportError('a student bug in profiler.py')\n")
    path = os.pathsep.join(filter(None, [str(tmp_path / "shadow"), os.environ.get("PYTHONPATH")]))
    line = refused(python([str(MILESTONES / "mlp_1986.py"), "--profile"], tmp_path,
                          {"PYTHONPATH": path}))
    assert "--profile needs tt-benchmarking (module 18), which is installed but " \
           "tinytorch.benchmarking does not import" in line
    assert "a student bug in profiler.py" in line


def test_kv_cache_without_tt_caching_fails_fast(tmp_path: Path) -> None:
    line = refused(hiding(["tinytorch.caching"], "gpt_2018", tmp_path, "--quick", "--kv-cache"))
    assert "--kv-cache needs tt-caching (module 20), which is not installed" in line
    assert "packages/tt-caching" in line


def test_without_the_flag_tt_benchmarking_is_not_needed(tmp_path: Path) -> None:
    proc = hiding(["tinytorch.benchmarking"], "xor_1969", tmp_path, "--quick")
    assert proc.returncode == 0 and "PASSED" in proc.stdout, proc.stdout + proc.stderr
    assert "--- profile" not in proc.stdout


# --- the seam: run.profile_with ---------------------------------------------------------------

SCRIPT = """
import sys
sys.path.insert(0, {milestones!r})
import harness

def body(run):
    from tinytorch.layers import Linear
    import numpy as np

    run.record(accuracy=1.0)
    if {register!r}:
        run.profile_with(Linear(2, 3), np.ones((5, 2), np.float32))
    if {fail!r}:
        raise RuntimeError("after training, the check failed")

sys.exit(harness.main("xor_pretrained", "A test script.", body, harness.POINTS, trains=False))
"""


@pytest.mark.parametrize(("register", "fail"), [(False, False), (True, True)])
def test_the_profile_seam(register: bool, fail: bool, tmp_path: Path) -> None:
    script = tmp_path / "script.py"
    script.write_text(SCRIPT.format(milestones=str(MILESTONES), register=register, fail=fail))
    report = tmp_path / "r.json"
    proc = python([str(script), "--profile", "--report", str(report)], tmp_path)
    data = json.loads(report.read_text())
    assert proc.returncode == 1 and data["passed"] is False, proc.stdout + proc.stderr
    if not register:  # --profile, but the script never said what to profile: a named error
        assert "never called run.profile_with" in data["error"] and "profile" not in data
        return
    # the body raised after naming its model: profiled all the same, its error reported
    assert "after training, the check failed" in data["error"]
    assert data["profile"]["forward"]["flops"] == 2 * 5 * 2 * 3
    assert data["profile"]["parameters"] == 2 * 3 + 3 and data["accuracy"] == 1.0
    assert FORWARD_HEADER.format("Linear") in proc.stdout
