"""LayerNorm: values and gradients against NumPy and PyTorch, parameters, errors."""

from __future__ import annotations

import numpy as np
import pytest
from tinytorch.autograd import gradcheck
from tinytorch.normalization import LayerNorm, layer_norm
from tinytorch.tensor import DTypeError, ShapeError, Tensor
from tt_testing import assert_close, torch_or_skip


def ref_layer_norm(x, k, weight=None, bias=None, eps=1e-5):
    """Layer norm over the last k dims in float64 NumPy."""
    axes = tuple(range(x.ndim - k, x.ndim))
    y = (x - x.mean(axis=axes, keepdims=True)) / np.sqrt(x.var(axis=axes, keepdims=True) + eps)
    if weight is not None:
        y = y * weight
    return y if bias is None else y + bias


@pytest.mark.parametrize(("shape", "normalized"), [((4, 6), 6), ((2, 3, 4, 5), (4, 5))])
def test_values_vs_numpy_in_both_modes(shape, normalized) -> None:
    rng = np.random.default_rng(0)
    layer = LayerNorm(normalized)
    layer.weight.data[...] = rng.normal(size=layer.normalized_shape)
    layer.bias.data[...] = rng.normal(size=layer.normalized_shape)
    x = rng.normal(3.0, 2.0, size=shape)
    k = len(layer.normalized_shape)
    expected = ref_layer_norm(x, k, layer.weight.data, layer.bias.data).astype(np.float32)
    assert_close(layer(Tensor(x.astype(np.float32))), expected, rtol=1e-4, atol=1e-5)
    layer.eval()
    assert_close(layer(Tensor(x.astype(np.float32))), expected, rtol=1e-4, atol=1e-5)
    assert_close(layer(Tensor(x[:1].astype(np.float32))), expected[:1], rtol=1e-4, atol=1e-5)


def test_parameters_options_and_repr() -> None:
    layer = LayerNorm(5)
    assert layer.normalized_shape == (5,)
    assert [n for n, _ in layer.named_parameters()] == ["weight", "bias"]
    np.testing.assert_array_equal(layer.weight.data, np.ones(5, dtype=np.float32))
    np.testing.assert_array_equal(layer.bias.data, np.zeros(5, dtype=np.float32))
    assert list(layer.state_dict()) == ["weight", "bias"]  # no buffers
    assert repr(layer) == "LayerNorm((5,), eps=1e-05, elementwise_affine=True)"
    no_bias = LayerNorm([2, 3], bias=False)
    assert no_bias.bias is None and no_bias.weight.shape == (2, 3)
    bare = LayerNorm(4, elementwise_affine=False)
    assert bare.weight is None and bare.bias is None and list(bare.parameters()) == []
    x = np.random.default_rng(1).normal(size=(3, 4))
    assert_close(bare(Tensor(x.astype(np.float32))), ref_layer_norm(x, 1).astype(np.float32),
                 rtol=1e-4, atol=1e-5)


def test_errors_name_the_shapes() -> None:
    with pytest.raises(ShapeError, match=r"normalized_shape=\(3,\), expected an input of shape "
                                         r"\(\*, 3\), but got input of shape \(2, 4\)"):
        LayerNorm(3)(Tensor(np.ones((2, 4), dtype=np.float32)))
    with pytest.raises(ShapeError, match=r"got input of shape \(4,\)"):
        LayerNorm((2, 4))(Tensor(np.ones(4, dtype=np.float32)))
    with pytest.raises(ShapeError, match=r"layer_norm: weight has shape \(3,\), expected \(4,\)"):
        layer_norm(Tensor(np.ones((2, 4), dtype=np.float32)), 4,
                   Tensor(np.ones(3, dtype=np.float32)))
    with pytest.raises(DTypeError, match="weight is float32 but the input is float64"):
        LayerNorm(4)(Tensor(np.ones((2, 4))))
    with pytest.raises(DTypeError, match="floating point"):
        LayerNorm(4)(Tensor(np.ones((2, 4), dtype=np.int64)))
    with pytest.raises(ValueError, match="normalized_shape must be one or more positive ints"):
        LayerNorm((3, 0))
    with pytest.raises(TypeError, match="normalized_shape must be an int or a tuple"):
        LayerNorm("4")


@pytest.mark.parametrize("affine", [True, False], ids=["affine", "plain"])
def test_gradcheck_input_weight_bias_float64(affine) -> None:
    rng = np.random.default_rng(2)
    x = Tensor(rng.normal(1.0, 2.0, size=(3, 2, 4)), requires_grad=True)
    w = Tensor(rng.normal(size=(2, 4)), requires_grad=True) if affine else None
    b = Tensor(rng.normal(size=(2, 4)), requires_grad=True) if affine else None
    assert gradcheck(lambda x, w, b: layer_norm(x, (2, 4), w, b), (x, w, b))
    assert gradcheck(lambda x: layer_norm(x, 4), (x,))


def test_matches_pytorch_outputs_and_gradients() -> None:
    torch = torch_or_skip()
    rng = np.random.default_rng(3)
    ours, theirs = LayerNorm((4, 6)), torch.nn.LayerNorm((4, 6))
    w, b = rng.normal(size=(4, 6)).astype(np.float32), rng.normal(size=(4, 6)).astype(np.float32)
    ours.weight.data[...], ours.bias.data[...] = w, b
    with torch.no_grad():
        theirs.weight.copy_(torch.tensor(w))
        theirs.bias.copy_(torch.tensor(b))
    for _ in range(2):
        x = rng.normal(2.0, 3.0, size=(3, 5, 4, 6)).astype(np.float32)
        g = rng.normal(size=x.shape).astype(np.float32)
        xt, xo = torch.tensor(x, requires_grad=True), Tensor(x, requires_grad=True)
        yt, yo = theirs(xt), ours(xo)
        yt.backward(torch.tensor(g))
        yo.backward(Tensor(g))
        assert_close(yo, yt, rtol=1e-5, atol=1e-5)
        assert_close(xo.grad, xt.grad, rtol=1e-4, atol=1e-5)
        assert_close(ours.weight.grad, theirs.weight.grad, rtol=1e-4, atol=1e-4)
        assert_close(ours.bias.grad, theirs.bias.grad, rtol=1e-4, atol=1e-4)
        ours.zero_grad()
        theirs.zero_grad()
