"""Shared test helpers of TinyTorch: the only place they are written.

Every package's `tests/` import from here, so a helper fixed once is fixed for
the whole course, and a student's starter package (which ships its module's
tests) depends on one small, stable thing.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import pytest

from .__about__ import __version__
from .expected import ExpectedValues
from .graph import GraphRecorder, recording_engine
from .hide import hiding_program
from .reasons import ORACLE_SKIPPED
from .torch_gpt import load_from_tinytorch, spread_weights, torch_gpt

__all__ = [
    "ORACLE_SKIPPED",
    "ExpectedValues",
    "GraphRecorder",
    "__version__",
    "as_array",
    "assert_close",
    "hiding_program",
    "load_from_tinytorch",
    "numerical_grad",
    "recording_engine",
    "spread_weights",
    "torch_gpt",
    "torch_or_skip",
]


def as_array(x: Any) -> np.ndarray:
    """NumPy view of a Tensor (anything with `.data` or `.numpy()`), array or number."""
    if hasattr(x, "detach") and hasattr(x, "cpu"):  # a torch tensor
        return x.detach().cpu().numpy()
    if hasattr(x, "data") and isinstance(x.data, np.ndarray):
        return x.data
    return np.asarray(x)


def assert_close(actual: Any, expected: Any, rtol: float = 1e-5, atol: float = 1e-6) -> None:
    """Assert equal shapes and values within tolerance, with a readable message."""
    a, e = as_array(actual), as_array(expected)
    assert a.shape == e.shape, f"shape {a.shape} != expected {e.shape}"
    np.testing.assert_allclose(a, e, rtol=rtol, atol=atol)


def numerical_grad(
    f: Callable[..., float], *arrays: np.ndarray, eps: float = 1e-6
) -> list[np.ndarray]:
    """Central finite differences of scalar `f(*arrays)` w.r.t. each array, in float64.

    Cost: two calls of `f` per input element, so keep the arrays small.
    The arrays are perturbed in place and restored.
    """
    arrays = tuple(np.asarray(a, dtype=np.float64) for a in arrays)
    grads = []
    for a in arrays:
        g = np.zeros_like(a)
        flat, gflat = a.reshape(-1), g.reshape(-1)
        for i in range(flat.size):
            old = flat[i]
            flat[i] = old + eps
            hi = float(f(*arrays))
            flat[i] = old - eps
            lo = float(f(*arrays))
            flat[i] = old
            gflat[i] = (hi - lo) / (2 * eps)
        grads.append(g)
    return grads


def torch_or_skip() -> Any:
    """Import PyTorch for use as an oracle, or skip the calling test cleanly."""
    return pytest.importorskip("torch", reason=ORACLE_SKIPPED)
