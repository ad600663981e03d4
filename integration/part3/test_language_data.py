"""What gpt_2018 and its PyTorch twin share (milestones/language.py), checked in-process.

The twin can only be a twin if both frameworks see the same numbers: the
split, the token ids, the batch windows, the learning rate at each step and
the evaluation windows. These tests pin those down on small inputs, and the
text loader the milestone's `--test-data` uses (milestones/harness.py).
"""

from __future__ import annotations

import hashlib
import importlib
import sys
from pathlib import Path
from types import ModuleType

import numpy as np
import pytest

pytestmark = pytest.mark.requires("tt-tokenization")

MILESTONES = Path(__file__).resolve().parents[2] / "milestones"


def milestone_module(name: str) -> ModuleType:
    if str(MILESTONES) not in sys.path:
        sys.path.append(str(MILESTONES))
    return importlib.import_module(name)


@pytest.fixture(scope="module")
def language() -> ModuleType:
    return milestone_module("language")


def test_the_validation_split_is_the_contiguous_last_tenth(language: ModuleType) -> None:
    text = "".join(chr(97 + i % 26) for i in range(1000))
    train, val = language.split(text)
    assert train + val == text and len(val) == 100
    jargon = language.load_corpus("jargon")
    train, val = language.split(jargon)
    assert len(jargon) == 1180036 and train + val == jargon
    assert len(val) == int(len(jargon) * 0.1)


def test_char_vocabulary_covers_ascii_and_the_training_text(language: ModuleType) -> None:
    tok = language.make_tokenizer("char", "\u00e9t\u00e9 x")
    assert tok.vocab_size == 96 + 1  # printable ASCII + newline + the one accented letter
    assert language.unknown_characters(tok, "plain ASCII\n~{}|") == {}
    unknown = language.unknown_characters(tok, "ab\n\u00fc\u00df\u00fc")
    assert unknown == {"\u00fc": 3, "\u00df": 4}
    assert language.describe_unknown(unknown, "ab\n\u00fc\u00df\u00fc") == (
        "'\u00fc' (U+00FC) at line 2, column 1, '\u00df' (U+00DF) at line 2, column 2")
    bpe = language.make_tokenizer("bpe", "some text, some more text " * 20, vocab_size=270)
    assert language.unknown_characters(bpe, "\u00fc\u00df") == {}


@pytest.mark.parametrize("kind", ["char", "bpe"])
def test_characters_predicted_exclude_the_first_token(language: ModuleType, kind: str) -> None:
    text = "the quick brown fox jumps over the lazy dog. " * 10
    tok = language.make_tokenizer(kind, text, vocab_size=300)
    tokens = language.encode(tok, text)
    first = tok.decode(tokens.ids[:1].tolist())
    assert text.startswith(first) and tokens.chars == len(text) - len(first)
    assert tokens.predicted == len(tokens.ids) - 1
    if kind == "char":
        assert tokens.chars == tokens.predicted


@pytest.mark.parametrize("n, block", [(10, 4), (9, 4), (2, 4), (65, 64)])
def test_eval_windows_predict_every_token_but_the_first_once(language: ModuleType, n: int,
                                                             block: int) -> None:
    ids = np.arange(100, 100 + n)
    x, y = language.eval_windows(ids, block)
    assert x.shape == y.shape and x.shape[1] == block
    kept = y != language.IGNORE
    assert np.array_equal(y[kept], ids[1:])  # each target once, in order
    assert np.array_equal(x[kept], ids[:-1])  # predicted from the token before it
    assert np.all(x[~kept] == 0) and kept.sum() == n - 1
    assert kept[:-1].all()  # only the last window is padded
    sub_x, sub_y = language.probe(x, y, 2)
    assert np.array_equal(sub_y[-1], y[-1])  # first and last windows, spread between
    assert len(sub_x) == min(2, len(x)) and np.array_equal(sub_x[0], x[0])


