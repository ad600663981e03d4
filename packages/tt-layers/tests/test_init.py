"""init: fans, bounds, statistics, seeding, in-place behaviour, errors."""

from __future__ import annotations

import math

import numpy as np
import pytest
from tinytorch.layers import Parameter, init
from tinytorch.tensor import Tensor, manual_seed
from tt_testing import torch_or_skip


def weight(*shape: int) -> Parameter:
    return Parameter(np.zeros(shape, dtype=np.float32))


def test_xavier_uniform_bound_and_variance() -> None:
    manual_seed(0)
    w = weight(300, 200)
    assert init.xavier_uniform_(w) is w
    bound = math.sqrt(6.0 / 500)
    assert np.all(np.abs(w.data) <= bound)
    assert w.data.astype(np.float64).var() == pytest.approx(2.0 / 500, rel=0.03)
    g = weight(300, 200)
    init.xavier_uniform_(g, gain=2.0)
    assert np.abs(g.data).max() > bound


def test_kaiming_uniform_default_and_linear_scheme() -> None:
    manual_seed(1)
    w = weight(400, 300)
    init.kaiming_uniform_(w)  # leaky_relu with a=0: gain sqrt(2)
    bound = math.sqrt(2.0) * math.sqrt(3.0 / 300)
    assert np.all(np.abs(w.data) <= bound) and np.abs(w.data).max() > 0.95 * bound
    init.kaiming_uniform_(w, a=math.sqrt(5))
    assert np.all(np.abs(w.data) <= 1 / math.sqrt(300))
    init.kaiming_uniform_(w, mode="fan_out", nonlinearity="relu")
    assert w.data.astype(np.float64).var() == pytest.approx(2.0 / 400, rel=0.03)


def test_conv_shaped_fans() -> None:
    manual_seed(2)
    w = weight(8, 4, 3, 3)  # fan_in = 4 * 9 = 36, fan_out = 8 * 9 = 72
    init.kaiming_uniform_(w, nonlinearity="relu")
    assert np.all(np.abs(w.data) <= math.sqrt(2.0) * math.sqrt(3.0 / 36))
    init.xavier_uniform_(w)
    assert np.all(np.abs(w.data) <= math.sqrt(6.0 / (36 + 72)))


def test_normal_variants_statistics() -> None:
    manual_seed(3)
    w = weight(500, 400)
    init.kaiming_normal_(w, nonlinearity="relu")
    assert w.data.astype(np.float64).std() == pytest.approx(math.sqrt(2.0 / 400), rel=0.02)
    init.xavier_normal_(w)
    assert w.data.astype(np.float64).std() == pytest.approx(math.sqrt(2.0 / 900), rel=0.02)
    init.normal_(w, mean=3.0, std=0.5)
    assert w.data.mean() == pytest.approx(3.0, abs=0.01)
    init.uniform_(w, -2.0, 5.0)
    assert w.data.min() >= -2.0 and w.data.max() <= 5.0


def test_constant_fills_keep_dtype_and_identity() -> None:
    w = Parameter(np.full((2, 3), 9.0, dtype=np.float64))
    array = w.data
    assert init.zeros_(w) is w
    assert w.data is array and w.dtype == np.float64
    np.testing.assert_array_equal(w.data, 0.0)
    init.ones_(w)
    np.testing.assert_array_equal(w.data, 1.0)
    init.constant_(w, 0.25)
    np.testing.assert_array_equal(w.data, 0.25)
    t = Tensor(np.zeros(3, dtype=np.float32))
    init.ones_(t)  # plain tensors work too
    np.testing.assert_array_equal(t.data, 1.0)


def test_seed_reproducibility() -> None:
    manual_seed(7)
    a = init.xavier_uniform_(weight(5, 4)).data.copy()
    manual_seed(7)
    b = init.xavier_uniform_(weight(5, 4)).data.copy()
    c = init.xavier_uniform_(weight(5, 4)).data.copy()
    np.testing.assert_array_equal(a, b)
    assert not np.array_equal(b, c)


def test_calculate_gain() -> None:
    assert init.calculate_gain("linear") == 1.0
    assert init.calculate_gain("sigmoid") == 1.0
    assert init.calculate_gain("relu") == pytest.approx(math.sqrt(2))
    assert init.calculate_gain("tanh") == pytest.approx(5 / 3)
    assert init.calculate_gain("leaky_relu") == pytest.approx(math.sqrt(2 / (1 + 0.01**2)))
    assert init.calculate_gain("leaky_relu", math.sqrt(5)) == pytest.approx(math.sqrt(1 / 3))
    with pytest.raises(ValueError, match="unsupported nonlinearity 'swish'"):
        init.calculate_gain("swish")


def test_errors() -> None:
    with pytest.raises(ValueError, match=r"at least 2 dimensions, got shape \(5,\)"):
        init.xavier_uniform_(weight(5))
    with pytest.raises(ValueError, match="mode must be 'fan_in' or 'fan_out'"):
        init.kaiming_uniform_(weight(2, 2), mode="fan_avg")
    with pytest.raises(TypeError, match="floating-point"):
        init.zeros_(Tensor(np.zeros(2, dtype=np.int64)))
    with pytest.raises(TypeError, match="expected a Tensor"):
        init.zeros_([0.0, 1.0])


def test_matches_torch_bounds() -> None:
    torch = torch_or_skip()
    t = torch.empty(30, 20)
    torch.nn.init.xavier_uniform_(t)
    assert t.abs().max().item() <= math.sqrt(6.0 / 50)
    w = weight(30, 20)
    init.xavier_uniform_(w)
    assert np.abs(w.data).max() <= math.sqrt(6.0 / 50)
    assert init.calculate_gain("leaky_relu", 0.2) == pytest.approx(
        torch.nn.init.calculate_gain("leaky_relu", 0.2)
    )
    assert init.calculate_gain("tanh") == pytest.approx(torch.nn.init.calculate_gain("tanh"))
