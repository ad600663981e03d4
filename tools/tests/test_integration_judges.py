"""Part I's integration tests catch a wrong module where PyTorch is not installed.

A sign-flipped sigmoid once passed every integration test and milestone on a
machine without PyTorch. Here pytest runs Part I's integration tests (not the
milestone scripts) in subprocesses, with `import torch` blocked and one
function of the reference replaced by a plausible student bug, through a
small plugin given with `-p`; each bug must fail the stored-values tests,
and the untouched chain must pass with the oracle checks skipped, counted.
No venv is built: the packages are the ones installed here.
"""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from course_tools.manifest import REPO
from course_tools.steps import oracle_skips

pytest.importorskip("tinytorch.training", reason="needs the Part I chain installed")

FOLDER = REPO / "integration" / "part1"
# the tests of values and gradients across the chain; the milestone scripts are left out (slow)
FILES = [str(FOLDER / name) for name in ("test_expected_values.py", "test_gradients.py",
                                          "test_training.py")]

BREAKER = textwrap.dedent('''
    """Block PyTorch and plant one bug in the installed chain (TT_BREAK names which)."""
    import os
    import sys

    sys.modules["torch"] = None  # `import torch` raises ImportError: oracle tests skip


    def pytest_configure(config):
        bug = os.environ.get("TT_BREAK", "")
        if bug == "sigmoid":  # 1 / (1 + exp(x)): the sign of the exponent flipped
            import tinytorch.activations as A
            module = sys.modules["tinytorch.activations.sigmoid"]
            right = module.sigmoid
            module.sigmoid = A.sigmoid = lambda x: right(-x)
        elif bug == "tanh":  # 2 sigmoid(x) - 1: the 2x inside forgotten
            import tinytorch.activations as A
            module = sys.modules["tinytorch.activations.tanh"]
            module.tanh = A.tanh = lambda x: 2 * A.sigmoid(x) - 1
        elif bug == "sgd":  # Nesterov's look-ahead forgotten: plain momentum
            from tinytorch.optimizers import SGD
            right = SGD._update
            SGD._update = lambda self, p, g, group, state: right(
                self, p, g, {**group, "nesterov": False}, state)
        elif bug:
            raise ValueError(bug)
''')


def start(bug: str, tmp_path: Path) -> tuple[subprocess.Popen, Path]:
    xml = tmp_path / f"{bug or 'none'}.xml"
    env = {**os.environ, "TT_BREAK": bug, "PYTHONPATH": str(tmp_path),
           "OMP_NUM_THREADS": "1", "OPENBLAS_NUM_THREADS": "1", "MKL_NUM_THREADS": "1"}
    cmd = [sys.executable, "-m", "pytest", "-q", "-p", "tt_breaker", "-p", "no:cacheprovider",
           "--import-mode=importlib", f"--junitxml={xml}", "-W", "ignore", *FILES]
    proc = subprocess.Popen(cmd, cwd=tmp_path, env=env, stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, text=True)
    return proc, xml


def failed_tests(xml: Path) -> set[str]:
    root = ET.parse(xml).getroot()
    return {f"{c.get('classname', '').rsplit('.', 1)[-1]}::{c.get('name')}"
            for c in root.iter("testcase") if c.find("failure") is not None
            or c.find("error") is not None}


def test_planted_bugs_fail_the_integration_tests_without_pytorch(tmp_path: Path) -> None:
    (tmp_path / "tt_breaker.py").write_text(BREAKER, encoding="utf-8")
    runs = {bug: start(bug, tmp_path) for bug in ("", "sigmoid", "tanh", "sgd")}  # in parallel
    outputs = {}
    for bug, (proc, _xml) in runs.items():
        out, _ = proc.communicate(timeout=300)
        outputs[bug] = (proc.returncode, out)

    # the untouched chain: passes, every oracle check skipped and counted as such
    code, out = outputs[""]
    assert code == 0, out
    skipped = oracle_skips(runs[""][1])
    root = ET.parse(runs[""][1]).getroot()
    assert skipped >= 1 and skipped == sum(1 for _ in root.iter("skipped")), out
    assert f"tt-testing: PyTorch is not installed: {skipped} oracle check(s) skipped" in out

    values = "test_expected_values::test_values_equal_the_reference"
    must_fail = {
        "sigmoid": {f"{values}[activations]", f"{values}[activation_gradients]"},
        "tanh": {f"{values}[activations]", f"{values}[layers]", f"{values}[trainer]",
                 f"{values}[training_loop]"},
        "sgd": {f"{values}[optimizer_steps]"},
    }
    for bug, expected in must_fail.items():
        code, out = outputs[bug]
        assert code == 1, f"the {bug} bug went unnoticed:\n{out}"
        failed = failed_tests(runs[bug][1])
        assert expected <= failed, (bug, sorted(failed))
        assert oracle_skips(runs[bug][1]) == skipped  # still without PyTorch
        assert "reference" in out  # the message names the value and the reference's number
