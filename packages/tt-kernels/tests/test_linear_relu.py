"""LinearReLU: the Linear's own Parameters, the numbers of Linear then ReLU, both modes."""

from __future__ import annotations

import numpy as np
import pytest
from tinytorch.activations import relu
from tinytorch.kernels import LinearReLU
from tinytorch.layers import Linear
from tinytorch.tensor import Tensor, manual_seed
from tt_testing import assert_close


def linear(in_features=4, out_features=3, **kw):
    manual_seed(0)
    return Linear(in_features, out_features, dtype=np.float64, **kw)


@pytest.mark.parametrize("fused", [True, False])
@pytest.mark.parametrize("shape", [(5, 4), (2, 3, 4)], ids=["2d", "3d"])
def test_equals_linear_then_relu(fused: bool, shape) -> None:
    lin = linear()
    layer = LinearReLU(lin)
    layer.fused = fused
    x = np.random.default_rng(1).standard_normal(shape)
    g = np.random.default_rng(2).standard_normal((*shape[:-1], 3))
    grads = []
    for fn in (layer, lambda t: relu(lin(t))):
        lin.zero_grad()
        xt = Tensor(x, requires_grad=True)
        out = fn(xt)
        out.backward(Tensor(g))
        grads.append((out.data, xt.grad.data, lin.weight.grad.data, lin.bias.grad.data))
    for a, b in zip(*grads, strict=True):
        assert_close(a, b, rtol=1e-12, atol=1e-14)
    assert np.all(grads[0][0] >= 0)


def test_shares_the_parameters_and_their_names() -> None:
    lin = linear()
    layer = LinearReLU(lin)
    assert layer.weight is lin.weight and layer.bias is lin.bias
    assert [n for n, _ in layer.named_parameters()] == ["weight", "bias"]
    assert sorted(layer.state_dict()) == sorted(lin.state_dict())
    lin.weight.data[...] = 0.0  # one Parameter: a change shows through both
    out = layer(Tensor(np.ones((2, 4))))
    assert_close(out.data, np.maximum(np.broadcast_to(lin.bias.data, (2, 3)), 0.0))
    assert "fused=True" in repr(layer)


def test_errors() -> None:
    with pytest.raises(TypeError, match="LinearReLU: expected a Linear"):
        LinearReLU("not a layer")
    with pytest.raises(ValueError, match="has no bias"):
        LinearReLU(linear(bias=False))
    layer = LinearReLU(linear())
    with pytest.raises(ValueError, match=r"input of shape \(2, 5\) does not end in "
                                         "in_features=4"):
        layer(Tensor(np.ones((2, 5))))
    with pytest.raises(TypeError, match="expected a Tensor"):
        layer(np.ones((2, 4)))
