"""Batch transforms: values, layouts, seeding, errors; crops checked window by window."""

from __future__ import annotations

import numpy as np
import pytest
from tinytorch.dataloader import (
    Compose,
    Normalize,
    RandomCrop,
    RandomHorizontalFlip,
    ToTensor,
)
from tinytorch.tensor import DTypeError, ShapeError, Tensor, manual_seed
from tt_testing import torch_or_skip


def images_u8(shape, seed=0):
    return np.random.default_rng(seed).integers(0, 256, shape, dtype=np.uint8)


def test_to_tensor_gray_and_channels_last() -> None:
    gray = images_u8((3, 5, 4))
    out = ToTensor()(gray)
    assert isinstance(out, Tensor) and out.shape == (3, 1, 5, 4) and out.dtype == np.float32
    np.testing.assert_allclose(out.data[:, 0], gray / 255.0, rtol=1e-6)
    rgb = images_u8((2, 5, 4, 3), seed=1)
    out = ToTensor()(Tensor(rgb))
    assert out.shape == (2, 3, 5, 4)
    np.testing.assert_allclose(out.data[1, 2], rgb[1, :, :, 2] / 255.0, rtol=1e-6)
    assert out.data.min() >= 0 and out.data.max() <= 1
    assert ToTensor()(np.full((1, 2, 2), 255, np.uint8)).data.max() == 1.0


def test_to_tensor_equals_torch_per_image() -> None:
    torch = torch_or_skip()
    rgb = images_u8((2, 6, 5, 3))
    ours = ToTensor()(rgb).data
    theirs = torch.from_numpy(rgb).permute(0, 3, 1, 2).float().div(255).numpy()
    np.testing.assert_allclose(ours, theirs, rtol=1e-6, atol=1e-7)


def test_to_tensor_errors() -> None:
    with pytest.raises(ShapeError, match=r"channels last.*got shape \(2, 3, 8, 8\)"):
        ToTensor()(images_u8((2, 3, 8, 8)))
    with pytest.raises(ShapeError, match=r"\(N, H, W\) or \(N, H, W, C\)"):
        ToTensor()(images_u8((8, 8)))
    with pytest.raises(DTypeError, match="uint8"):
        ToTensor()(np.zeros((1, 2, 2), dtype=bool))


def test_normalize_per_channel() -> None:
    x = np.random.default_rng(0).random((4, 3, 5, 5)).astype(np.float32)
    mean, std = (0.1, 0.2, 0.3), (0.5, 0.25, 2.0)
    out = Normalize(mean, std)(x)
    assert isinstance(out, np.ndarray) and out.dtype == np.float32
    for c in range(3):
        np.testing.assert_allclose(out[:, c], (x[:, c] - mean[c]) / std[c], rtol=1e-5,
                                   atol=1e-6)
    np.testing.assert_array_equal(x, np.random.default_rng(0).random((4, 3, 5, 5))
                                  .astype(np.float32))  # input untouched
    t = Normalize(mean, std)(Tensor(x))
    assert isinstance(t, Tensor)
    torch = torch_or_skip()
    m = torch.tensor(mean).view(1, 3, 1, 1)
    s = torch.tensor(std).view(1, 3, 1, 1)
    np.testing.assert_allclose(out, ((torch.from_numpy(x) - m) / s).numpy(), rtol=1e-5,
                               atol=1e-6)


def test_normalize_errors() -> None:
    with pytest.raises(ShapeError, match="2 means and stds for a batch with 3 channels"):
        Normalize((0.1, 0.2), (1.0, 1.0))(np.zeros((1, 3, 2, 2), np.float32))
    with pytest.raises(ValueError, match="std evaluated to zero"):
        Normalize((0.1,), (0.0,))
    with pytest.raises(DTypeError, match="apply ToTensor first"):
        Normalize(0.5, 0.5)(images_u8((1, 1, 2, 2)))
    with pytest.raises(ShapeError, match=r"\(N, C, H, W\)"):
        Normalize(0.5, 0.5)(np.zeros((2, 2), np.float32))


def find_offsets(out: np.ndarray, padded: np.ndarray) -> list[tuple[int, int]]:
    """For each cropped image, the one offset in the padded image it was cut at."""
    _, _, ch, cw = out.shape
    offsets = []
    for i in range(len(out)):
        hits = [(y, x) for y in range(padded.shape[2] - ch + 1)
                for x in range(padded.shape[3] - cw + 1)
                if np.array_equal(padded[i, :, y:y + ch, x:x + cw], out[i])]
        assert len(hits) == 1, f"image {i}: matches {len(hits)} windows"
        offsets.append(hits[0])
    return offsets


