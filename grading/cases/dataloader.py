"""Differential cases of tt-dataloader (module 10): datasets, loaders, transforms, readers.

Each `case_*` gets its own `rng` (seeded by its name) and returns arrays; the
grader compares them with the reference package's. Cases import tinytorch
inside their body, so a package that does not import fails its cases only.
Shuffles and random augmentations are checked by their properties (every
sample once, reproducible with a seed, each crop a window of the padded
image), not by their exact draws, which the contract leaves open. Files in
the real formats (IDX, CIFAR-10 batches, npz) are written into a temporary
folder. Public API only: tinytorch.dataloader and the earlier modules.
"""

import numpy as np


def _xy(n=10):
    x = np.arange(n * 2, dtype=np.float32).reshape(n, 2)
    return x, np.arange(n, dtype=np.int32)


def _idx_bytes(array):
    """The IDX encoding: magic (0, 0, type, ndim), big-endian sizes, big-endian data."""
    codes = {"uint8": 0x08, "int8": 0x09, "int16": 0x0B, "int32": 0x0C, "float32": 0x0D,
             "float64": 0x0E}
    header = bytes([0, 0, codes[array.dtype.name], array.ndim])
    header += b"".join(int(d).to_bytes(4, "big") for d in array.shape)
    return header + array.astype(array.dtype.newbyteorder(">")).tobytes()


def _labels_of(loader):
    return np.concatenate([y.numpy() for _, y in loader])


def case_tensor_dataset(rng):
    """TensorDataset: len, rows as tensors (negative index too), __getitems__ as one batch."""
    from tinytorch.dataloader import TensorDataset
    from tinytorch.tensor import Tensor

    x, y = _xy()
    ds = TensorDataset(Tensor(x), y)
    xi, yi = ds[3]
    bx, by = ds.__getitems__([7, 0, -2])
    return {"len": len(ds), "x3": xi, "y3": yi, "last": ds[-1][0], "bx": bx, "by": by,
            "tensors": isinstance(xi, Tensor) and isinstance(bx, Tensor)}


def case_tensor_dataset_index_out_of_range(rng):
    """TensorDataset index 10 of 10 samples raises IndexError."""
    from tinytorch.dataloader import TensorDataset

    TensorDataset(*_xy())[10]


case_tensor_dataset_index_out_of_range.raises = "IndexError"


def case_tensor_dataset_size_mismatch(rng):
    """TensorDataset of 10 inputs and 9 labels raises ShapeError."""
    from tinytorch.dataloader import TensorDataset

    TensorDataset(np.zeros((10, 2)), np.zeros(9))


case_tensor_dataset_size_mismatch.raises = "ShapeError"


def case_subset_and_random_split(rng):
    """Subset maps indices; random_split: a seeded partition, exact with a generator, sizes."""
    from tinytorch.dataloader import Subset, TensorDataset, random_split

    x, y = _xy(20)
    ds = TensorDataset(x, y)
    sub = Subset(TensorDataset(x, y), [4, 0, 7])
    a, b = random_split(ds, [15, 5], seed=0)
    a2, _ = random_split(ds, [15, 5], seed=0)
    a3, _ = random_split(ds, [15, 5], seed=1)
    together = np.sort(np.concatenate([np.asarray(a.indices), np.asarray(b.indices)]))
    sizes = [[len(p) for p in random_split(TensorDataset(np.zeros(n)), f, seed=0)]
             for n, f in [(10, [0.5, 0.25, 0.25]), (10, [0.3, 0.3, 0.4]), (7, [1 / 3] * 3),
                          (5, [0.1, 0.9])]]
    gen = random_split(ds, [10, 10], generator=np.random.default_rng(5))[0]
    return {"sub_len": len(sub), "sub_item": sub[1][0], "sub_batch": sub.__getitems__([2, 0])[0],
            "partition": np.array_equal(together, np.arange(20)),
            "same_seed": np.array_equal(a.indices, a2.indices),
            "other_seed": not np.array_equal(a.indices, a3.indices),
            "shuffled": not np.array_equal(np.sort(a.indices), a.indices),
            "lengths": np.array([len(a), len(b)]), "fraction_sizes": np.concatenate(sizes),
            "generator_indices": np.asarray(gen.indices)}


def case_random_split_bad_lengths(rng):
    """random_split of 10 samples into [4, 5] raises ValueError."""
    from tinytorch.dataloader import TensorDataset, random_split

    random_split(TensorDataset(np.zeros(10)), [4, 5])


case_random_split_bad_lengths.raises = "ValueError"


