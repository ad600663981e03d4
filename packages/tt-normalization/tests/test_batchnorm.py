"""BatchNorm1d/2d: values, gradients and running statistics against NumPy and PyTorch."""

from __future__ import annotations

import numpy as np
import pytest
from tinytorch.autograd import gradcheck
from tinytorch.normalization import BatchNorm1d, BatchNorm2d, batch_norm
from tinytorch.tensor import DTypeError, ShapeError, Tensor
from tt_testing import assert_close, torch_or_skip

SHAPES = [(BatchNorm1d, (6, 3)), (BatchNorm1d, (4, 3, 5)), (BatchNorm2d, (4, 3, 5, 6))]
IDS = ["1d-NC", "1d-NCL", "2d-NCHW"]


def ref_batch_norm(x, weight, bias, eps=1e-5):
    """Training-mode batch norm in float64 NumPy: (output, mean, biased var)."""
    axes = (0, *range(2, x.ndim))
    view = (1, -1) + (1,) * (x.ndim - 2)
    mean = x.mean(axis=axes)
    var = x.var(axis=axes)
    y = (x - mean.reshape(view)) / np.sqrt(var.reshape(view) + eps)
    return y * weight.reshape(view) + bias.reshape(view), mean, var


def random_affine(layer, rng):
    layer.weight.data[...] = rng.normal(size=layer.num_features)
    layer.bias.data[...] = rng.normal(size=layer.num_features)


@pytest.mark.parametrize(("cls", "shape"), SHAPES, ids=IDS)
def test_training_values_and_running_stats_vs_numpy(cls, shape) -> None:
    rng = np.random.default_rng(0)
    layer = cls(3, momentum=0.2)
    random_affine(layer, rng)
    run_mean, run_var = np.zeros(3), np.ones(3)
    count = shape[0] * int(np.prod(shape[2:]))
    for step in range(3):
        x = rng.normal(2.0, 3.0, size=shape)
        y = layer(Tensor(x.astype(np.float32)))
        expected, mean, var = ref_batch_norm(x, layer.weight.data, layer.bias.data)
        assert_close(y, expected.astype(np.float32), rtol=1e-4, atol=1e-5)
        run_mean = 0.8 * run_mean + 0.2 * mean
        run_var = 0.8 * run_var + 0.2 * var * count / (count - 1)  # unbiased, as PyTorch
        assert_close(layer.running_mean, run_mean.astype(np.float32), rtol=1e-5, atol=1e-6)
        assert_close(layer.running_var, run_var.astype(np.float32), rtol=1e-5, atol=1e-6)
        assert layer.num_batches_tracked.item() == step + 1


@pytest.mark.parametrize(("cls", "shape"), SHAPES, ids=IDS)
def test_eval_uses_running_stats_and_changes_nothing(cls, shape) -> None:
    rng = np.random.default_rng(1)
    layer = cls(3)
    random_affine(layer, rng)
    layer.running_mean.data[...] = [0.5, -1.0, 2.0]
    layer.running_var.data[...] = [4.0, 0.25, 1.0]
    before = layer.state_dict()
    x = rng.normal(size=shape).astype(np.float32)
    view = (1, -1) + (1,) * (len(shape) - 2)
    expected = ((x - layer.running_mean.data.reshape(view))
                / np.sqrt(layer.running_var.data.reshape(view) + 1e-5)
                * layer.weight.data.reshape(view) + layer.bias.data.reshape(view))
    assert layer.eval() is layer and not layer.training
    assert_close(layer(Tensor(x)), expected, rtol=1e-5, atol=1e-6)
    assert_close(layer(Tensor(x[:1])), expected[:1], rtol=1e-5, atol=1e-6)  # batch of one is fine
    for key, value in layer.state_dict().items():
        np.testing.assert_array_equal(value, before[key], err_msg=key)


def test_momentum_none_is_the_cumulative_average() -> None:
    rng = np.random.default_rng(2)
    layer = BatchNorm1d(2, momentum=None)
    batches = [rng.normal(k, 1.0 + k, size=(5, 2)) for k in range(4)]
    for x in batches:
        layer(Tensor(x.astype(np.float32)))
    means = np.mean([x.mean(axis=0) for x in batches], axis=0)
    variances = np.mean([x.var(axis=0, ddof=1) for x in batches], axis=0)
    # the first batch replaces the initial (0, 1) entirely: factor 1/1
    assert_close(layer.running_mean, means.astype(np.float32), rtol=1e-5, atol=1e-6)
    assert_close(layer.running_var, variances.astype(np.float32), rtol=1e-5, atol=1e-6)
    assert layer.num_batches_tracked.item() == 4


