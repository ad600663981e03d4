"""Scores are measured by the scorer, never read from the submission."""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from tinytorch.competition import (
    SubmissionError,
    load_hidden_test,
    load_submission,
    save_submission,
    score_submission,
)
from tinytorch.tensor import Tensor


def test_accuracy_is_measured_on_the_hidden_test(tmp_path: Path, mlp: Any, oracle: Any,
                                                 digits_test: Any) -> None:
    model = mlp(seed=1)
    hidden = digits_test(mlp(seed=2), n=150)  # labels of another model: a real accuracy
    save_submission(model, tmp_path / "s", "digits", "s")
    score = score_submission(load_submission(tmp_path / "s"), hidden, repeats=6)
    data = np.load(hidden)
    x = data["images"][:, None].astype(np.float32) / 16
    want = float(np.mean(oracle(model, x).argmax(axis=1) == data["labels"]))
    assert score.accuracy == want
    assert 0.05 < want < 0.95  # neither trivial value: the test could catch a wrong pipeline
    assert score.latency_ms > 0 and score.latency_iqr_ms >= 0
    assert score.file_bytes == sum(f.stat().st_size for f in (tmp_path / "s").iterdir())
    assert score.peak_memory_bytes >= 4 * (64 * 16 + 16 + 16 * 10 + 10)  # at least the weights
    assert score.loss is None


def test_known_accuracy_exactly(tmp_path: Path, mlp: Any, digits_test: Any) -> None:
    model = mlp(seed=4)
    hidden = digits_test(model, n=100, wrong=7)  # labels = its own predictions, 7 changed
    save_submission(model, tmp_path / "s", "digits", "s")
    assert score_submission(load_submission(tmp_path / "s"), hidden, repeats=6).accuracy == 0.93


def test_a_claimed_accuracy_is_refused_not_read(tmp_path: Path, mlp: Any) -> None:
    save_submission(mlp(), tmp_path / "s", "digits", "s")
    spec = json.loads((tmp_path / "s" / "spec.json").read_text())
    spec["accuracy"] = 1.0
    spec["latency_ms"] = 0.0
    (tmp_path / "s" / "spec.json").write_text(json.dumps(spec))
    with pytest.raises(SubmissionError, match=r"unknown key.*'accuracy'.*measures"):
        load_submission(tmp_path / "s")


@pytest.mark.parametrize("layers, words", [
    (lambda L, F: [F(), L(63, 10)], r"fails on the task's input of shape \(1, 1, 8, 8\)"),
    (lambda L, F: [L(8, 10)], r"maps an input of shape \(1, 1, 8, 8\) to \(1, 1, 8, 10\)"),
])
def test_a_model_that_does_not_fit_the_input_is_refused(tmp_path: Path, digits_test: Any,
                                                        mlp: Any, layers: Any,
                                                        words: str) -> None:
    from tinytorch.layers import Linear, Sequential
    from tinytorch.spatial import Flatten
    save_submission(Sequential(*layers(Linear, Flatten)), tmp_path / "s", "digits", "s")
    with pytest.raises(SubmissionError, match=words):
        score_submission(load_submission(tmp_path / "s"), digits_test(mlp()), repeats=6)


def test_a_hidden_test_of_another_task_is_refused(tmp_path: Path, mlp: Any) -> None:
    (tmp_path / "t.txt").write_text("hello world")
    save_submission(mlp(), tmp_path / "s", "digits", "s")
    with pytest.raises(SubmissionError, match="is for task 'digits' but the hidden test is "
                                              "for 'tinygpt'"):
        score_submission(load_submission(tmp_path / "s"), load_hidden_test(
            tmp_path / "t.txt", "tinygpt"), repeats=6)


@pytest.mark.parametrize("images, labels, words", [
    (lambda: np.full((4, 8, 8), 0.5, np.float32), lambda: np.zeros(4, np.int64),
     "look scaled already"),
    (lambda: np.full((4, 8, 8), 17, np.uint8), lambda: np.zeros(4, np.int64), "outside 0..16"),
    (lambda: np.zeros((4, 9, 9), np.uint8), lambda: np.zeros(4, np.int64), "needs (N, 8, 8)"),
    (lambda: np.zeros((4, 8, 8), np.uint8), lambda: np.zeros(3, np.int64), "labels must be"),
    (lambda: np.zeros((4, 8, 8), np.uint8), lambda: np.zeros(4, np.float32), "labels must be"),
])
def test_bad_hidden_tests_are_named(tmp_path: Path, images: Any, labels: Any,
                                    words: str) -> None:
    np.savez(tmp_path / "h.npz", images=images(), labels=labels())
    with pytest.raises(ValueError) as info:
        load_hidden_test(tmp_path / "h.npz", "digits")
    assert words in str(info.value)


def test_the_hidden_test_is_scaled_by_the_task(tmp_path: Path) -> None:
    np.savez(tmp_path / "h.npz", images=np.full((2, 1, 28, 28), 255, np.uint8),
             labels=np.array([1, 2]))
    test = load_hidden_test(tmp_path / "h.npz", "mnist")
    assert test.images.shape == (2, 1, 28, 28) and test.images.dtype == np.float32
    assert float(test.images.max()) == 1.0


def next_char_oracle(gpt: Any, vocab: str, text: str) -> tuple[float, float]:
    """Accuracy and loss by one forward per window, position by position (no batching)."""
    index = {c: i for i, c in enumerate(vocab)}
    ids = [index.get(c, -1) for c in text]
    block, hits, n, nll, known = gpt.config.block_size, 0, 0, 0.0, 0
    for start in range(0, len(ids) - 1, block):
        x = [max(i, 0) for i in ids[start:start + block]]
        y = ids[start + 1:start + block + 1]
        x = x[:len(y)]
        logits = np.asarray(gpt(Tensor(np.array([x]))).data[0], np.float64)
        for t, target in enumerate(y):
            n += 1
            if target < 0:
                continue
            hits += int(np.argmax(logits[t]) == target)
            row = logits[t] - logits[t].max()
            nll -= row[target] - math.log(np.exp(row).sum())
            known += 1
    return hits / n, nll / known


def test_tinygpt_accuracy_and_loss_are_measured(tmp_path: Path, tiny_gpt: Any) -> None:
    gpt, vocab = tiny_gpt(seed=5, block_size=8)
    text = "abc defgh. abba cafe! hedge bad face?" * 2 + "\nabc"  # '?' is not in the vocab
    (tmp_path / "t.txt").write_text(text, encoding="utf-8")
    for use_cache in (False, True):
        save_submission(gpt, tmp_path / f"g{use_cache}", "tinygpt", "g", vocab=vocab,
                        use_cache=use_cache)
        score = score_submission(load_submission(tmp_path / f"g{use_cache}"),
                                 tmp_path / "t.txt", repeats=6)
        gpt.eval()
        accuracy, loss = next_char_oracle(gpt, vocab, text)
        assert score.accuracy == pytest.approx(accuracy, abs=1e-12)
        assert score.loss == pytest.approx(loss, rel=1e-5)
        assert score.latency_ms > 0 and score.task == "tinygpt"
