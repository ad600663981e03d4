"""Structured pruning: whole neurons and channels leave, the next layer's inputs follow."""

from __future__ import annotations

import numpy as np
import pytest
from tinytorch.activations import ReLU, Softmax
from tinytorch.compression import parameter_count, structured_prune, unit_norms
from tinytorch.layers import Linear, Sequential
from tinytorch.spatial import Conv2d, Flatten, MaxPool2d
from tinytorch.tensor import Tensor, manual_seed
from tt_testing import assert_close


def mlp_with_dead_units(dead: list[int]) -> Sequential:
    manual_seed(0)
    model = Sequential(Linear(6, 8), ReLU(), Linear(8, 4), ReLU(), Linear(4, 3))
    model[0].weight.data[dead] = 0.0  # these hidden units output relu(0) = 0
    model[0].bias.data[dead] = 0.0
    return model


def test_removing_zero_neurons_keeps_the_outputs_exactly() -> None:
    model = mlp_with_dead_units([1, 4, 6, 7])
    model[2].weight.data[[0, 3]] = 0.0  # and two of the second layer's 4 units
    model[2].bias.data[[0, 3]] = 0.0
    pruned = structured_prune(model, 0.5)
    assert [(m.in_features, m.out_features) for m in pruned if isinstance(m, Linear)] == [
        (6, 4), (4, 2), (2, 3)]
    np.testing.assert_array_equal(pruned[0].weight.data, model[0].weight.data[[0, 2, 3, 5]])
    np.testing.assert_array_equal(pruned[2].weight.data,
                                  model[2].weight.data[[1, 2]][:, [0, 2, 3, 5]])
    np.testing.assert_array_equal(pruned[4].weight.data, model[4].weight.data[:, [1, 2]])
    x = Tensor(np.random.default_rng(1).standard_normal((5, 6)).astype(np.float32))
    assert_close(pruned(x), model(x), rtol=1e-6, atol=1e-6)
    # parameters: (6*4 + 4) + (4*2 + 2) + (2*3 + 3), against (6*8 + 8) + (8*4 + 4) + (4*3 + 3)
    assert parameter_count(pruned) == 28 + 10 + 9
    assert parameter_count(model) == 56 + 36 + 15


def test_the_original_is_untouched_and_the_last_layer_keeps_its_outputs() -> None:
    model = mlp_with_dead_units([0])
    before = model[0].weight.data.copy()
    pruned = structured_prune(model, 0.25)
    np.testing.assert_array_equal(model[0].weight.data, before)
    assert model[0].out_features == 8 and pruned[0].out_features == 6
    assert pruned[4].out_features == 3
    pruned[0].weight.data[...] = 1.0
    np.testing.assert_array_equal(model[0].weight.data, before)  # a copy, not shared
    assert structured_prune(model, 0.0)[0].out_features == 8


def test_l1_and_l2_norms_choose_differently() -> None:
    model = Sequential(Linear(4, 2), ReLU(), Linear(2, 1))
    model[0].weight.data[...] = [[1.0, 1.0, 1.0, 1.0], [2.5, 0.0, 0.0, 0.0]]
    np.testing.assert_allclose(unit_norms(model[0], "l1"), [4.0, 2.5])
    np.testing.assert_allclose(unit_norms(model[0], "l2"), [2.0, 2.5])
    keep_l1 = structured_prune(model, 0.5, norm="l1")[0].weight.data
    keep_l2 = structured_prune(model, 0.5, norm="l2")[0].weight.data
    np.testing.assert_array_equal(keep_l1, [[1.0, 1.0, 1.0, 1.0]])
    np.testing.assert_array_equal(keep_l2, [[2.5, 0.0, 0.0, 0.0]])


def cnn_with_dead_channels() -> Sequential:
    manual_seed(0)
    model = Sequential(Conv2d(1, 4, 3, padding=1), ReLU(), MaxPool2d(2),
                       Conv2d(4, 6, 3, padding=1), ReLU(), Flatten(), Linear(6 * 4 * 4, 5))
    model[0].weight.data[[1, 2]] = 0.0
    model[0].bias.data[[1, 2]] = 0.0
    model[3].weight.data[[0, 4, 5]] = 0.0
    model[3].bias.data[[0, 4, 5]] = 0.0
    return model


def test_conv_channels_and_the_inputs_after_flatten() -> None:
    model = cnn_with_dead_channels()
    pruned = structured_prune(model, 0.5)
    assert (pruned[0].in_channels, pruned[0].out_channels) == (1, 2)
    assert (pruned[3].in_channels, pruned[3].out_channels) == (2, 3)
    assert pruned[3].padding == (1, 1)
    assert (pruned[6].in_features, pruned[6].out_features) == (3 * 16, 5)
    # channels 1, 2, 3 of the second conv survive: Flatten put them at inputs 16..63
    np.testing.assert_array_equal(pruned[6].weight.data, model[6].weight.data[:, 16:64])
    x = Tensor(np.random.default_rng(2).standard_normal((3, 1, 8, 8)).astype(np.float32))
    assert_close(pruned(x), model(x), rtol=1e-5, atol=1e-6)
    assert parameter_count(pruned) == (2 * 9 + 2) + (3 * 2 * 9 + 3) + (48 * 5 + 5)


def test_it_really_removes_units_of_a_trained_looking_model() -> None:
    manual_seed(3)
    model = Sequential(Linear(10, 40), ReLU(), Linear(40, 40), ReLU(), Linear(40, 2))
    pruned = structured_prune(model, 0.75)
    assert [m.out_features for m in pruned if isinstance(m, Linear)] == [10, 10, 2]
    kept = np.sort(np.argsort(-np.abs(model[0].weight.data).sum(1))[:10])
    np.testing.assert_array_equal(pruned[0].bias.data, model[0].bias.data[kept])


def test_errors() -> None:
    model = mlp_with_dead_units([0])
    with pytest.raises(ValueError, match=r"structured_prune: amount must be in \[0, 1\)"):
        structured_prune(model, 1.0)
    with pytest.raises(ValueError, match="norm must be 'l1' or 'l2'"):
        structured_prune(model, 0.5, norm="l3")
    with pytest.raises(TypeError, match="structured_prune: expected a Sequential, got Linear"):
        structured_prune(Linear(2, 2), 0.5)
    with pytest.raises(ValueError, match=r"cannot remove units of layer 0 through \['Softmax'\]"):
        structured_prune(Sequential(Linear(2, 4), Softmax(), Linear(4, 2)), 0.5)
    with pytest.raises(ValueError, match="grouped Conv2d"):
        structured_prune(Sequential(Conv2d(2, 4, 1, groups=2), Conv2d(4, 2, 1)), 0.5)
    with pytest.raises(ValueError, match="in_features=10 follows Flatten of 4 channels"):
        structured_prune(Sequential(Conv2d(1, 4, 1), Flatten(), Linear(10, 2)), 0.5)
