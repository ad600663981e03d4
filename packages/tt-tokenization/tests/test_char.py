"""CharTokenizer: vocabulary from a text, ids by hand, unknown symbols, files."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from tinytorch.tensor import Tensor
from tinytorch.tokenization import (
    CharTokenizer,
    TokenizerError,
    TokenizerFileError,
    UnknownTokenError,
)


def test_from_text_is_the_sorted_distinct_characters() -> None:
    tok = CharTokenizer.from_text("hello, world")
    assert tok.vocab == [" ", ",", "d", "e", "h", "l", "o", "r", "w"]
    assert tok.vocab_size == len(tok) == 9
    assert tok.encode("hold") == [4, 6, 5, 2]
    assert tok.decode([4, 3, 5, 5, 6]) == "hello"


def test_round_trip_on_its_own_text(corpus: str) -> None:
    tok = CharTokenizer.from_text(corpus)
    ids = tok.encode(corpus)
    assert len(ids) == len(corpus)
    assert tok.decode(ids) == corpus
    assert sorted(set(ids)) == list(range(tok.vocab_size))  # every character is used


def test_a_given_vocab_keeps_its_order() -> None:
    tok = CharTokenizer(["z", "a", "é", "日"])
    assert tok.encode("aé日z") == [1, 2, 3, 0]
    assert tok.decode(np.array([3, 3, 0])) == "日日z"
    assert tok.decode(Tensor(np.array([1, 0], dtype=np.int64))) == "az"
    assert tok.encode("") == [] and tok.decode([]) == ""


def test_unknown_character_is_named_with_its_position() -> None:
    tok = CharTokenizer.from_text("abc")
    with pytest.raises(UnknownTokenError, match=r"character 'é' \(U\+00E9\) at position 2 is "
                                                r"not in the vocabulary of 3 characters"):
        tok.encode("abé")
    assert issubclass(UnknownTokenError, ValueError)


@pytest.mark.parametrize("ids, message", [
    ([0, 3], r"id 3 at position 1 is not in the vocabulary \(ids 0..2\)"),
    ([-1], r"id -1 at position 0 is not in the vocabulary"),
])
def test_decode_of_an_unknown_id_is_named(ids: list[int], message: str) -> None:
    tok = CharTokenizer.from_text("abc")
    with pytest.raises(UnknownTokenError, match="CharTokenizer.decode: " + message):
        tok.decode(ids)


def test_decode_refuses_floats_and_matrices() -> None:
    tok = CharTokenizer.from_text("abc")
    with pytest.raises(TokenizerError, match="token ids must be integers, got dtype float64"):
        tok.decode([0.0, 1.0])
    with pytest.raises(TokenizerError, match=r"1-D sequence of token ids, got shape \(1, 2\)"):
        tok.decode([[0, 1]])
    with pytest.raises(TokenizerError, match="expected a sequence of token ids, got str"):
        tok.decode("ab")


@pytest.mark.parametrize("vocab, message", [
    (["a", "bc"], r"vocab\[1\] = 'bc' is not a single character"),
    (["a", 1], r"vocab\[1\] = 1 is not a single character"),
    (["a", "b", "a"], r"vocab\[2\] = 'a' \(U\+0061\) repeats vocab\[0\]"),
    ([], "the vocabulary is empty"),
])
def test_bad_vocabularies_are_named(vocab: list, message: str) -> None:
    with pytest.raises(TokenizerError, match=message):
        CharTokenizer(vocab)


def test_empty_training_text_is_an_error() -> None:
    with pytest.raises(TokenizerError, match=r"CharTokenizer\.from_text: the training "
                                             r"text is empty"):
        CharTokenizer.from_text("")
    with pytest.raises(TypeError, match="expected a str"):
        CharTokenizer.from_text(["a"])


def test_save_and_load_round_trip(tmp_path: Path, corpus: str) -> None:
    tok = CharTokenizer.from_text(corpus)
    path = tmp_path / "chars.json"
    tok.save(path)
    data = json.loads(path.read_text(encoding="utf-8"))
    assert data["format"] == "tinytorch.tokenization.CharTokenizer" and data["version"] == 1
    assert data["vocab"] == tok.vocab
    back = CharTokenizer.load(path)
    assert back.vocab == tok.vocab
    assert back.encode(corpus) == tok.encode(corpus)
    assert [p.name for p in tmp_path.iterdir()] == ["chars.json"]  # no temp file left


def test_save_replaces_an_existing_file(tmp_path: Path) -> None:
    path = tmp_path / "chars.json"
    CharTokenizer.from_text("abc").save(path)
    CharTokenizer.from_text("xyz").save(path)
    assert CharTokenizer.load(path).vocab == ["x", "y", "z"]
    assert len(list(tmp_path.iterdir())) == 1


@pytest.mark.parametrize("content, message", [
    ("{not json", "not valid JSON"),
    ("[1, 2]", "expected a JSON object, got list"),
    ('{"format": "tinytorch.tokenization.BPETokenizer", "version": 1}',
     "'format' is 'tinytorch.tokenization.BPETokenizer', expected "
     "'tinytorch.tokenization.CharTokenizer'"),
    ('{"format": "tinytorch.tokenization.CharTokenizer", "version": 7, "vocab": ["a"]}',
     "'version' is 7"),
    ('{"format": "tinytorch.tokenization.CharTokenizer", "version": 1}',
     "the field 'vocab' is missing"),
    ('{"format": "tinytorch.tokenization.CharTokenizer", "version": 1, "vocab": "ab"}',
     "'vocab' must be a list, got str"),
    ('{"format": "tinytorch.tokenization.CharTokenizer", "version": 1, "vocab": ["a", "a"]}',
     r"vocab\[1\] = 'a' \(U\+0061\) repeats vocab\[0\]"),
])
def test_load_names_what_is_wrong(tmp_path: Path, content: str, message: str) -> None:
    path = tmp_path / "bad.json"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(TokenizerFileError, match=message) as info:
        CharTokenizer.load(path)
    assert str(path) in str(info.value)
