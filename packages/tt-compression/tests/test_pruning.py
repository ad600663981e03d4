"""Magnitude pruning: which weights go (global vs per layer), the masks, fine-tuning keeps them."""

from __future__ import annotations

import numpy as np
import pytest
from tinytorch.activations import ReLU
from tinytorch.compression import Pruning, accuracy, fine_tune, magnitude_prune
from tinytorch.layers import Linear, Sequential
from tinytorch.spatial import Conv2d, Flatten
from tinytorch.tensor import manual_seed


def two_layers() -> Sequential:
    """Layer 0 holds the magnitudes 1..8, layer 2 holds 10..13 (hand-set, no ties)."""
    model = Sequential(Linear(4, 2), ReLU(), Linear(2, 2))
    model[0].weight.data[...] = np.array([[1.0, -2.0, 3.0, -4.0], [5.0, -6.0, 7.0, -8.0]])
    model[2].weight.data[...] = np.array([[10.0, -11.0], [12.0, -13.0]])
    return model


def mlp(seed: int = 0) -> Sequential:
    manual_seed(seed)
    return Sequential(Linear(8, 16), ReLU(), Linear(16, 3))


def test_global_scope_uses_one_threshold_over_all_layers() -> None:
    model = two_layers()
    pruning = magnitude_prune(model, 0.5)  # 6 of 12 weights: exactly |w| = 1..6
    np.testing.assert_array_equal(
        model[0].weight.data, [[0.0, 0.0, 0.0, 0.0], [0.0, 0.0, 7.0, -8.0]])
    np.testing.assert_array_equal(model[2].weight.data, [[10.0, -11.0], [12.0, -13.0]])
    assert sorted(pruning.masks) == ["0", "2"]
    assert pruning.masks["0"].dtype == bool and pruning.masks["0"].sum() == 2
    assert pruning.sparsity() == pytest.approx(0.5)
    assert pruning.layer_sparsity() == {"0": 0.75, "2": 0.0}


def test_layer_scope_prunes_each_layer_by_the_same_fraction() -> None:
    model = two_layers()
    pruning = magnitude_prune(model, 0.5, scope="layer")
    np.testing.assert_array_equal(model[0].weight.data, [[0, 0, 0, 0], [5.0, -6.0, 7.0, -8.0]])
    np.testing.assert_array_equal(model[2].weight.data, [[0.0, 0.0], [12.0, -13.0]])
    assert pruning.layer_sparsity() == {"0": 0.5, "2": 0.5}


def test_ties_are_broken_to_prune_exactly_the_requested_count() -> None:
    model = Sequential(Linear(10, 10))
    model[0].weight.data[...] = 1.0  # all tied: a threshold |w| <= t would remove all
    magnitude_prune(model, 0.3)
    assert np.count_nonzero(model[0].weight.data == 0) == 30


def test_biases_and_conv_weights() -> None:
    manual_seed(0)
    model = Sequential(Conv2d(2, 4, 3), ReLU(), Flatten(), Linear(4 * 2 * 2, 3))
    biases = [model[0].bias.data.copy(), model[3].bias.data.copy()]
    pruning = magnitude_prune(model, 0.8)
    assert pruning.masks["0"].shape == (4, 2, 3, 3)
    total = 4 * 2 * 9 + 16 * 3
    assert np.count_nonzero(model[0].weight.data == 0) + np.count_nonzero(
        model[3].weight.data == 0) == round(0.8 * total)
    np.testing.assert_array_equal(model[0].bias.data, biases[0])  # biases are never pruned
    np.testing.assert_array_equal(model[3].bias.data, biases[1])


def test_sparsity_is_measured_and_reapply_restores_the_zeros() -> None:
    model = mlp()
    pruning = magnitude_prune(model, 0.75)
    assert pruning.sparsity() == pytest.approx(0.75, abs=1 / (8 * 16 + 16 * 3))
    pruned = ~pruning.masks["0"]
    model[0].weight.data[pruned] = 0.5  # as an optimizer step would
    assert pruning.sparsity() < 0.5  # measured from the weights, not from the masks
    pruning.reapply()
    assert np.all(model[0].weight.data[pruned] == 0)
    assert pruning.sparsity() == pytest.approx(0.75, abs=0.01)


