"""DataLoader: batches, length, epochs, seeds, both fetch paths, transforms, errors."""

from __future__ import annotations

import numpy as np
import pytest
from tinytorch.dataloader import (
    Compose,
    DataLoader,
    Dataset,
    Normalize,
    Subset,
    TensorDataset,
    ToTensor,
    default_collate,
)
from tinytorch.tensor import ShapeError, Tensor, manual_seed
from tt_testing import torch_or_skip


def make_ds(n: int = 10) -> TensorDataset:
    x = np.arange(n * 2, dtype=np.float32).reshape(n, 2)
    return TensorDataset(x, np.arange(n, dtype=np.int32))


class PerSample(Dataset):
    """A dataset without __getitems__: the loader must collate sample by sample."""

    def __init__(self, n: int) -> None:
        self.n = n
        self.calls = 0

    def __len__(self) -> int:
        return self.n

    def __getitem__(self, i: int):
        self.calls += 1
        return np.full((2,), float(i), dtype=np.float32), i


def test_batches_in_order_without_shuffle() -> None:
    batches = list(DataLoader(make_ds(10), batch_size=4))
    assert [b[0].shape for b in batches] == [(4, 2), (4, 2), (2, 2)]
    assert all(isinstance(t, Tensor) for b in batches for t in b)
    np.testing.assert_array_equal(np.concatenate([b[1].data for b in batches]), np.arange(10))
    assert batches[0][0].dtype == np.float32
    assert batches[0][1].dtype == np.int64  # int32 labels become int64 class indices


@pytest.mark.parametrize("n, bs, drop_last, expected", [
    (10, 4, False, 3), (10, 4, True, 2), (8, 4, False, 2), (8, 4, True, 2),
    (3, 5, False, 1), (3, 5, True, 0), (0, 2, False, 0),
])
def test_len_is_the_number_of_batches(n, bs, drop_last, expected) -> None:
    loader = DataLoader(make_ds(n), batch_size=bs, drop_last=drop_last)
    assert len(loader) == expected
    assert len(list(loader)) == expected


def test_len_equals_torch() -> None:
    torch = torch_or_skip()
    for n, bs, drop in [(10, 4, False), (10, 4, True), (64, 64, True), (65, 64, False)]:
        theirs = len(torch.utils.data.DataLoader(range(n), batch_size=bs, drop_last=drop))
        assert len(DataLoader(make_ds(n), batch_size=bs, drop_last=drop)) == theirs


def test_shuffle_covers_every_sample_once_and_reshuffles_each_epoch() -> None:
    loader = DataLoader(make_ds(50), batch_size=8, shuffle=True, seed=0)
    epochs = [np.concatenate([y.data for _, y in loader]) for _ in range(3)]
    for order in epochs:
        np.testing.assert_array_equal(np.sort(order), np.arange(50))
    assert not np.array_equal(epochs[0], np.arange(50))
    assert not np.array_equal(epochs[0], epochs[1])  # a new order every epoch


def test_same_seed_same_orders_different_seed_different() -> None:
    def orders(seed):
        loader = DataLoader(make_ds(30), batch_size=7, shuffle=True, seed=seed)
        return [np.concatenate([y.data for _, y in loader]) for _ in range(2)]

    a, b, c = orders(1), orders(1), orders(2)
    for x, y in zip(a, b, strict=True):
        np.testing.assert_array_equal(x, y)
    assert not np.array_equal(a[0], c[0])


def test_no_seed_follows_manual_seed() -> None:
    def first_order():
        loader = DataLoader(make_ds(30), batch_size=30, shuffle=True)
        return next(iter(loader))[1].data

    manual_seed(4)
    a = first_order()
    manual_seed(4)
    np.testing.assert_array_equal(first_order(), a)


def test_inputs_and_labels_stay_paired_when_shuffled() -> None:
    for _ in range(2):
        for x, y in DataLoader(make_ds(20), batch_size=6, shuffle=True, seed=3):
            np.testing.assert_array_equal(x.data[:, 0], 2 * y.data)


