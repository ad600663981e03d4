"""Linear: shapes, init bounds and statistics, seeding, errors, PyTorch agreement."""

from __future__ import annotations

import math

import numpy as np
import pytest
from tinytorch.layers import Linear, Parameter
from tinytorch.tensor import Tensor, manual_seed
from tt_testing import assert_close, torch_or_skip


def test_shapes_and_types() -> None:
    layer = Linear(3, 5)
    assert isinstance(layer.weight, Parameter) and isinstance(layer.bias, Parameter)
    assert layer.weight.shape == (5, 3) and layer.bias.shape == (5,)
    assert layer.weight.dtype == np.float32 and layer.weight.requires_grad
    assert layer.in_features == 3 and layer.out_features == 5
    for shape in [(3,), (7, 3), (2, 4, 3)]:
        out = layer(Tensor(np.ones(shape, dtype=np.float32)))
        assert out.shape == (*shape[:-1], 5)
        assert out.dtype == np.float32


def test_no_bias() -> None:
    layer = Linear(3, 2, bias=False)
    assert layer.bias is None
    assert [n for n, _ in layer.named_parameters()] == ["weight"]
    x = np.random.default_rng(0).normal(size=(4, 3)).astype(np.float32)
    assert_close(layer(Tensor(x)), x @ layer.weight.data.T, rtol=1e-6)


def test_forward_formula() -> None:
    layer = Linear(4, 3)
    x = np.random.default_rng(1).normal(size=(6, 4)).astype(np.float32)
    expected = x.astype(np.float64) @ layer.weight.data.T + layer.bias.data
    assert_close(layer(Tensor(x)), expected, rtol=1e-5, atol=1e-6)


def test_float64() -> None:
    layer = Linear(2, 2, dtype=np.float64)
    assert layer.weight.dtype == np.float64 and layer.bias.dtype == np.float64
    assert layer(Tensor(np.ones((1, 2)))).dtype == np.float64
    with pytest.raises(TypeError, match="floating-point"):
        Linear(2, 2, dtype=np.int32)


@pytest.mark.parametrize("fan_in", [1, 3, 100])
def test_init_bounds(fan_in: int) -> None:
    layer = Linear(fan_in, 50)
    bound = 1.0 / math.sqrt(fan_in)
    assert np.all(np.abs(layer.weight.data) <= bound)
    assert np.all(np.abs(layer.bias.data) <= bound)
    assert np.abs(layer.weight.data).max() > 0.8 * bound  # spread over the whole range


def test_init_statistics() -> None:
    manual_seed(0)
    w = Linear(400, 500).weight.data.astype(np.float64)
    bound = 1.0 / math.sqrt(400)
    # U(-b, b): mean 0, variance b^2 / 3
    assert abs(w.mean()) < 0.01 * bound
    assert w.var() == pytest.approx(bound**2 / 3, rel=0.02)


def test_same_seed_same_weights() -> None:
    manual_seed(123)
    a = Linear(4, 3)
    manual_seed(123)
    b = Linear(4, 3)
    c = Linear(4, 3)
    np.testing.assert_array_equal(a.weight.data, b.weight.data)
    np.testing.assert_array_equal(a.bias.data, b.bias.data)
    assert not np.array_equal(b.weight.data, c.weight.data)


def test_wrong_width_error_names_everything() -> None:
    layer = Linear(3, 2)
    with pytest.raises(
        ValueError,
        match=r"Linear\(in_features=3, out_features=2.*\(4, 5\).*last dimension 5.*3",
    ):
        layer(Tensor(np.zeros((4, 5), dtype=np.float32)))
    with pytest.raises(ValueError, match="0-d"):
        layer(Tensor(np.float32(1.0)))
    with pytest.raises(TypeError, match="expected a Tensor"):
        layer(np.zeros((1, 3)))


@pytest.mark.parametrize("bad", [-1, 2.5, True, "3"])
def test_bad_sizes(bad) -> None:
    with pytest.raises(ValueError, match="in_features must be a non-negative int"):
        Linear(bad, 2)


def test_repr() -> None:
    assert repr(Linear(3, 2)) == "Linear(in_features=3, out_features=2, bias=True)"
    assert repr(Linear(3, 2, bias=False)) == "Linear(in_features=3, out_features=2, bias=False)"


def test_vs_torch_functional_linear() -> None:
    torch = torch_or_skip()
    layer = Linear(5, 4)
    x = np.random.default_rng(2).normal(size=(3, 2, 5)).astype(np.float32)
    expected = torch.nn.functional.linear(
        torch.from_numpy(x), torch.from_numpy(layer.weight.data), torch.from_numpy(layer.bias.data)
    )
    assert_close(layer(Tensor(x)), expected, rtol=1e-5, atol=1e-6)


def test_init_matches_torch_distribution() -> None:
    torch = torch_or_skip()
    # Same scheme, different random streams: compare the bounds torch uses.
    t = torch.nn.Linear(64, 8)
    bound = 1.0 / math.sqrt(64)
    assert t.weight.abs().max().item() <= bound
    assert np.abs(Linear(64, 8).weight.data).max() <= bound