def case_loader_batches_in_order(rng):
    """DataLoader without shuffle: batch shapes and values, int32 labels become int64, len."""
    from tinytorch.dataloader import DataLoader, TensorDataset

    batches = list(DataLoader(TensorDataset(*_xy()), batch_size=4))
    out = {f"x{i}": bx for i, (bx, _) in enumerate(batches)}
    out.update({f"y{i}": by for i, (_, by) in enumerate(batches)})
    out["lens"] = np.array([len(DataLoader(TensorDataset(*_xy(n)), batch_size=bs,
                                           drop_last=drop))
                            for n, bs, drop in [(10, 4, False), (10, 4, True), (8, 4, False),
                                                (3, 5, False), (3, 5, True), (0, 2, False)]])
    out["n_dropped"] = len(list(DataLoader(TensorDataset(*_xy()), batch_size=4, drop_last=True)))
    return out


def case_loader_shuffle_properties(rng):
    """Shuffling covers every sample once, reshuffles per epoch, repeats per seed, keeps pairs."""
    from tinytorch.dataloader import DataLoader, TensorDataset
    from tinytorch.tensor import manual_seed

    def orders(seed, n=30):
        loader = DataLoader(TensorDataset(*_xy(n)), batch_size=7, shuffle=True, seed=seed)
        return [_labels_of(loader) for _ in range(2)]

    a, b, c = orders(1), orders(1), orders(2)
    paired = all(np.array_equal(x.numpy()[:, 0], 2 * y.numpy())
                 for x, y in DataLoader(TensorDataset(*_xy(20)), batch_size=6, shuffle=True,
                                        seed=3))
    manual_seed(4)
    first = next(iter(DataLoader(TensorDataset(*_xy(30)), batch_size=30, shuffle=True)))[1]
    manual_seed(4)
    again = next(iter(DataLoader(TensorDataset(*_xy(30)), batch_size=30, shuffle=True)))[1]
    return {"complete": all(np.array_equal(np.sort(o), np.arange(30)) for o in a),
            "not_identity": not np.array_equal(a[0], np.arange(30)),
            "reshuffled": not np.array_equal(a[0], a[1]),
            "same_seed": all(np.array_equal(x, y) for x, y in zip(a, b, strict=True)),
            "other_seed": not np.array_equal(a[0], c[0]), "paired": paired,
            "manual_seed": np.array_equal(first.numpy(), again.numpy())}


def case_loader_per_sample_path_and_collate_fn(rng):
    """A dataset without __getitems__ gives the vectorised batches; collate_fn gets the samples."""
    from tinytorch.dataloader import DataLoader, Dataset, TensorDataset

    class PerSample(Dataset):
        calls = 0

        def __len__(self):
            return 9

        def __getitem__(self, i):
            PerSample.calls += 1
            return np.full((2,), float(i), dtype=np.float32), i

    xs = np.stack([np.full(2, float(i), dtype=np.float32) for i in range(9)])
    per = list(DataLoader(PerSample(), batch_size=4))
    vec = list(DataLoader(TensorDataset(xs, np.arange(9)), batch_size=4))
    seen = []

    def collate(samples):
        seen.append(len(samples))
        return np.array([s[1].item() for s in samples])

    custom = list(DataLoader(TensorDataset(*_xy(5)), batch_size=2, collate_fn=collate))
    out = {f"per{i}_{j}": t for i, batch in enumerate(per) for j, t in enumerate(batch)}
    out.update(same=all(np.array_equal(p[j].numpy(), v[j].numpy())
                        for p, v in zip(per, vec, strict=True) for j in range(2)),
               calls=PerSample.calls, custom=np.concatenate(custom), seen=np.array(seen))
    return out


def case_default_collate(rng):
    """default_collate stacks arrays, ints (int64), floats (float64) and dict fields."""
    from tinytorch.dataloader import default_collate

    x, y, z = default_collate([(np.ones(3, np.float32), 1, 0.5), (np.zeros(3, np.float32), 2, 1.5)])
    d = default_collate([{"a": 1}, {"a": 2}])
    return {"x": x, "y": y, "z": z, "dict": d["a"]}


def case_default_collate_shape_mismatch(rng):
    """default_collate of samples of shapes (2,) and (3,) raises ShapeError."""
    from tinytorch.dataloader import default_collate

    default_collate([np.zeros(2), np.zeros(3)])


case_default_collate_shape_mismatch.raises = "ShapeError"


