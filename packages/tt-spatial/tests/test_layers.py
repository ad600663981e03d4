"""The layers: Conv2d (parameters, init, seeding, repr, errors), pooling modules, Flatten."""

from __future__ import annotations

import math

import numpy as np
import pytest
from tinytorch.layers import Module, Parameter, Sequential
from tinytorch.spatial import (
    AdaptiveAvgPool2d,
    AvgPool2d,
    Conv2d,
    Flatten,
    MaxPool2d,
    adaptive_avg_pool2d,
    avg_pool2d,
    conv2d,
    max_pool2d,
)
from tinytorch.tensor import ShapeError, Tensor, manual_seed
from tt_testing import assert_close, torch_or_skip


def test_conv2d_parameters_and_shapes() -> None:
    conv = Conv2d(4, 6, (3, 2), stride=2, padding=1, groups=2)
    assert isinstance(conv, Module)
    assert isinstance(conv.weight, Parameter) and isinstance(conv.bias, Parameter)
    assert conv.weight.shape == (6, 2, 3, 2) and conv.bias.shape == (6,)
    assert conv.weight.dtype == np.float32 and conv.weight.requires_grad
    assert [n for n, _ in conv.named_parameters()] == ["weight", "bias"]
    x = Tensor(np.random.default_rng(0).standard_normal((2, 4, 7, 8)).astype(np.float32))
    out = conv(x)
    assert out.shape == (2, 6, 4, 5) and out.dtype == np.float32
    assert_close(out, conv2d(x, conv.weight, conv.bias, 2, 1, 1, 2))
    assert Conv2d(1, 1, 3, bias=False).bias is None


def test_conv2d_gradients_reach_the_parameters() -> None:
    conv = Conv2d(2, 3, 3, padding="same", dtype=np.float64)
    x = Tensor(np.random.default_rng(1).standard_normal((2, 2, 5, 5)), requires_grad=True)
    out = conv(x)
    assert out.shape == (2, 3, 5, 5)
    out.sum().backward()
    assert conv.weight.grad.shape == (3, 2, 3, 3) and x.grad.shape == x.shape
    # d sum / d bias = number of output positions per channel
    assert_close(conv.bias.grad, np.full(3, 2 * 5 * 5.0))


@pytest.mark.parametrize(("cin", "cout", "k", "groups"), [(1, 6, 5, 1), (16, 32, 3, 1),
                                                          (8, 8, 3, 4)])
