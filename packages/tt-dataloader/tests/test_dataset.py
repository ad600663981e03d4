"""TensorDataset, Subset, random_split: indexing, batches, errors, seeded splits."""

from __future__ import annotations

import numpy as np
import pytest
from tinytorch.dataloader import Dataset, Subset, TensorDataset, random_split
from tinytorch.tensor import ShapeError, Tensor, manual_seed
from tt_testing import torch_or_skip


def make_xy(n: int = 10):
    x = np.arange(n * 3, dtype=np.float32).reshape(n, 3)
    y = np.arange(n) % 4
    return x, y


def test_tensor_dataset_items_are_rows_as_tensors() -> None:
    x, y = make_xy()
    ds = TensorDataset(Tensor(x), y)
    assert len(ds) == 10
    xi, yi = ds[3]
    assert isinstance(xi, Tensor) and isinstance(yi, Tensor)
    np.testing.assert_array_equal(xi.data, x[3])
    assert yi.item() == 3
    np.testing.assert_array_equal(ds[-1][0].data, x[9])  # negative index, Python style


def test_tensor_dataset_getitems_is_one_batch() -> None:
    x, y = make_xy()
    ds = TensorDataset(x, y)
    bx, by = ds.__getitems__([7, 0, -2])
    np.testing.assert_array_equal(bx.data, x[[7, 0, 8]])
    np.testing.assert_array_equal(by.data, y[[7, 0, 8]])
    assert bx.dtype == np.float32


@pytest.mark.parametrize("index", [10, -11, 100])
def test_index_out_of_range_is_an_index_error_naming_the_length(index: int) -> None:
    ds = TensorDataset(*make_xy())
    with pytest.raises(IndexError, match=rf"TensorDataset: index {index} is out of range .* 10"):
        ds[index]
    with pytest.raises(IndexError, match="out of range for a dataset of 10 samples"):
        ds.__getitems__([0, index])


def test_tensor_dataset_size_mismatch_names_the_sizes() -> None:
    with pytest.raises(ShapeError, match=r"first dimensions \[10, 9\] differ"):
        TensorDataset(np.zeros((10, 2)), np.zeros(9))
    with pytest.raises(ValueError, match="at least one"):
        TensorDataset()


def test_dataset_base_class_needs_overrides() -> None:
    class Bare(Dataset):
        pass

    with pytest.raises(NotImplementedError, match="Bare must define __getitem__"):
        Bare()[0]


def test_subset_maps_indices_and_passes_getitems_through() -> None:
    x, y = make_xy()
    sub = Subset(TensorDataset(x, y), [4, 0, 7])
    assert len(sub) == 3
    np.testing.assert_array_equal(sub[1][0].data, x[0])
    np.testing.assert_array_equal(sub.__getitems__([2, 0])[0].data, x[[7, 4]])
    with pytest.raises(IndexError, match="index 3 is out of range for a dataset of 3"):
        sub[3]
    with pytest.raises(IndexError, match="out of range"):
        Subset(TensorDataset(x, y), [0, 10])


def test_subset_of_a_per_sample_dataset_has_no_getitems() -> None:
    class Squares(Dataset):
        def __len__(self) -> int:
            return 5

        def __getitem__(self, i: int) -> int:
            return i * i

    sub = Subset(Squares(), [3, 1])
    assert not hasattr(sub, "__getitems__")
    assert [sub[0], sub[1]] == [9, 1]


def test_random_split_is_a_seeded_partition() -> None:
    ds = TensorDataset(*make_xy(20))
    a, b = random_split(ds, [15, 5], seed=0)
    assert (len(a), len(b)) == (15, 5)
    together = np.sort(np.concatenate([a.indices, b.indices]))
    np.testing.assert_array_equal(together, np.arange(20))  # disjoint, complete
    a2, _ = random_split(ds, [15, 5], seed=0)
    np.testing.assert_array_equal(a.indices, a2.indices)
    a3, _ = random_split(ds, [15, 5], seed=1)
    assert not np.array_equal(a.indices, a3.indices)
    assert not np.array_equal(np.sort(a.indices), a.indices)  # shuffled, not a prefix


def test_random_split_without_seed_follows_manual_seed() -> None:
    ds = TensorDataset(*make_xy(20))
    manual_seed(3)
    first = random_split(ds, [10, 10])[0].indices
    manual_seed(3)
    np.testing.assert_array_equal(random_split(ds, [10, 10])[0].indices, first)
    gen = np.random.default_rng(5)
    from_gen = random_split(ds, [10, 10], generator=gen)[0].indices
    np.testing.assert_array_equal(from_gen,
                                  np.random.default_rng(5).permutation(20)[:10])


@pytest.mark.parametrize("n, fractions, sizes", [
    (10, [0.5, 0.25, 0.25], [6, 2, 2]),
    (10, [0.3, 0.3, 0.4], [3, 3, 4]),
    (7, [1 / 3, 1 / 3, 1 / 3], [3, 2, 2]),
    (5, [0.1, 0.9], [1, 4]),
])
def test_random_split_fractions_round_as_pytorch(n, fractions, sizes) -> None:
    pieces = random_split(TensorDataset(np.zeros(n)), fractions, seed=0)
    assert [len(p) for p in pieces] == sizes


def test_random_split_fraction_sizes_equal_torch() -> None:
    torch = torch_or_skip()
    for n, fractions in [(10, [0.5, 0.25, 0.25]), (7, [1 / 3] * 3), (101, [0.9, 0.1]),
                         (13, [0.2, 0.2, 0.2, 0.2, 0.2])]:
        ours = [len(p) for p in random_split(TensorDataset(np.zeros(n)), fractions, seed=0)]
        theirs = [len(p) for p in torch.utils.data.random_split(range(n), fractions)]
        assert ours == theirs, (n, fractions)


def test_random_split_bad_lengths() -> None:
    ds = TensorDataset(np.zeros(10))
    with pytest.raises(ValueError, match=r"sum of input lengths 9 does not equal .* 10"):
        random_split(ds, [4, 5])
    with pytest.raises(ValueError, match="sum to 1"):
        random_split(ds, [0.5, 0.6])
    with pytest.raises(ValueError, match="seed= or generator=, not both"):
        random_split(ds, [5, 5], seed=1, generator=np.random.default_rng(1))