def case_to_tensor_normalize_compose(rng):
    """ToTensor (gray, channels last), Normalize per channel, Compose, a loader's transform."""
    from tinytorch.dataloader import Compose, DataLoader, Normalize, TensorDataset, ToTensor
    from tinytorch.tensor import Tensor

    gray = rng.integers(0, 256, (3, 5, 4), dtype=np.uint8)
    rgb = rng.integers(0, 256, (2, 5, 4, 3), dtype=np.uint8)
    x = rng.random((4, 3, 5, 5)).astype(np.float32)
    mean, std = (0.1, 0.2, 0.3), (0.5, 0.25, 2.0)
    loader = DataLoader(TensorDataset(gray, np.arange(3)), batch_size=2,
                        transform=Compose([ToTensor(), Normalize(0.5, 0.25)]))
    bx, by = next(iter(loader))
    return {"gray": ToTensor()(gray), "rgb": ToTensor()(Tensor(rgb)),
            "white": ToTensor()(np.full((1, 2, 2), 255, np.uint8)),
            "normalize": Normalize(mean, std)(x),
            "normalize_tensor": Normalize(mean, std)(Tensor(x)),
            "array_stays_array": isinstance(Normalize(mean, std)(x), np.ndarray),
            "loader_x": bx, "loader_y": by}


def case_to_tensor_channels_first(rng):
    """ToTensor of a (2, 3, 8, 8) batch (channels first) raises ShapeError."""
    from tinytorch.dataloader import ToTensor

    ToTensor()(rng.integers(0, 256, (2, 3, 8, 8), dtype=np.uint8))


case_to_tensor_channels_first.raises = "ShapeError"


def case_normalize_uint8(rng):
    """Normalize of a uint8 batch (before ToTensor) raises DTypeError."""
    from tinytorch.dataloader import Normalize

    Normalize(0.5, 0.5)(rng.integers(0, 256, (1, 1, 2, 2), dtype=np.uint8))


case_normalize_uint8.raises = "DTypeError"


def case_random_crop_properties(rng):
    """RandomCrop cuts one window of the padded image per image, every shift occurs, seeded."""
    from tinytorch.dataloader import RandomCrop
    from tinytorch.tensor import Tensor

    x = np.arange(60 * 2 * 6 * 6, dtype=np.float32).reshape(60, 2, 6, 6) + 1
    out = RandomCrop(6, padding=2, seed=0)(x)
    padded = np.pad(x, ((0, 0), (0, 0), (2, 2), (2, 2)))
    offsets = set()
    for i in range(len(out)):
        hits = [(r, c) for r in range(5) for c in range(5)
                if np.array_equal(padded[i, :, r:r + 6, c:c + 6], out[i])]
        offsets.update(hits if len(hits) == 1 else [(-1, -1)])
    five = Tensor(x[:5, :1, :5].astype(np.float64))
    small = RandomCrop((4, 6), padding=(1, 0, 2, 3), seed=1)(five)
    y = rng.random((16, 1, 8, 8)).astype(np.float32)
    crop = RandomCrop(8, padding=2, seed=3)
    first, second = crop(y), crop(y)
    return {"shape": np.array(out.shape), "dtype_f32": out.dtype == np.float32,
            "one_window_each": (-1, -1) not in offsets, "shifts_seen": len(offsets),
            "small_shape": np.array(small.shape), "small_f64": small.dtype == np.float64,
            "identity": np.array_equal(RandomCrop(8)(y), y),
            "seeded": np.array_equal(RandomCrop(8, padding=2, seed=3)(y), first),
            "new_draw": not np.array_equal(first, second)}


def case_random_horizontal_flip_properties(rng):
    """RandomHorizontalFlip mirrors each image or keeps it, about half; p=1 and p=0; seeded."""
    from tinytorch.dataloader import RandomHorizontalFlip

    x = rng.random((400, 2, 3, 5)).astype(np.float32)
    out = RandomHorizontalFlip(seed=0)(x)
    flipped = np.array([np.array_equal(out[i], x[i, :, :, ::-1]) for i in range(400)])
    kept = np.array([np.array_equal(out[i], x[i]) for i in range(400)])
    return {"one_of_two": bool(np.all(flipped ^ kept)),
            "about_half": bool(150 < flipped.sum() < 250),
            "p1": np.array_equal(RandomHorizontalFlip(p=1.0)(x), x[..., ::-1]),
            "p0": np.array_equal(RandomHorizontalFlip(p=0.0)(x), x),
            "seeded": np.array_equal(RandomHorizontalFlip(seed=0)(x), out)}


def case_read_idx(rng):
    """read_idx of every IDX type, gzipped or raw (told by content), and hand-made bytes."""
    import gzip
    import os
    import tempfile

    from tinytorch.dataloader import read_idx

    out = {}
    with tempfile.TemporaryDirectory() as tmp:
        for dtype in ("uint8", "int8", "int16", "int32", "float32", "float64"):
            array = (rng.standard_normal((3, 4, 5)) * 50).astype(dtype)
            for gz in (False, True):
                path = os.path.join(tmp, f"{dtype}{gz}.gz" if not gz else f"{dtype}{gz}")
                data = _idx_bytes(array)
                with open(path, "wb") as f:
                    f.write(gzip.compress(data) if gz else data)
                out[f"{dtype}_{int(gz)}"] = read_idx(path)
        with open(os.path.join(tmp, "l.idx"), "wb") as f:
            f.write(bytes([0, 0, 8, 1, 0, 0, 0, 3, 7, 8, 9]))
        out["labels"] = read_idx(os.path.join(tmp, "l.idx"), magic=2049)
        with open(os.path.join(tmp, "s.idx"), "wb") as f:
            f.write(bytes([0, 0, 0x0B, 1, 0, 0, 0, 1, 1, 2]))
        out["big_endian"] = read_idx(os.path.join(tmp, "s.idx"))
    return out


