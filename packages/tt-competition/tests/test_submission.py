"""Submissions round-trip, and every way a hostile or broken one is refused, with its reason."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from tinytorch.competition import (
    SubmissionError,
    build_model,
    load_submission,
    save_submission,
)
from tinytorch.tensor import Tensor


def outputs(model: Any, x: np.ndarray) -> np.ndarray:
    model.eval()
    return np.asarray(model(Tensor(x)).data)


def images(n: int = 5, seed: int = 0) -> np.ndarray:
    return np.random.default_rng(seed).random((n, 1, 8, 8), dtype=np.float32)


def test_round_trip_gives_the_same_outputs(tmp_path: Path, mlp: Any, oracle: Any) -> None:
    model = mlp(seed=3)
    save_submission(model, tmp_path / "sub", "digits", "tiny", author="Ada")
    assert sorted(p.name for p in (tmp_path / "sub").iterdir()) == ["spec.json", "weights.npz"]
    loaded = load_submission(tmp_path / "sub")
    x = images()
    np.testing.assert_array_equal(outputs(loaded.model, x), outputs(model, x))
    np.testing.assert_allclose(outputs(loaded.model, x), oracle(model, x), rtol=1e-5, atol=1e-6)
    assert (loaded.task, loaded.name, loaded.author) == ("digits", "tiny", "Ada")
    size = sum(os.path.getsize(tmp_path / "sub" / f) for f in ("spec.json", "weights.npz"))
    assert loaded.file_bytes == size


def test_a_cnn_with_batchnorm_buffers_round_trips(tmp_path: Path) -> None:
    from tinytorch.activations import ReLU
    from tinytorch.kernels import LinearReLU
    from tinytorch.layers import Linear, Sequential
    from tinytorch.normalization import BatchNorm2d
    from tinytorch.regularization import Dropout
    from tinytorch.spatial import Conv2d, Flatten, MaxPool2d
    from tinytorch.tensor import manual_seed

    manual_seed(1)
    model = Sequential(Conv2d(1, 4, 3, padding=1), BatchNorm2d(4), ReLU(), MaxPool2d(2),
                       Flatten(), Dropout(0.2), LinearReLU(Linear(64, 16)), Linear(16, 10))
    model.train()
    model(Tensor(images(8, seed=1)))  # moves BatchNorm's running statistics off 0 and 1
    save_submission(model, tmp_path / "cnn", "digits", "cnn")
    loaded = load_submission(tmp_path / "cnn")
    assert not np.allclose(loaded.model[1].running_mean.data, 0)
    x = images(3, seed=2)
    np.testing.assert_allclose(outputs(loaded.model, x), outputs(model, x), rtol=1e-6)


def test_a_tinygpt_round_trips_with_its_vocab(tmp_path: Path, tiny_gpt: Any) -> None:
    gpt, vocab = tiny_gpt(seed=2)
    save_submission(gpt, tmp_path / "g", "tinygpt", "g", vocab=vocab, use_cache=True)
    loaded = load_submission(tmp_path / "g")
    assert loaded.spec["vocab"] == vocab and loaded.spec["generate"] == {"use_cache": True}
    ids = np.array([[1, 2, 3, 4]])
    gpt.eval()
    np.testing.assert_allclose(outputs(loaded.model, ids), np.asarray(gpt(Tensor(ids)).data),
                               rtol=1e-6)


def test_save_refuses_a_layer_outside_the_registry(tmp_path: Path) -> None:
    from tinytorch.layers import Linear, Module, Sequential

    class Sneaky(Module):
        def forward(self, x: Any) -> Any:
            return x

    with pytest.raises(SubmissionError, match="layer 1 is a Sneaky, which the submission "
                                              "format does not know"):
        save_submission(Sequential(Linear(64, 10), Sneaky()), tmp_path / "s", "digits", "s")
    assert not (tmp_path / "s").exists()


def test_save_refuses_a_float64_model_by_key(tmp_path: Path) -> None:
    from tinytorch.layers import Linear, Sequential
    model = Sequential(Linear(64, 10, dtype=np.float64))
    with pytest.raises(SubmissionError, match=r"'0.weight' is float64.*expects float32"):
        save_submission(model, tmp_path / "s", "digits", "s")


@pytest.fixture
def saved(tmp_path: Path, mlp: Any) -> Path:
    return save_submission(mlp(), tmp_path / "sub", "digits", "tiny")


def reason(path: Path, **kw: Any) -> str:
    with pytest.raises(SubmissionError) as info:
        load_submission(path, **kw)
    assert info.value.submission == str(path)
    return info.value.reason


def test_weights_with_the_wrong_shape_are_named(saved: Path) -> None:
    arrays = dict(np.load(saved / "weights.npz"))
    arrays["1.weight"] = np.zeros((16, 63), np.float32)
    np.savez(saved / "weights.npz", **arrays)
    assert reason(saved) == ("weights.npz: '1.weight' has shape (16, 63), the spec's model "
                             "expects (16, 64)")


def test_missing_and_unexpected_keys_are_named(saved: Path) -> None:
    arrays = dict(np.load(saved / "weights.npz"))
    arrays["9.weight"] = arrays.pop("3.bias")
    np.savez(saved / "weights.npz", **arrays)
    text = reason(saved)
    assert "missing key(s) '3.bias'" in text and "unexpected key(s) '9.weight'" in text


def test_a_pickle_inside_the_npz_is_refused(saved: Path) -> None:
    arrays = dict(np.load(saved / "weights.npz"))
    arrays["1.weight"] = np.array([{"payload": "os.system"}], dtype=object)
    np.savez(saved / "weights.npz", **arrays)  # np.savez pickles object arrays
    assert "pickle inside the npz" in reason(saved)


def test_over_the_size_limit_is_refused_before_reading(saved: Path) -> None:
    (saved / "spec.json").write_text("{ not json", encoding="utf-8")  # never read
    size = sum(os.path.getsize(saved / f) for f in ("spec.json", "weights.npz"))
    text = reason(saved, max_bytes=size - 1)
    assert text == (f"the submission is {size} bytes (spec.json + weights.npz), over the size "
                    f"limit of {size - 1} bytes")
    assert "not valid JSON" in reason(saved, max_bytes=size)


def test_a_zip_bomb_is_refused_by_its_unpacked_size(saved: Path) -> None:
    arrays = dict(np.load(saved / "weights.npz"))
    arrays["1.weight"] = np.zeros((16, 64), np.float32)
    arrays["pad"] = np.zeros(2_000_000, np.uint8)  # 2 MB of zeros deflate to kilobytes
    np.savez_compressed(saved / "weights.npz", **arrays)
    assert os.path.getsize(saved / "weights.npz") < 100_000
    assert "unpacks to" in reason(saved, max_bytes=1_000_000)


def test_a_spec_asking_for_huge_layers_is_refused_before_building(saved: Path) -> None:
    spec = json.loads((saved / "spec.json").read_text())
    spec["model"][1]["args"] = {"in_features": 1 << 20, "out_features": 1 << 20}
    (saved / "spec.json").write_text(json.dumps(spec))
    assert "the layers would hold" in reason(saved)


@pytest.mark.parametrize("damage, words", [
    (lambda d: (d / "spec.json").unlink(), "missing file spec.json"),
    (lambda d: (d / "weights.npz").unlink(), "missing file weights.npz"),
    (lambda d: (d / "spec.json").write_text("[1, 2"), "spec.json is not valid JSON"),
    (lambda d: (d / "spec.json").write_text('{"format": NaN}'), "not valid JSON"),
    (lambda d: (d / "weights.npz").write_bytes(b"PK\x03\x04junk"), "not an npz"),
    (lambda d: (d / "spec.json").write_bytes(b"\xff\xfe"), "not valid JSON"),
])
def test_broken_files_are_refused(saved: Path, damage: Any, words: str) -> None:
    damage(saved)
    assert words in reason(saved)


def test_a_symlink_out_of_the_submission_is_refused(saved: Path, tmp_path: Path) -> None:
    outside = tmp_path / "other.npz"
    os.replace(saved / "weights.npz", outside)
    (saved / "weights.npz").symlink_to(outside)
    assert "symlink out of the submission directory" in reason(saved)


def test_not_a_directory(tmp_path: Path) -> None:
    (tmp_path / "file").write_text("x")
    assert "not a directory" in reason(tmp_path / "file")


def test_build_model_matches_the_saved_spec(saved: Path) -> None:
    spec = json.loads((saved / "spec.json").read_text())
    model = build_model(spec)
    assert [type(layer).__name__ for layer in model] == ["Flatten", "Linear", "ReLU", "Linear"]


def test_a_fused_model_round_trips(tmp_path: Path, mlp: Any) -> None:
    from tinytorch.kernels import use_fused

    model = mlp(seed=5)
    x = images(4, seed=5)
    want = outputs(model, x)
    use_fused(model)  # LinearReLU in slot 1, the identity FusedAway in slot 2
    save_submission(model, tmp_path / "f", "digits", "fused")
    loaded = load_submission(tmp_path / "f")
    assert [e["layer"] for e in loaded.spec["model"]] == ["Flatten", "LinearReLU", "FusedAway",
                                                          "Linear"]
    np.testing.assert_allclose(outputs(loaded.model, x), want, rtol=1e-6, atol=1e-7)