def test_without_running_stats_both_modes_use_the_batch() -> None:
    rng = np.random.default_rng(3)
    layer = BatchNorm2d(3, track_running_stats=False, affine=False)
    assert layer.running_mean is None and layer.weight is None
    assert list(layer.parameters()) == [] and layer.state_dict() == {}
    x = rng.normal(1.0, 2.0, size=(2, 3, 4, 4))
    expected, _, _ = ref_batch_norm(x, np.ones(3), np.zeros(3))
    assert_close(layer(Tensor(x.astype(np.float32))), expected.astype(np.float32),
                 rtol=1e-4, atol=1e-5)
    layer.eval()
    assert_close(layer(Tensor(x.astype(np.float32))), expected.astype(np.float32),
                 rtol=1e-4, atol=1e-5)


def test_parameters_buffers_and_state_dict_round_trip() -> None:
    layer = BatchNorm2d(4)
    assert [n for n, _ in layer.named_parameters()] == ["weight", "bias"]
    np.testing.assert_array_equal(layer.weight.data, np.ones(4, dtype=np.float32))
    np.testing.assert_array_equal(layer.bias.data, np.zeros(4, dtype=np.float32))
    state = layer.state_dict()
    assert list(state) == ["weight", "bias", "running_mean", "running_var",
                           "num_batches_tracked"]
    count = state["num_batches_tracked"]
    assert count.shape == () and count.dtype == np.int64 and count == 0
    rng = np.random.default_rng(4)
    for _ in range(2):
        layer(Tensor(rng.normal(3.0, 2.0, size=(3, 4, 2, 2)).astype(np.float32)))
    trained = layer.state_dict()
    fresh = BatchNorm2d(4)
    fresh.load_state_dict(trained)
    for key, value in fresh.state_dict().items():
        np.testing.assert_array_equal(value, trained[key], err_msg=key)
    assert fresh.num_batches_tracked.item() == 2
    x = Tensor(rng.normal(size=(2, 4, 2, 2)).astype(np.float32))
    assert_close(fresh.eval()(x), layer.eval()(x))
    layer.reset_running_stats()
    assert layer.num_batches_tracked.item() == 0
    np.testing.assert_array_equal(layer.running_var.data, np.ones(4, dtype=np.float32))


def test_repr_matches_pytorch() -> None:
    assert repr(BatchNorm2d(8)) == (
        "BatchNorm2d(8, eps=1e-05, momentum=0.1, affine=True, track_running_stats=True)"
    )
    assert repr(BatchNorm1d(3, momentum=None, affine=False)) == (
        "BatchNorm1d(3, eps=1e-05, momentum=None, affine=False, track_running_stats=True)"
    )


# ----------------------------------------------------------------- errors


def test_batch_of_one_in_training_raises_pytorchs_error() -> None:
    layer = BatchNorm1d(3)
    with pytest.raises(ValueError, match=r"Expected more than 1 value per channel when "
                                         r"training, got input size \(1, 3\)"):
        layer(Tensor(np.ones((1, 3), dtype=np.float32)))
    assert layer.num_batches_tracked.item() == 0  # checked before any state changes
    with pytest.raises(ValueError, match=r"got input size \(1, 3, 1, 1\)"):
        BatchNorm2d(3)(Tensor(np.ones((1, 3, 1, 1), dtype=np.float32)))
    with pytest.raises(ValueError, match="Expected more than 1 value per channel"):
        batch_norm(Tensor(np.ones((1, 3), dtype=np.float32)), None, None, training=True)
    BatchNorm1d(3)(Tensor(np.ones((1, 3, 2), dtype=np.float32)))  # 2 values per channel: fine


def test_wrong_channel_count_names_both_counts() -> None:
    with pytest.raises(ShapeError, match=r"BatchNorm2d\(num_features=3\): input of shape "
                                         r"\(2, 4, 5, 5\) has 4 channels .*num_features=3"):
        BatchNorm2d(3)(Tensor(np.ones((2, 4, 5, 5), dtype=np.float32)))
    with pytest.raises(ShapeError, match=r"batch_norm: weight has shape \(3,\), expected \(4,\)"):
        batch_norm(Tensor(np.ones((2, 4), dtype=np.float32)), None, None,
                   Tensor(np.ones(3, dtype=np.float32)), training=True)