def test_per_sample_path_equals_vectorised_path() -> None:
    per_sample = PerSample(9)
    xs = np.stack([np.full(2, float(i), dtype=np.float32) for i in range(9)])
    vectorised = TensorDataset(xs, np.arange(9))
    for a, b in zip(DataLoader(per_sample, batch_size=4, shuffle=True, seed=5),
                    DataLoader(vectorised, batch_size=4, shuffle=True, seed=5), strict=True):
        np.testing.assert_array_equal(a[0].data, b[0].data)
        np.testing.assert_array_equal(a[1].data, b[1].data)
        assert a[1].dtype == b[1].dtype == np.int64
    assert per_sample.calls == 9


def test_getitems_is_used_when_present() -> None:
    class Counting(TensorDataset):
        batches = 0

        def __getitem__(self, i):
            raise AssertionError("per-sample path used")

        def __getitems__(self, indices):
            Counting.batches += 1
            return super().__getitems__(indices)

    ds = Counting(np.zeros((10, 2), np.float32), np.arange(10))
    assert len(list(DataLoader(ds, batch_size=3))) == 4
    assert Counting.batches == 4
    assert len(list(DataLoader(Subset(ds, [1, 2, 3]), batch_size=2))) == 2
    assert Counting.batches == 6


def test_collate_fn_gets_the_list_of_samples() -> None:
    seen = []

    def collate(samples):
        seen.append(len(samples))
        return [s[1].item() for s in samples]

    out = list(DataLoader(make_ds(5), batch_size=2, collate_fn=collate))
    assert out == [[0, 1], [2, 3], [4]]
    assert seen == [2, 2, 1]


def test_default_collate_stacks_fields_like_torch() -> None:
    batch = default_collate([(np.ones(3, np.float32), 1, 0.5), (np.zeros(3, np.float32), 2, 1.5)])
    x, y, z = batch
    np.testing.assert_array_equal(x.data, [[1, 1, 1], [0, 0, 0]])
    assert y.dtype == np.int64 and y.tolist() == [1, 2]
    assert z.dtype == np.float64 and z.tolist() == [0.5, 1.5]
    d = default_collate([{"a": 1}, {"a": 2}])
    assert d["a"].tolist() == [1, 2]
    with pytest.raises(ShapeError, match="different shapes"):
        default_collate([np.zeros(2), np.zeros(3)])
    torch = torch_or_skip()
    theirs = torch.utils.data.default_collate([(1, 0.5), (2, 1.5)])
    assert str(theirs[0].dtype) == "torch.int64" and str(theirs[1].dtype) == "torch.float64"


def test_transform_applies_to_the_inputs_of_each_batch() -> None:
    images = np.random.default_rng(0).integers(0, 256, (10, 4, 4), dtype=np.uint8)
    ds = TensorDataset(images, np.arange(10))
    loader = DataLoader(ds, batch_size=4, transform=Compose([ToTensor(), Normalize(0.5, 0.25)]))
    x, y = next(iter(loader))
    assert x.shape == (4, 1, 4, 4) and x.dtype == np.float32
    np.testing.assert_allclose(x.data[:, 0], (images[:4] / 255 - 0.5) / 0.25, rtol=1e-5,
                               atol=1e-5)
    assert y.tolist() == [0, 1, 2, 3]


@pytest.mark.parametrize("bad", [0, -1, 2.5, True, None])
def test_bad_batch_size_is_named(bad) -> None:
    with pytest.raises(ValueError, match=rf"batch_size should be a positive integer value, "
                                         rf"but got batch_size={bad!r}"):
        DataLoader(make_ds(), batch_size=bad)


def test_seed_and_generator_are_exclusive_and_checked() -> None:
    with pytest.raises(ValueError, match="not both"):
        DataLoader(make_ds(), seed=0, generator=np.random.default_rng(0))
    with pytest.raises(ValueError, match="seed must be a non-negative int"):
        DataLoader(make_ds(), seed=-1)
    with pytest.raises(TypeError, match="__len__ and __getitem__"):
        DataLoader(5)