def test_batches_are_seeded_in_bounds_and_shifted_by_one(language: ModuleType) -> None:
    starts = language.batch_starts(7, steps=50, n_tokens=100, block=8, batch=4)
    again = language.batch_starts(7, steps=50, n_tokens=100, block=8, batch=4)
    other = language.batch_starts(8, steps=50, n_tokens=100, block=8, batch=4)
    assert starts.shape == (50, 4) and np.array_equal(starts, again)
    assert not np.array_equal(starts, other)
    assert starts.min() >= 0 and starts.max() == 100 - 8 - 1  # the last window fits
    ids = np.arange(1000, 1100)
    x, y = language.batch(ids, starts[0], 8)
    assert x.shape == y.shape == (4, 8)
    assert np.array_equal(y, x + 1) and np.array_equal(x[:, 0], ids[starts[0]])
    with pytest.raises(ValueError, match="block_size"):
        language.batch_starts(0, 1, n_tokens=9, block=8, batch=1)


def test_learning_rate_warms_up_then_decays_to_the_minimum(language: ModuleType) -> None:
    cfg = language.DEFAULT.replace(steps=1000, warmup=100, lr=1e-3, min_lr=1e-4)
    rates = [language.learning_rate(s, cfg) for s in range(cfg.steps)]
    assert rates[0] == pytest.approx(1e-5) and rates[99] == pytest.approx(1e-3)
    assert rates[100] == pytest.approx(1e-3)
    assert np.all(np.diff(rates[:100]) > 0) and np.all(np.diff(rates[100:]) < 0)
    assert rates[550] == pytest.approx(0.5 * (1e-3 + 1e-4))  # the cosine's middle
    assert rates[-1] == pytest.approx(1e-4, rel=1e-4)
    assert language.learning_rate(5000, cfg) == pytest.approx(1e-4)


def test_the_default_configuration_is_the_issues(language: ModuleType) -> None:
    d, q = language.DEFAULT, language.QUICK
    assert (d.n_layer, d.n_embd, d.n_head, d.block_size, d.batch_size) == (4, 128, 4, 64, 32)
    assert (q.n_layer, q.n_embd) == (2, 64) and q.steps < d.steps


def test_fetch_keeps_only_a_verified_download(language: ModuleType, tmp_path: Path) -> None:
    harness = milestone_module("harness")
    source = tmp_path / "source.txt"
    source.write_bytes(b"To be, or not to be\n")
    sha = hashlib.sha256(source.read_bytes()).hexdigest()
    dest = tmp_path / "out" / "input.txt"
    assert language.fetch(source.as_uri(), dest, sha) == dest
    assert dest.read_bytes() == source.read_bytes()
    with pytest.raises(harness.DataError, match=r"SHA-256 .* discarded"):
        language.fetch(source.as_uri(), tmp_path / "bad" / "input.txt", "0" * 64)
    assert list((tmp_path / "bad").iterdir()) == []
    with pytest.raises(OSError):
        language.fetch((tmp_path / "missing").as_uri(), tmp_path / "gone" / "x.txt", sha)
    assert list((tmp_path / "gone").iterdir()) == []


def test_load_text_normalises_line_ends_and_names_faults(tmp_path: Path) -> None:
    harness = milestone_module("harness")
    f = tmp_path / "t.txt"
    f.write_bytes(b"\xef\xbb\xbfone\r\ntwo\rthree\n")
    assert harness.load_text(f) == "one\ntwo\nthree\n"
    f.write_bytes(b"ok \xc3")
    with pytest.raises(harness.DataError, match=r"not UTF-8 .*offset 3"):
        harness.load_text(f)
    with pytest.raises(harness.DataError, match="cannot be read"):
        harness.load_text(tmp_path / "missing.txt")


def test_a_loss_metric_passes_below_its_target() -> None:
    harness = milestone_module("harness")
    assert harness.lower_is_better("val_loss") and harness.lower_is_better("loss")
    assert not harness.lower_is_better("test_accuracy")
    assert not harness.lower_is_better("score")