def test_wrong_dims_dtypes_and_arguments() -> None:
    with pytest.raises(ShapeError, match=r"expected 4D \(N, C, H, W\) input, got 3D input"):
        BatchNorm2d(3)(Tensor(np.ones((2, 3, 4), dtype=np.float32)))
    with pytest.raises(ValueError, match=r"expected 2D \(N, C\) or 3D \(N, C, L\) input, got 4D"):
        BatchNorm1d(3)(Tensor(np.ones((2, 3, 4, 4), dtype=np.float32)))
    with pytest.raises(DTypeError, match="floating point"):
        BatchNorm1d(3)(Tensor(np.ones((2, 3), dtype=np.int64)))
    with pytest.raises(DTypeError, match="running_mean is float32 but the input is float64"):
        BatchNorm1d(3)(Tensor(np.ones((2, 3))))
    with pytest.raises(ValueError, match="running_mean and running_var must be given"):
        batch_norm(Tensor(np.ones((2, 3), dtype=np.float32)), None, None, training=False)
    with pytest.raises(ValueError, match="num_features must be a positive int"):
        BatchNorm2d(0)
    with pytest.raises(ValueError, match=r"momentum must be in \[0.0, 1.0\]"):
        BatchNorm2d(3, momentum=1.5)
    with pytest.raises(TypeError, match="eps must be a number"):
        BatchNorm2d(3, eps="small")


# -------------------------------------------------------------- gradients


@pytest.mark.parametrize("training", [True, False], ids=["train", "eval"])
@pytest.mark.parametrize("shape", [(5, 3), (3, 2, 4), (2, 3, 2, 3)], ids=["NC", "NCL", "NCHW"])
def test_gradcheck_input_weight_bias_float64(shape, training) -> None:
    rng = np.random.default_rng(5)
    c = shape[1]
    x = Tensor(rng.normal(1.0, 2.0, size=shape), requires_grad=True)
    w = Tensor(rng.normal(size=c), requires_grad=True)
    b = Tensor(rng.normal(size=c), requires_grad=True)
    mean, var = Tensor(rng.normal(size=c)), Tensor(rng.uniform(0.5, 2.0, size=c))

    def f(x, w, b):  # fresh buffers each call: the update must not feed back
        return batch_norm(x, Tensor(mean.data.copy()), Tensor(var.data.copy()), w, b,
                          training=training)

    assert gradcheck(f, (x, w, b))
    assert gradcheck(lambda x: batch_norm(x, mean, var, training=training), (x,))


def test_gradient_of_the_sum_is_zero_in_training() -> None:
    # the mean is subtracted: shifting every input of a channel changes nothing
    rng = np.random.default_rng(6)
    x = Tensor(rng.normal(size=(4, 3, 2, 2)), requires_grad=True)
    BatchNorm2d(3, dtype=np.float64)(x).sum().backward()
    assert np.abs(x.grad.data).max() < 1e-10


# ---------------------------------------------------------------- PyTorch


@pytest.mark.parametrize("momentum", [0.1, None], ids=["momentum", "cumulative"])
@pytest.mark.parametrize(("cls", "shape"), SHAPES, ids=IDS)
def test_matches_pytorch_over_steps_in_train_and_eval(cls, shape, momentum) -> None:
    torch = torch_or_skip()
    tcls = getattr(torch.nn, cls.__name__)
    rng = np.random.default_rng(7)
    ours, theirs = cls(3, momentum=momentum), tcls(3, momentum=momentum)
    random_affine(ours, rng)
    with torch.no_grad():
        theirs.weight.copy_(torch.tensor(ours.weight.data))
        theirs.bias.copy_(torch.tensor(ours.bias.data))
    for step in range(4):
        if step == 3:
            ours.eval()
            theirs.eval()
        x = rng.normal(1.0, 2.0, size=shape).astype(np.float32)
        g = rng.normal(size=shape).astype(np.float32)
        xt, xo = torch.tensor(x, requires_grad=True), Tensor(x, requires_grad=True)
        yt, yo = theirs(xt), ours(xo)
        yt.backward(torch.tensor(g))
        yo.backward(Tensor(g))
        assert_close(yo, yt, rtol=1e-5, atol=1e-5)
        assert_close(xo.grad, xt.grad, rtol=1e-4, atol=1e-5)
        assert_close(ours.weight.grad, theirs.weight.grad, rtol=1e-4, atol=1e-5)
        assert_close(ours.bias.grad, theirs.bias.grad, rtol=1e-4, atol=1e-5)
        ours.zero_grad()
        theirs.zero_grad()
        for key, value in theirs.state_dict().items():
            assert_close(ours.state_dict()[key], value.numpy(), rtol=1e-5, atol=1e-6)


def test_pytorch_state_dict_loads() -> None:
    torch = torch_or_skip()
    theirs = torch.nn.BatchNorm2d(3)
    theirs(torch.randn(4, 3, 2, 2) * 3 + 1)
    ours = BatchNorm2d(3)
    ours.load_state_dict({k: v.numpy() for k, v in theirs.state_dict().items()})
    x = np.random.default_rng(8).normal(size=(2, 3, 2, 2)).astype(np.float32)
    assert_close(ours.eval()(Tensor(x)), theirs.eval()(torch.tensor(x)), rtol=1e-5, atol=1e-6)