def test_random_crop_cuts_one_window_per_image_from_the_padded_batch() -> None:
    # distinct values everywhere, so each window is identifiable
    x = (np.arange(200 * 2 * 6 * 6, dtype=np.float32).reshape(200, 2, 6, 6) + 1)
    out = RandomCrop(6, padding=2, seed=0)(x)
    assert out.shape == (200, 2, 6, 6) and out.dtype == np.float32
    padded = np.pad(x, ((0, 0), (0, 0), (2, 2), (2, 2)))
    offsets = find_offsets(out, padded)
    assert set(offsets) == {(y, x) for y in range(5) for x in range(5)}  # every shift occurs


def test_random_crop_smaller_size_and_asymmetric_padding() -> None:
    x = np.arange(50 * 1 * 5 * 7, dtype=np.float64).reshape(50, 1, 5, 7) + 1
    out = RandomCrop((4, 6), padding=(1, 0, 2, 3), seed=1)(Tensor(x))  # left, top, right, bottom
    assert isinstance(out, Tensor) and out.shape == (50, 1, 4, 6) and out.dtype == np.float64
    padded = np.pad(x, ((0, 0), (0, 0), (0, 3), (1, 2)))
    offsets = find_offsets(out.data, padded)
    assert {y for y, _ in offsets} == set(range(5)) and {x for _, x in offsets} == set(range(5))


def test_random_crop_without_padding_of_full_size_is_identity() -> None:
    x = np.random.default_rng(0).random((3, 2, 4, 4)).astype(np.float32)
    np.testing.assert_array_equal(RandomCrop(4)(x), x)


def test_random_crop_is_seeded() -> None:
    x = np.random.default_rng(0).random((16, 1, 8, 8)).astype(np.float32)
    a = RandomCrop(8, padding=2, seed=3)(x)
    np.testing.assert_array_equal(RandomCrop(8, padding=2, seed=3)(x), a)
    assert not np.array_equal(RandomCrop(8, padding=2, seed=4)(x), a)
    crop = RandomCrop(8, padding=2, seed=3)
    first, second = crop(x), crop(x)
    assert not np.array_equal(first, second)  # a new draw per batch
    manual_seed(0)
    b = RandomCrop(8, padding=2)(x)
    manual_seed(0)
    np.testing.assert_array_equal(RandomCrop(8, padding=2)(x), b)


def test_random_crop_errors() -> None:
    with pytest.raises(ValueError, match=r"crop size \(9, 9\) is larger than the padded input "
                                         r"image size \(8, 8\)"):
        RandomCrop(9)(np.zeros((1, 1, 8, 8), np.float32))
    with pytest.raises(ShapeError, match=r"\(N, C, H, W\)"):
        RandomCrop(2)(np.zeros((8, 8), np.float32))
    with pytest.raises(ValueError, match="padding"):
        RandomCrop(2, padding=(1, 2, 3))
    with pytest.raises(ValueError, match="size"):
        RandomCrop(0)


def test_horizontal_flip_mirrors_a_random_half() -> None:
    x = np.random.default_rng(0).random((400, 2, 3, 5)).astype(np.float32)
    out = RandomHorizontalFlip(seed=0)(x)
    flipped = np.array([np.array_equal(out[i], x[i, :, :, ::-1]) for i in range(400)])
    kept = np.array([np.array_equal(out[i], x[i]) for i in range(400)])
    assert np.all(flipped ^ kept)  # each image exactly one of the two
    assert 150 < flipped.sum() < 250
    np.testing.assert_array_equal(RandomHorizontalFlip(p=1.0)(x), x[..., ::-1])
    np.testing.assert_array_equal(RandomHorizontalFlip(p=0.0)(x), x)
    np.testing.assert_array_equal(RandomHorizontalFlip(seed=0)(x), out)
    with pytest.raises(ValueError, match="probability"):
        RandomHorizontalFlip(p=1.5)


def test_compose_runs_in_order() -> None:
    calls = []
    pipeline = Compose([lambda b: calls.append("a") or b + 1, lambda b: calls.append("b") or b * 2])
    assert pipeline(3) == 8 and calls == ["a", "b"]
    out = Compose([ToTensor(), RandomCrop(4, padding=1, seed=0),
                   Normalize((0.5,), (0.5,))])(images_u8((5, 4, 4)))
    assert out.shape == (5, 1, 4, 4) and out.dtype == np.float32
    assert out.data.min() >= -1.0 and out.data.max() <= 1.0
    assert "ToTensor()" in repr(Compose([ToTensor()]))
