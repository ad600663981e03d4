"""Dropout and Dropout2d: exact masks under a seed, statistics, modes, gradients, errors."""

from __future__ import annotations

import numpy as np
import pytest
from tinytorch.autograd import gradcheck
from tinytorch.layers import Linear, Sequential
from tinytorch.regularization import Dropout, Dropout2d, dropout, dropout2d
from tinytorch.tensor import ShapeError, Tensor, default_generator, manual_seed
from tt_testing import assert_close, torch_or_skip


def ones(*shape, dtype=np.float32):
    return Tensor(np.ones(shape, dtype=dtype), requires_grad=True)


def test_exact_mask_under_a_seed() -> None:
    # the mask is one float32 uniform draw per element from the shared generator
    manual_seed(5)
    keep = default_generator().random((4, 6), dtype=np.float32) >= 0.25
    manual_seed(5)
    x = Tensor(np.arange(24, dtype=np.float32).reshape(4, 6))
    out = dropout(x, 0.25)
    np.testing.assert_allclose(out.data, x.data * keep / 0.75, rtol=1e-6)
    manual_seed(5)
    np.testing.assert_array_equal(Dropout(0.25)(x).data, out.data)  # same seed, same mask
    assert not np.array_equal(dropout(x, 0.25).data, out.data)  # the generator moved on


def test_statistics_mean_preserved_and_fraction_dropped() -> None:
    manual_seed(0)
    n = 200_000
    for p in (0.1, 0.5, 0.8):
        out = dropout(Tensor(np.ones(n, dtype=np.float32)), p).data
        dropped = np.mean(out == 0)
        # binomial: standard error sqrt(p (1 - p) / n) < 0.0012; allow 5 of them
        assert abs(dropped - p) < 0.006, (p, dropped)
        np.testing.assert_allclose(np.unique(out), [0.0, 1 / (1 - p)], rtol=1e-6)
        assert abs(out.mean() - 1.0) < 5 * np.sqrt(p / (1 - p) / n), (p, out.mean())


def test_eval_p0_and_p1() -> None:
    x = Tensor(np.random.default_rng(0).normal(size=(3, 4)).astype(np.float32))
    assert dropout(x, 0.5, training=False) is x
    assert dropout(x, 0.0) is x
    layer = Dropout(0.9)
    assert layer.eval()(x) is x
    assert layer.train()(x) is not x
    zeros = dropout(ones(3, 4), 1.0)
    np.testing.assert_array_equal(zeros.data, np.zeros((3, 4), dtype=np.float32))
    assert zeros.dtype == np.float32


def test_layer_follows_the_models_mode_and_has_no_state() -> None:
    model = Sequential(Linear(4, 4), Dropout(0.5))
    assert list(model[1].parameters()) == [] and model[1].state_dict() == {}
    assert repr(model[1]) == "Dropout(p=0.5)" and repr(Dropout2d(0.2)) == "Dropout2d(p=0.2)"
    x = Tensor(np.ones((8, 4), dtype=np.float32))
    model.eval()
    assert_close(model(x), model[0](x))
    model.train()
    manual_seed(1)
    assert np.any(model(x).data == 0)


def test_backward_reuses_the_mask() -> None:
    manual_seed(3)
    x = ones(50, 40)
    out = dropout(x, 0.3)
    g = np.random.default_rng(1).normal(size=x.shape).astype(np.float32)
    out.backward(Tensor(g))
    scale = out.data  # on ones: the mask times 1 / (1 - p)
    np.testing.assert_allclose(x.grad.data, g * scale, rtol=1e-6)
    assert np.all(x.grad.data[out.data == 0] == 0)


def test_gradcheck_float64() -> None:
    x = Tensor(np.random.default_rng(2).normal(size=(3, 4, 2, 2)), requires_grad=True)

    def seeded(fn):  # the same mask on every call: a fixed linear map
        def f(x):
            manual_seed(7)
            return fn(x, 0.4)
        return f

    assert gradcheck(seeded(dropout), (x,))
    assert gradcheck(seeded(dropout2d), (x,))
    manual_seed(7)
    assert dropout(x, 0.4).dtype == np.float64


def test_dropout2d_zeroes_whole_channels() -> None:
    manual_seed(4)
    out = Dropout2d(0.5)(Tensor(np.ones((16, 8, 3, 3), dtype=np.float32))).data
    per_channel = out.reshape(16, 8, 9)
    assert np.all(per_channel.min(axis=2) == per_channel.max(axis=2))  # all or nothing
    assert set(np.unique(per_channel)) == {0.0, 2.0}
    manual_seed(4)
    keep = default_generator().random((16, 8, 1, 1), dtype=np.float32) >= 0.5
    np.testing.assert_array_equal(out, np.broadcast_to(keep * 2.0, out.shape))
    out3 = dropout2d(Tensor(np.ones((4, 6, 5), dtype=np.float32)), 0.5).data  # (N, C, L)
    assert np.all(out3.min(axis=2) == out3.max(axis=2))


def test_errors() -> None:
    for bad in (-0.1, 1.5):
        with pytest.raises(ValueError, match=f"dropout probability has to be between 0 and 1, "
                                             f"but got {bad}"):
            Dropout(bad)
        with pytest.raises(ValueError, match="between 0 and 1"):
            dropout(ones(2), bad)
    with pytest.raises(TypeError, match="p must be a number"):
        Dropout2d("half")
    with pytest.raises(ShapeError, match=r"dropout2d: expected a 4D .* got shape \(2, 3\)"):
        dropout2d(ones(2, 3), 0.5)
    with pytest.raises(TypeError, match="floating point"):
        dropout(Tensor(np.ones(3, dtype=np.int64)), 0.5)


def test_matches_pytorch_given_the_same_mask() -> None:
    torch = torch_or_skip()
    manual_seed(6)
    x = np.random.default_rng(3).normal(size=(5, 7)).astype(np.float32)
    ours_x = Tensor(x, requires_grad=True)
    ours = dropout(ours_x, 0.3)
    mask = torch.tensor(ours.data != 0)
    # PyTorch's dropout is x * mask / (1 - p); its backward scales by the same mask
    tx = torch.tensor(x, requires_grad=True)
    theirs = tx * mask / 0.7
    g = np.random.default_rng(4).normal(size=x.shape).astype(np.float32)
    ours.backward(Tensor(g))
    theirs.backward(torch.tensor(g))
    assert_close(ours, theirs, rtol=1e-6, atol=1e-7)
    assert_close(ours_x.grad, tx.grad, rtol=1e-6, atol=1e-7)
    # and torch's own dropout follows the same rule: its survivors are x / (1 - p)
    t_out = torch.nn.functional.dropout(torch.tensor(x), 0.3).numpy()
    kept = t_out != 0
    np.testing.assert_allclose(t_out[kept], x[kept] / 0.7, rtol=1e-6)
