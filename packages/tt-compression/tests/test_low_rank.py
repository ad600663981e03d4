"""Low-rank factorisation: exact at full rank, the dropped singular values are the error."""

from __future__ import annotations

import numpy as np
import pytest
from tinytorch.activations import ReLU
from tinytorch.autograd import gradcheck
from tinytorch.compression import LowRankLinear, low_rank, parameter_count, rank_for_energy
from tinytorch.layers import Linear, Sequential
from tinytorch.tensor import Tensor, manual_seed
from tt_testing import assert_close


def linear(in_features=12, out_features=7, dtype=np.float64) -> Linear:
    manual_seed(0)
    return Linear(in_features, out_features, dtype=dtype)


def test_rank_for_energy_by_hand() -> None:
    s = np.array([3.0, 2.0, 1.0])  # squares 9, 4, 1: cumulative 9/14, 13/14, 14/14
    assert rank_for_energy(s, 9 / 14) == 1
    assert rank_for_energy(s, 0.65) == 2
    assert rank_for_energy(s, 13 / 14) == 2
    assert rank_for_energy(s, 0.93) == 3
    assert rank_for_energy(s, 1.0) == 3
    assert rank_for_energy(np.array([1.0, 2.0, 3.0]), 0.5) == 1  # order does not matter


def test_full_rank_is_exact() -> None:
    lin = linear()
    full = LowRankLinear.from_linear(lin, rank=7)
    assert_close(full.dense_weight(), lin.weight.data, rtol=1e-12, atol=1e-12)
    x = Tensor(np.random.default_rng(1).standard_normal((2, 3, 12)))
    assert_close(full(x), lin(x), rtol=1e-10, atol=1e-12)


@pytest.mark.parametrize("rank", [1, 3, 5])
def test_error_equals_the_dropped_singular_values(rank: int) -> None:
    lin = linear()
    w = lin.weight.data
    s = np.linalg.svd(w, compute_uv=False)
    approx = LowRankLinear.from_linear(lin, rank)
    error = np.linalg.norm(w - approx.dense_weight())  # Frobenius
    assert error == pytest.approx(np.sqrt(np.sum(s[rank:] ** 2)), rel=1e-9)
    np.testing.assert_array_equal(approx.bias.data, lin.bias.data)
    # parameter count: r * (in + out) + out (bias)
    assert parameter_count(approx) == rank * (12 + 7) + 7
    assert approx.u.shape == (7, rank) and approx.v.shape == (rank, 12)


def test_forward_is_two_thin_matmuls() -> None:
    layer = LowRankLinear.from_linear(linear(), 2)
    x = np.random.default_rng(2).standard_normal((4, 12))
    expected = (x @ layer.v.data.T) @ layer.u.data.T + layer.bias.data
    assert_close(layer(Tensor(x)), expected, rtol=1e-12, atol=1e-12)


def test_gradients_in_float64() -> None:
    layer = LowRankLinear.from_linear(linear(5, 4), 2)
    x = Tensor(np.random.default_rng(3).standard_normal((3, 5)), requires_grad=True)
    assert gradcheck(lambda x, u, v, b: layer(x), [x, layer.u, layer.v, layer.bias])


def test_low_rank_on_a_model_with_a_low_rank_layer() -> None:
    manual_seed(0)
    model = Sequential(Linear(40, 30), ReLU(), Linear(30, 4))
    rng = np.random.default_rng(4)
    w = rng.standard_normal((30, 3)) @ rng.standard_normal((3, 40))  # rank 3
    model[0].weight.data[...] = w + 1e-4 * rng.standard_normal((30, 40))
    small = low_rank(model, energy=0.999)
    assert isinstance(small[0], LowRankLinear) and small[0].rank == 3
    assert isinstance(small[2], Linear)  # 4 outputs: rank 4 * 34 > 120, kept as it was
    assert isinstance(model[0], Linear)  # the original is untouched
    assert parameter_count(small) == 3 * 70 + 30 + (30 * 4 + 4)
    x = Tensor(rng.standard_normal((6, 40)).astype(np.float32))
    assert_close(small(x), model(x), rtol=1e-3, atol=1e-3)
    everything = low_rank(model, energy=0.999, always=True)
    assert isinstance(everything[2], LowRankLinear)


def test_errors() -> None:
    for bad in (0.0, -0.5, 1.5):
        with pytest.raises(ValueError, match=r"low_rank: energy must be in \(0, 1\]"):
            low_rank(Sequential(linear()), bad)
    with pytest.raises(ValueError, match=r"rank=8 exceeds min\(in_features, out_features\) = 7"):
        LowRankLinear.from_linear(linear(), 8)
    with pytest.raises(ValueError, match="LowRankLinear: rank must be a positive int"):
        LowRankLinear(3, 3, 0)
    with pytest.raises(TypeError, match="from_linear: expected a Linear"):
        LowRankLinear.from_linear(ReLU(), 1)
    with pytest.raises(ValueError, match=r"input of shape \(2, 3\) does not end in "
                                         "in_features=12"):
        LowRankLinear.from_linear(linear(), 2)(Tensor(np.ones((2, 3))))
