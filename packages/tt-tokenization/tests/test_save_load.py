"""BPETokenizer.save/load: JSON round trip, atomic writes, and named errors for bad files."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from tinytorch.tokenization import BPETokenizer, CharTokenizer, TokenizerFileError

FORMAT = "tinytorch.tokenization.BPETokenizer"


def test_round_trip(tmp_path: Path, trained, corpus: str) -> None:
    tok = trained(400, pad="<pad>")
    path = tmp_path / "bpe.json"
    tok.save(path)
    data = json.loads(path.read_text(encoding="utf-8"))
    assert data["format"] == FORMAT and data["version"] == 1
    assert data["merges"] == [list(m) for m in tok.merges]
    assert data["special_tokens"] == ["<|endoftext|>", "<pad>"] and data["pad_token"] == "<pad>"
    back = BPETokenizer.load(path)
    assert back.merges == tok.merges and back.vocab == tok.vocab
    assert back.special_tokens == tok.special_tokens and back.pad_token == "<pad>"
    assert back.encode(corpus) == tok.encode(corpus)
    assert [p.name for p in tmp_path.iterdir()] == ["bpe.json"]  # no temp file left


def test_save_replaces_atomically(tmp_path: Path, trained) -> None:
    path = tmp_path / "bpe.json"
    trained(400).save(path)
    BPETokenizer().save(path)
    assert BPETokenizer.load(path).merges == []
    assert len(list(tmp_path.iterdir())) == 1


def test_a_failed_save_leaves_the_old_file_and_no_temp(tmp_path: Path, trained,
                                                       monkeypatch) -> None:
    path = tmp_path / "bpe.json"
    BPETokenizer().save(path)
    before = path.read_bytes()

    def crash(src, dst):
        raise OSError("disk full")

    monkeypatch.setattr(os, "replace", crash)
    with pytest.raises(OSError, match="disk full"):
        trained(400).save(path)
    monkeypatch.undo()
    assert path.read_bytes() == before
    assert [p.name for p in tmp_path.iterdir()] == ["bpe.json"]


def good(**change) -> dict:
    return {"format": FORMAT, "version": 1, "merges": [[97, 98], [256, 99]],
            "special_tokens": ["<eot>"], "pad_token": None, **change}


@pytest.mark.parametrize("content, message", [
    (lambda: "{\"merges\": [", "not valid JSON"),
    (lambda: json.dumps(good(format="something")), "'format' is 'something', expected"),
    (lambda: json.dumps(good(version=2)), "'version' is 2"),
    (lambda: json.dumps({k: v for k, v in good().items() if k != "merges"}),
     "the field 'merges' is missing"),
    (lambda: json.dumps(good(merges={"a": 1})), "'merges' must be a list, got dict"),
    (lambda: json.dumps(good(merges=[[97, 98], [258, 99]])),
     r"merges\[1\] = \[258, 99\] uses an id outside 0..256"),
    (lambda: json.dumps(good(merges=[[97, 98], [97, 98]])), r"merges\[1\] .* repeats"),
    (lambda: json.dumps(good(merges=[[97, "b"]])), r"merges\[0\] = \[97, 'b'\] is not a pair"),
    (lambda: json.dumps(good(special_tokens=["<eot>", "<eot>"])), "'<eot>' is given twice"),
    (lambda: json.dumps(good(pad_token="<pad>")), "pad_token '<pad>' is not one of the special"),
])
def test_load_names_what_is_wrong(tmp_path: Path, content, message: str) -> None:
    path = tmp_path / "bad.json"
    path.write_text(content(), encoding="utf-8")
    with pytest.raises(TokenizerFileError, match=message) as info:
        BPETokenizer.load(path)
    assert str(path) in str(info.value)


def test_a_char_tokenizer_file_is_not_a_bpe_file(tmp_path: Path) -> None:
    path = tmp_path / "chars.json"
    CharTokenizer.from_text("abc").save(path)
    with pytest.raises(TokenizerFileError, match=r"'format' is 'tinytorch\.tokenization\."
                                                 r"CharTokenizer', expected 'tinytorch\."
                                                 r"tokenization\.BPETokenizer'"):
        BPETokenizer.load(path)


def test_binary_garbage_is_named(tmp_path: Path) -> None:
    path = tmp_path / "bad.json"
    path.write_bytes(b"\xff\xfe\x00garbage")
    with pytest.raises(TokenizerFileError, match="not a tokenizer file"):
        BPETokenizer.load(path)
