"""Module 22's compressed models are submissions too: quantised, sparse, low-rank, pruned."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from tinytorch.competition import SubmissionError, load_submission, save_submission
from tinytorch.compression import (
    low_rank,
    magnitude_prune,
    quantize_model,
    structured_prune,
    to_sparse,
)
from tinytorch.tensor import Tensor


def batch(n: int = 6, seed: int = 0) -> np.ndarray:
    return np.random.default_rng(seed).random((n, 1, 8, 8), dtype=np.float32)


def same_outputs(tmp_path: Path, model: Any, name: str) -> Any:
    """Save, load, and check the loaded model computes what `model` computes."""
    save_submission(model, tmp_path / name, "digits", name)
    loaded = load_submission(tmp_path / name)
    model.eval()
    x = Tensor(batch(seed=1))
    np.testing.assert_allclose(loaded.model(x).data, model(x).data, rtol=1e-5, atol=1e-6)
    return loaded


@pytest.mark.parametrize("bits, calibrated", [(8, False), (8, True), (4, False)])
def test_quantised_models_round_trip(tmp_path: Path, mlp: Any, bits: int,
                                     calibrated: bool) -> None:
    model = mlp(hidden=32)
    q = quantize_model(model, batch(20) if calibrated else None, bits=bits)
    loaded = same_outputs(tmp_path, q, f"q{bits}{calibrated}")
    layers = [e["layer"] for e in loaded.spec["model"]]
    assert layers == ["Flatten", "QuantizedLinear", "ReLU", "QuantizedLinear"]
    assert loaded.spec["model"][1]["args"]["bits"] == bits
    assert loaded.spec["model"][1]["args"]["quantize_input"] is calibrated


def test_a_quantised_model_is_a_smaller_file(tmp_path: Path, mlp: Any) -> None:
    model = mlp(hidden=64)
    save_submission(model, tmp_path / "float", "digits", "f")
    save_submission(quantize_model(model, None, bits=8), tmp_path / "int8", "digits", "q")
    fsize = os.path.getsize(tmp_path / "float" / "weights.npz")
    qsize = os.path.getsize(tmp_path / "int8" / "weights.npz")
    assert qsize < 0.5 * fsize  # 4x on the weights, less the fixed npz headers


def test_sparse_and_low_rank_models_round_trip(tmp_path: Path, mlp: Any) -> None:
    model = mlp(hidden=32)
    magnitude_prune(model, 0.9)
    loaded = same_outputs(tmp_path, to_sparse(model), "sparse")
    assert loaded.spec["model"][1]["layer"] == "SparseLinear"
    loaded = same_outputs(tmp_path, low_rank(mlp(hidden=32), energy=0.5, always=True), "lr")
    assert loaded.spec["model"][1]["layer"] == "LowRankLinear"


def test_a_structurally_pruned_model_round_trips(tmp_path: Path, mlp: Any) -> None:
    small = structured_prune(mlp(hidden=32), 0.5)
    loaded = same_outputs(tmp_path, small, "narrow")
    assert loaded.spec["model"][1]["args"]["out_features"] == 16


def test_a_tampered_sparse_index_is_refused_by_the_layer(tmp_path: Path, mlp: Any) -> None:
    model = mlp(hidden=32)
    magnitude_prune(model, 0.9)
    save_submission(to_sparse(model), tmp_path / "s", "digits", "s")
    arrays = dict(np.load(tmp_path / "s" / "weights.npz"))
    arrays["1.indices"] = arrays["1.indices"].copy()
    arrays["1.indices"][0] = 200  # column 200 of a 64-column matrix
    np.savez(tmp_path / "s" / "weights.npz", **arrays)
    with pytest.raises(SubmissionError, match=r"weights.npz: .*column index is outside"):
        load_submission(tmp_path / "s")


def test_quantised_codes_of_the_wrong_dtype_are_refused(tmp_path: Path, mlp: Any) -> None:
    save_submission(quantize_model(mlp(), None), tmp_path / "q", "digits", "q")
    arrays = dict(np.load(tmp_path / "q" / "weights.npz"))
    arrays["1.weight_codes"] = arrays["1.weight_codes"].astype(np.float32)
    np.savez(tmp_path / "q" / "weights.npz", **arrays)
    with pytest.raises(SubmissionError, match="weight_codes"):
        load_submission(tmp_path / "q")