def case_read_idx_bad_magic(rng):
    """read_idx of an HTML page saved as .gz raises BadMagicError."""
    import os
    import tempfile

    from tinytorch.dataloader import read_idx

    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "page.gz")
        with open(path, "wb") as f:
            f.write(b"<html>not found</html>")
        read_idx(path)


case_read_idx_bad_magic.raises = "BadMagicError"


def case_read_idx_truncated(rng):
    """read_idx of an IDX file one byte short raises TruncatedFileError."""
    import os
    import tempfile

    from tinytorch.dataloader import read_idx

    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "short")
        with open(path, "wb") as f:
            f.write(_idx_bytes(np.zeros((10, 28, 28), np.uint8))[:-1])
        read_idx(path)


case_read_idx_truncated.raises = "TruncatedFileError"


def case_mnist_reader(rng):
    """MNIST and FashionMNIST read IDX files (train and test): data, targets, items, batches."""
    import gzip
    import os
    import tempfile

    from tinytorch.dataloader import MNIST, DataLoader, FashionMNIST, ToTensor

    out = {}
    with tempfile.TemporaryDirectory() as tmp:
        for split, n in (("train", 12), ("t10k", 5)):
            images = rng.integers(0, 256, (n, 28, 28), dtype=np.uint8)
            labels = rng.integers(0, 10, n).astype(np.uint8)
            for kind, array in (("images-idx3", images), ("labels-idx1", labels)):
                with open(os.path.join(tmp, f"{split}-{kind}-ubyte.gz"), "wb") as f:
                    f.write(gzip.compress(_idx_bytes(array)))
        for cls in (MNIST, FashionMNIST):
            for train in (True, False):
                ds = cls(tmp, train=train)
                key = f"{cls.__name__}_{int(train)}"
                img, label = ds[2]
                bx, by = ds.__getitems__([1, 0])
                out.update({f"{key}_data": ds.data, f"{key}_targets": ds.targets,
                            f"{key}_img": img, f"{key}_label": label, f"{key}_bx": bx,
                            f"{key}_by": by, f"{key}_len": len(ds)})
        x, y = next(iter(DataLoader(MNIST(tmp), batch_size=4, transform=ToTensor())))
    out.update(loader_x=x, loader_y=y, n_classes=len(MNIST.classes))
    return out


def case_cifar10_reader(rng):
    """CIFAR10 reads the extracted binary batches: channels-last data, int64 targets."""
    import os
    import tempfile

    from tinytorch.dataloader import CIFAR10

    out = {}
    with tempfile.TemporaryDirectory() as tmp:
        folder = os.path.join(tmp, "cifar-10-batches-bin")
        os.mkdir(folder)
        names = [f"data_batch_{i}.bin" for i in range(1, 6)] + ["test_batch.bin"]
        for name, n in zip(names, (3, 2, 4, 1, 2, 3), strict=True):
            images = rng.integers(0, 256, (n, 3 * 32 * 32), dtype=np.uint8)
            labels = rng.integers(0, 10, n).astype(np.uint8)
            with open(os.path.join(folder, name), "wb") as f:
                f.write(np.concatenate([labels[:, None], images], axis=1).tobytes())
        for train in (True, False):
            ds = CIFAR10(tmp, train=train)
            out.update({f"data{int(train)}": ds.data, f"targets{int(train)}": ds.targets,
                        f"len{int(train)}": len(ds)})
    return out


def case_load_npz(rng):
    """load_npz returns the images and int64 labels of an npz file."""
    import os
    import tempfile

    from tinytorch.dataloader import load_npz

    images = rng.integers(0, 256, (6, 8, 8), dtype=np.uint8)
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "set.npz")
        np.savez(path, images=images, labels=np.arange(6, dtype=np.uint8))
        x, y = load_npz(path)
    return {"x": x, "y": y}


def case_bad_batch_size(rng):
    """DataLoader(batch_size=0) raises ValueError."""
    from tinytorch.dataloader import DataLoader, TensorDataset

    DataLoader(TensorDataset(*_xy()), batch_size=0)


case_bad_batch_size.raises = "ValueError"
