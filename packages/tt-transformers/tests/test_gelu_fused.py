"""gelu_fused: equal to its composite twin and to PyTorch, gradcheck in float64, errors."""

from __future__ import annotations

import math

import numpy as np
import pytest
from tinytorch.activations import gelu
from tinytorch.autograd import gradcheck
from tinytorch.tensor import DTypeError, Tensor
from tinytorch.transformers import gelu_fused
from tt_testing import assert_close, torch_or_skip

MODES = ["tanh", "none"]


def grid(dtype=np.float64):
    x = np.concatenate([np.linspace(-8, 8, 161), [-30.0, -0.0, 0.0, 30.0]])
    return x.reshape(5, 33).astype(dtype)


@pytest.mark.parametrize("mode", MODES)
def test_values_and_gradients_equal_the_composite_twin(mode):
    a, b = Tensor(grid(), requires_grad=True), Tensor(grid(), requires_grad=True)
    g = np.random.default_rng(0).standard_normal(a.shape)
    (gelu_fused(a, mode) * Tensor(g)).sum().backward()
    (gelu(b, approximate=mode) * Tensor(g)).sum().backward()
    assert_close(gelu_fused(a, mode).data, gelu(b, approximate=mode).data, rtol=1e-12, atol=1e-12)
    assert_close(a.grad.data, b.grad.data, rtol=1e-10, atol=1e-12)


@pytest.mark.parametrize("mode", MODES)
def test_hand_values(mode):
    # GELU(1) = Phi(1) = 0.841344746...; the tanh form gives 0.841191990...
    expected = 0.8411919906082768 if mode == "tanh" else 0.8413447460685429
    out = gelu_fused(Tensor(np.array([1.0, 0.0, -40.0])), mode).data
    assert out[0] == pytest.approx(expected, rel=1e-12)
    assert out[1] == 0.0 and out[2] == pytest.approx(0.0, abs=1e-300)
    # d/dx at 0 is Phi(0) = 1/2 for both forms
    x = Tensor(np.array([0.0]), requires_grad=True)
    gelu_fused(x, mode).sum().backward()
    assert x.grad.data[0] == pytest.approx(0.5)
    assert math.isfinite(float(gelu_fused(Tensor(np.array([-1e4])), mode).data[0]))


@pytest.mark.parametrize("mode", MODES)
def test_gradcheck_float64(mode):
    x = Tensor(np.random.default_rng(1).standard_normal((4, 6)) * 2, requires_grad=True)
    assert gradcheck(lambda t: gelu_fused(t, mode), (x,))


@pytest.mark.parametrize("mode", MODES)
def test_float32_stays_float32_and_matches_torch(mode):
    x = grid(np.float32)
    out = gelu_fused(Tensor(x), mode)
    assert out.dtype == np.float32
    torch = torch_or_skip()
    expected = torch.nn.functional.gelu(torch.from_numpy(x), approximate=mode).numpy()
    assert_close(out.data, expected, rtol=1e-5, atol=1e-6)
    xt = torch.from_numpy(grid()).requires_grad_(True)
    torch.nn.functional.gelu(xt, approximate=mode).sum().backward()
    a = Tensor(grid(), requires_grad=True)
    gelu_fused(a, mode).sum().backward()
    assert_close(a.grad.data, xt.grad.numpy(), rtol=1e-10, atol=1e-12)


def test_errors_name_the_problem():
    with pytest.raises(ValueError, match="approximate must be 'none' or 'tanh'"):
        gelu_fused(Tensor(np.zeros(2)), "erf")
    with pytest.raises(DTypeError, match="floating point"):
        gelu_fused(Tensor(np.arange(3)))
    with pytest.raises(TypeError, match="expected a Tensor"):
        gelu_fused(np.zeros(3))