def test_conv2d_init_is_pytorchs(cin, cout, k, groups) -> None:
    conv = Conv2d(cin, cout, k, groups=groups)
    bound = 1.0 / math.sqrt(cin // groups * k * k)
    assert np.all(np.abs(conv.weight.data) <= bound)
    assert np.all(np.abs(conv.bias.data) <= bound)
    assert np.abs(conv.weight.data).max() > 0.5 * bound


def test_conv2d_init_statistics() -> None:
    manual_seed(0)
    w = Conv2d(16, 64, 5).weight.data.astype(np.float64)
    bound = 1.0 / math.sqrt(16 * 25)
    assert abs(w.mean()) < 0.02 * bound
    assert w.var() == pytest.approx(bound**2 / 3, rel=0.03)  # U(-b, b)


def test_same_seed_same_weights() -> None:
    manual_seed(7)
    a = Conv2d(3, 4, 3)
    manual_seed(7)
    b = Conv2d(3, 4, 3)
    c = Conv2d(3, 4, 3)
    np.testing.assert_array_equal(a.weight.data, b.weight.data)
    np.testing.assert_array_equal(a.bias.data, b.bias.data)
    assert not np.array_equal(b.weight.data, c.weight.data)


def test_conv2d_state_dict_loads_pytorch_weights() -> None:
    torch = torch_or_skip()
    tconv = torch.nn.Conv2d(3, 5, 3, stride=(2, 1), padding=(1, 2), dilation=(1, 2))
    conv = Conv2d(3, 5, 3, stride=(2, 1), padding=(1, 2), dilation=(1, 2))
    conv.load_state_dict({k: v.detach().numpy() for k, v in tconv.state_dict().items()})
    x = np.random.default_rng(2).standard_normal((2, 3, 8, 9)).astype(np.float32)
    assert_close(conv(Tensor(x)), tconv(torch.from_numpy(x)), rtol=1e-4, atol=1e-5)


def test_conv2d_repr_like_pytorch() -> None:
    assert repr(Conv2d(1, 6, 5)) == "Conv2d(1, 6, kernel_size=(5, 5), stride=(1, 1))"
    text = repr(Conv2d(4, 8, 3, stride=2, padding=1, dilation=2, groups=2, bias=False))
    assert text == ("Conv2d(4, 8, kernel_size=(3, 3), stride=(2, 2), padding=(1, 1), "
                    "dilation=(2, 2), groups=2, bias=False)")
    assert "padding='same'" in repr(Conv2d(1, 1, 3, padding="same"))


def test_conv2d_errors() -> None:
    conv = Conv2d(3, 4, 3)
    with pytest.raises(ShapeError, match=r"has 5 channels, expected in_channels=3"):
        conv(Tensor(np.zeros((1, 5, 8, 8), dtype=np.float32)))
    with pytest.raises(ValueError, match=r"groups=2 must divide both in_channels=3"):
        Conv2d(3, 4, 3, groups=2)
    with pytest.raises(ValueError, match=r"out_channels=5"):
        Conv2d(4, 5, 3, groups=2)
    with pytest.raises(ValueError, match="in_channels must be a positive int"):
        Conv2d(0, 4, 3)
    with pytest.raises(ValueError, match="'same' is not supported for strided"):
        Conv2d(1, 1, 3, stride=2, padding="same")
    with pytest.raises(TypeError, match="floating-point"):
        Conv2d(1, 1, 3, dtype=np.int32)
    with pytest.raises(ShapeError, match="larger than the padded input"):
        Conv2d(1, 1, 5)(Tensor(np.zeros((1, 1, 3, 3), dtype=np.float32)))


def test_pooling_modules_match_the_functions() -> None:
    x = Tensor(np.random.default_rng(3).standard_normal((2, 3, 7, 7)))
    assert_close(MaxPool2d(2)(x), max_pool2d(x, 2))
    assert_close(MaxPool2d(3, 2, 1)(x), max_pool2d(x, 3, 2, 1))
    assert_close(AvgPool2d(3, stride=1)(x), avg_pool2d(x, 3, 1))
    assert_close(AdaptiveAvgPool2d((2, 3))(x), adaptive_avg_pool2d(x, (2, 3)))
    assert MaxPool2d(2)(x).shape == (2, 3, 3, 3)
    assert list(MaxPool2d(2).parameters()) == []
    assert repr(MaxPool2d(2)) == "MaxPool2d(kernel_size=2, stride=2, padding=0)"
    assert repr(AdaptiveAvgPool2d(1)) == "AdaptiveAvgPool2d(output_size=1)"


def test_flatten() -> None:
    x = Tensor(np.arange(24.0).reshape(2, 3, 2, 2), requires_grad=True)
    out = Flatten()(x)
    assert out.shape == (2, 12)
    assert_close(out, x.data.reshape(2, 12))
    assert Flatten(0)(x).shape == (24,)
    assert Flatten(1, 2)(x).shape == (2, 6, 2)
    out.sum().backward()
    assert_close(x.grad, np.ones((2, 3, 2, 2)))
    assert repr(Flatten()) == "Flatten(start_dim=1, end_dim=-1)"


def test_a_small_lenet_runs_and_learns_a_step() -> None:
    manual_seed(0)
    model = Sequential(Conv2d(1, 4, 3, padding=1), MaxPool2d(2), Conv2d(4, 6, 3),
                       AdaptiveAvgPool2d(1), Flatten())
    x = Tensor(np.random.default_rng(4).standard_normal((3, 1, 8, 8)).astype(np.float32))
    out = model(x)
    assert out.shape == (3, 6)
    loss = (out * out).sum()
    loss.backward()
    before = loss.item()
    for p in model.parameters():
        p.data -= 0.01 * p.grad.data
    assert (model(x) * model(x)).sum().item() < before