def test_pruning_again_extends_the_old_masks() -> None:
    model = mlp()
    first = magnitude_prune(model, 0.5)
    second = magnitude_prune(model, 0.8)
    for name in first.masks:  # every weight pruned before is still pruned
        assert not np.any(second.masks[name] & ~first.masks[name])
    assert second.sparsity() == pytest.approx(0.8, abs=0.01)


def classification_data(seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    x = rng.standard_normal((300, 8)).astype(np.float32)
    y = (x[:, 0] > 0).astype(np.int64) + (x[:, 1] > 0)  # 3 classes, learnable
    return x, y


def test_fine_tune_keeps_pruned_weights_at_zero_and_learns() -> None:
    x, y = classification_data()
    model = mlp()
    pruning = magnitude_prune(model, 0.6)
    before = {n: model[int(n)].weight.data.copy() for n in pruning.masks}
    acc_before = accuracy(model, x, y)
    losses = fine_tune(model, pruning, x, y, epochs=15, lr=1e-2, batch_size=32, seed=0)
    assert len(losses) == 15 and losses[-1] < losses[0]
    assert accuracy(model, x, y) > max(acc_before, 0.8)
    assert pruning.sparsity() == pytest.approx(0.6, abs=0.01)
    for name, mask in pruning.masks.items():
        w = model[int(name)].weight.data
        assert np.all(w[~mask] == 0)
        assert not np.allclose(w[mask], before[name][mask])  # the kept weights trained
    assert not model.training  # left in eval mode


@pytest.mark.parametrize("optimizer", ["adam", "sgd"])
def test_without_reapply_the_optimizer_moves_pruned_weights(optimizer: str) -> None:
    x, y = classification_data()
    model = mlp()
    pruning = magnitude_prune(model, 0.6)
    fine_tune(model, None, x, y, epochs=1, lr=1e-2, batch_size=32, optimizer=optimizer)
    assert pruning.sparsity() < 0.1  # why reapply() exists


def test_fine_tune_is_seeded() -> None:
    x, y = classification_data()
    runs = []
    for _ in range(2):
        model = mlp()
        pruning = magnitude_prune(model, 0.5)
        runs.append(fine_tune(model, pruning, x, y, epochs=2, lr=1e-2, seed=3))
    assert runs[0] == runs[1]


def test_remove_forgets_the_masks_and_keeps_the_zeros() -> None:
    model = mlp()
    pruning = magnitude_prune(model, 0.5)
    assert pruning.remove() is model
    assert pruning.masks == {}
    assert pruning.sparsity() == pytest.approx(0.5, abs=0.01)
    assert "Pruning(scope='global'" in repr(pruning)


def test_errors() -> None:
    model = mlp()
    for bad in (1.0, -0.1, 1.5):
        with pytest.raises(ValueError, match=r"magnitude_prune: sparsity must be in \[0, 1\)"):
            magnitude_prune(model, bad)
    with pytest.raises(TypeError, match="sparsity must be a number"):
        magnitude_prune(model, "0.5")
    with pytest.raises(ValueError, match="scope must be 'global' or 'layer'"):
        magnitude_prune(model, 0.5, scope="row")
    with pytest.raises(ValueError, match="Sequential has no prunable layer"):
        magnitude_prune(Sequential(ReLU()), 0.5)
    x, y = classification_data()
    other = magnitude_prune(mlp(1), 0.5)
    with pytest.raises(ValueError, match="fine_tune: the Pruning was made for another model"):
        fine_tune(model, other, x, y, epochs=1)
    with pytest.raises(ValueError, match="fine_tune: expected inputs x of shape"):
        fine_tune(model, None, x, y[:10], epochs=1)
    with pytest.raises(ValueError, match="epochs must be a positive int"):
        fine_tune(model, None, x, y, epochs=0)
    assert isinstance(magnitude_prune(model, 0.0), Pruning)


def test_a_float64_model_is_fed_float64_inputs() -> None:
    x, y = classification_data()
    manual_seed(0)
    model = Sequential(Linear(8, 16, dtype=np.float64), ReLU(), Linear(16, 3, dtype=np.float64))
    pruning = magnitude_prune(model, 0.5)
    losses = fine_tune(model, pruning, x, y, epochs=2, lr=1e-2)
    assert np.all(np.isfinite(losses)) and model[0].weight.data.dtype == np.float64
    assert 0.0 <= accuracy(model, x, y) <= 1.0
