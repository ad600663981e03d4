"""The engine is found through the `tinytorch.engine` entry point, without an import."""

import subprocess
import sys
from importlib.metadata import entry_points

import numpy as np
from tinytorch.tensor import ENTRY_POINT_GROUP, Tensor, get_engine

SCRIPT = """
import sys
from tinytorch.tensor import Tensor, get_engine
assert "tinytorch.autograd" not in sys.modules
x = Tensor([1.0, 2.0], requires_grad=True)
(x * x).sum().backward()          # finds the engine through the entry point
assert "tinytorch.autograd" in sys.modules
assert x.grad.tolist() == [2.0, 4.0], x.grad
print(type(get_engine()).__module__)
"""


def test_entry_point_is_registered():
    eps = entry_points(group=ENTRY_POINT_GROUP)
    assert any(ep.value == "tinytorch.autograd" for ep in eps)


def test_fresh_process_finds_the_engine_without_import():
    result = subprocess.run(
        [sys.executable, "-c", SCRIPT], capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().startswith("tinytorch.autograd")


def test_import_installs_the_engine():
    import tinytorch.autograd  # noqa: F401

    engine = get_engine()
    assert engine is not None
    x = Tensor(np.array([3.0]), requires_grad=True)
    (x * x).sum().backward()
    assert x.grad.data.tolist() == [6.0]
