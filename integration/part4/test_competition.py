"""Part IV's finale across packages: a class of real digits submissions, optimised and scored.

A digits MLP (64-128-10, tt-layers + ReLU, trained with tt-compression's `fine_tune`, Adam)
learns from 1197 of the 1497 images of milestones/data/digits.npz, fed as the competition
feeds them (pixels / 16, (N, 1, 8, 8)); the other 300 are the hidden test, kept as raw pixels.
The class: the baseline, the same model with tt-kernels' `use_fused` (LinearReLU), int8 and
int4 (`quantize_model`, calibrated on training images), 90% magnitude-pruned, fine-tuned and
stored sparse (`to_sparse`), plus two broken submissions (a pickle in the npz, a spec that
claims its accuracy). `score_class(jobs=2)` must

- score the five good ones and refuse the two with their reasons;
- measure accuracies equal to tt-compression's `accuracy` on the same images (an independent
  path), the fused model exactly the baseline's, int8 within 1 point of it;
- see the compressed files really smaller (int8 < 1/2.5, sparse < 1/4 of the baseline);
- pick as winners what the results say (smallest = fewest bytes above the floor, ...).

And a TinyGPT pair (the same weights with and without the KV cache) scores the same accuracy
and loss. No timing is asserted; every latency is only checked to be measured (> 0).
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import numpy as np
import pytest

pytestmark = pytest.mark.requires("tt-competition")

DIGITS = Path(__file__).resolve().parents[2] / "milestones" / "data" / "digits.npz"
HIDDEN = 300


@pytest.fixture(scope="module")
def klass(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    from tinytorch.activations import ReLU
    from tinytorch.competition import load_submission, save_submission
    from tinytorch.compression import fine_tune, magnitude_prune, quantize_model, to_sparse
    from tinytorch.kernels import use_fused
    from tinytorch.layers import Linear, Sequential
    from tinytorch.spatial import Flatten
    from tinytorch.tensor import manual_seed

    with np.load(DIGITS, allow_pickle=False) as f:
        images, labels = f["images"], f["labels"].astype(np.int64)
    order = np.random.default_rng(0).permutation(len(labels))
    train, hidden = order[HIDDEN:], order[:HIDDEN]
    x = images[train][:, None].astype(np.float32) / np.float32(16)
    y = labels[train]
    root = tmp_path_factory.mktemp("competition")
    np.savez(root / "hidden.npz", images=images[hidden], labels=labels[hidden])

    manual_seed(0)
    model = Sequential(Flatten(), Linear(64, 128), ReLU(), Linear(128, 10))
    fine_tune(model, None, x, y, epochs=30, lr=3e-3, batch_size=64, seed=0)
    subs = root / "class"
    save_submission(model, subs / "baseline", "digits", "baseline", author="ref")
    fused = load_submission(subs / "baseline").model
    use_fused(fused)
    save_submission(fused, subs / "fused", "digits", "fused")
    save_submission(quantize_model(model, x[:256]), subs / "int8", "digits", "int8")
    save_submission(quantize_model(model, x[:256], bits=4), subs / "int4", "digits", "int4")
    pruned = load_submission(subs / "baseline").model
    pruning = magnitude_prune(pruned, 0.9)
    fine_tune(pruned, pruning, x, y, epochs=30, lr=3e-3, batch_size=64, seed=0)
    save_submission(to_sparse(pruned), subs / "sparse", "digits", "sparse 90%")

    save_submission(model, subs / "pickled", "digits", "pickled")
    arrays = dict(np.load(subs / "pickled" / "weights.npz"))
    arrays["3.bias"] = np.array([{"rm": "-rf"}] * 10, dtype=object)
    np.savez(subs / "pickled" / "weights.npz", **arrays)
    save_submission(model, subs / "claims", "digits", "claims")
    spec = json.loads((subs / "claims" / "spec.json").read_text())
    (subs / "claims" / "spec.json").write_text(json.dumps({**spec, "accuracy": 1.0}))
    return {"root": root, "subs": subs, "hidden": root / "hidden.npz",
            "x_test": images[hidden][:, None].astype(np.float32) / np.float32(16),
            "y_test": labels[hidden]}


@pytest.fixture(scope="module")
def results(klass: dict[str, Any]) -> dict[str, Any]:
    from tinytorch.competition import score_class
    return {r.id: r for r in score_class(klass["subs"], klass["hidden"], jobs=2, repeats=6)}


def test_good_submissions_are_scored_and_broken_ones_refused(results: dict[str, Any]) -> None:
    assert sorted(r for r in results if results[r].scored) == [
        "baseline", "fused", "int4", "int8", "sparse"]
    assert "pickle inside the npz" in results["pickled"].reason
    assert "unknown key(s) 'accuracy'" in results["claims"].reason
    assert all(results[r].score.latency_ms > 0 for r in results if results[r].scored)


def test_accuracies_are_measured(klass: dict[str, Any], results: dict[str, Any]) -> None:
    from tinytorch.competition import load_submission
    from tinytorch.compression import accuracy

    for name, result in results.items():
        if result.scored:
            model = load_submission(klass["subs"] / name).model
            assert result.score.accuracy == pytest.approx(
                accuracy(model, klass["x_test"], klass["y_test"]), abs=1e-12), name
    base = results["baseline"].score.accuracy
    assert base >= 0.90  # the digits floor
    assert results["fused"].score.accuracy == base
    assert results["int8"].score.accuracy >= base - 0.01
    print({n: r.score.accuracy for n, r in results.items() if r.scored})


def test_compressed_files_are_smaller(results: dict[str, Any]) -> None:
    size = {n: r.score.file_bytes for n, r in results.items() if r.scored}
    print(size)
    assert size["int8"] < size["baseline"] / 2.5
    assert size["int4"] < size["int8"]
    assert size["sparse"] < size["baseline"] / 4
    assert size["fused"] == pytest.approx(size["baseline"], rel=0.02)  # same arrays


def test_winners_follow_the_results(klass: dict[str, Any], results: dict[str, Any],
                                    tmp_path: Path) -> None:
    from tinytorch.competition import leaderboard, write_leaderboard

    board = leaderboard(list(results.values()), "digits")
    winners = {e["id"]: e["winner"] for e in board["events"]}
    above = [r for r in results.values() if r.scored and r.score.accuracy >= 0.90]
    assert winners["smallest"] == min(above, key=lambda r: r.score.file_bytes).name
    assert winners["lowest-memory"] == min(above,
                                           key=lambda r: r.score.peak_memory_bytes).name
    assert winners["fastest"] == min(above, key=lambda r: r.score.latency_ms).name
    paths = write_leaderboard(board, tmp_path)
    assert json.loads(paths["json"].read_text())["rows"][-1]["status"] == "refused"
    assert "sparse 90%" in paths["html"].read_text()


def test_the_cli_scores_the_class(klass: dict[str, Any], tmp_path: Path) -> None:
    done = subprocess.run([sys.executable, "-m", "tinytorch.competition", "score",
                           "--submissions", str(klass["subs"]), "--hidden-test",
                           str(klass["hidden"]), "--jobs", "2", "--repeats", "6",
                           "--out", str(tmp_path)], capture_output=True, text=True,
                          timeout=600)
    assert done.returncode == 0, done.stderr
    assert "| baseline |" in done.stdout and "pickle inside the npz" in done.stdout


def test_tinygpt_with_and_without_the_cache(tmp_path: Path) -> None:
    from tinytorch.competition import load_submission, save_submission, score_submission
    from tinytorch.tensor import manual_seed
    from tinytorch.transformers import GPT, GPTConfig

    text = (Path(__file__).resolve().parents[2] / "milestones" / "data" / "jargon.txt"
            ).read_text(encoding="utf-8")[:3000]
    vocab = "".join(sorted(set(text)))
    manual_seed(0)
    gpt = GPT(GPTConfig(vocab_size=len(vocab), block_size=32, n_layer=1, n_head=2,
                        n_embd=16))
    (tmp_path / "hidden.txt").write_text(text[1000:], encoding="utf-8")
    scores = {}
    for cache in (False, True):
        save_submission(gpt, tmp_path / str(cache), "tinygpt", f"cache={cache}", vocab=vocab,
                        use_cache=cache)
        scores[cache] = score_submission(load_submission(tmp_path / str(cache)),
                                         tmp_path / "hidden.txt", repeats=6)
    assert scores[True].accuracy == scores[False].accuracy
    assert scores[True].loss == pytest.approx(scores[False].loss, rel=1e-12)
    assert scores[True].latency_ms > 0 and scores[False].latency_ms > 0
