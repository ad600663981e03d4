"""BPETokenizer.encode/decode: the merges applied in order, special tokens, round trips, errors."""

from __future__ import annotations

import numpy as np
import pytest
from tinytorch.tensor import Tensor
from tinytorch.tokenization import (
    BPETokenizer,
    TokenizerError,
    UnknownTokenError,
    pretokenize,
)

HELD_OUT = ("The hacker's kluge: a quick hack, 42 times; naïve café code in 日本, "
            "then 🙂 again.\n\n  Indented   text\twith tabs.")


def apply_merges_in_order(chunk: str, merges: list[tuple[int, int]]) -> list[int]:
    """The definition of BPE encoding: every merge in training order, each everywhere."""
    ids = list(chunk.encode("utf-8"))
    for k, (x, y) in enumerate(merges):
        out, i = [], 0
        while i < len(ids):
            if i + 1 < len(ids) and ids[i] == x and ids[i + 1] == y:
                out.append(256 + k)
                i += 2
            else:
                out.append(ids[i])
                i += 1
        ids = out
    return ids


@pytest.mark.parametrize("which", ["corpus", "held-out"])
def test_encode_applies_the_merges_in_training_order(trained, corpus: str, which: str) -> None:
    tok = trained(400, ())
    text = corpus if which == "corpus" else HELD_OUT
    expected = [i for chunk in pretokenize(text) for i in apply_merges_in_order(chunk,
                                                                               tok.merges)]
    assert tok.encode(text) == expected
    assert len(expected) < len(text.encode("utf-8"))  # merges did compress


def test_untrained_tokenizer_encodes_bytes() -> None:
    tok = BPETokenizer()
    assert tok.vocab_size == 256 and tok.merges == []
    assert tok.encode("é!") == [0xC3, 0xA9, 0x21]
    assert tok.decode([0xC3, 0xA9, 0x21]) == "é!"


def test_special_tokens_are_encoded_atomically(trained) -> None:
    tok = trained(400)
    eot = tok.special_tokens["<|endoftext|>"]
    ids = tok.encode("abc<|endoftext|>def<pad><|endoftext|>")
    assert ids.count(eot) == 2 and ids.count(tok.special_tokens["<pad>"]) == 1
    assert ids[ids.index(eot) - 1] != eot and tok.decode(ids[:ids.index(eot)]) == "abc"
    # a piece of a special token is ordinary text
    partial = tok.encode("<|endoftext")
    assert eot not in partial and tok.decode(partial) == "<|endoftext"


def test_the_longest_special_token_wins() -> None:
    tok = BPETokenizer(special_tokens=["<a>", "<a><b>"])
    assert tok.encode("<a><b><a>x") == [257, 256, ord("x")]


@pytest.mark.parametrize("text", [
    "", "a", " ", "\x00", "\n\n\n", "🙂", "e\u0301", "日本語のテキスト", "ÆØÅ æøå",
    "<|endoftext|>", "<|endoftext|><|endoftext|>x<pad>", "<|endofte<|endoftext|>xt|>",
    "\ufeffBOM", "tab\there", "\U0010ffff\ue000",
])
def test_decode_encode_round_trips(trained, text: str) -> None:
    tok = trained(400)
    assert tok.decode(tok.encode(text)) == text


def test_round_trip_on_seeded_random_unicode(trained) -> None:
    # the hypothesis test does this more thoroughly; this one runs without hypothesis
    tok = trained(400)
    rng = np.random.default_rng(0)
    for _ in range(50):
        points = rng.integers(0, 0x110000, size=int(rng.integers(1, 40)))
        points = points[(points < 0xD800) | (points > 0xDFFF)]  # no surrogates
        mixed = "".join(map(chr, points)) + " the hack<|endoftext|>" + "é日🙂"
        assert tok.decode(tok.encode(mixed)) == mixed


def test_decode_joins_bytes_before_decoding(trained) -> None:
    tok = BPETokenizer()
    ids = tok.encode("日")  # three bytes, three tokens
    assert len(ids) == 3 and tok.decode(ids) == "日"
    assert tok.decode(ids[:2]) == "\ufffd"  # a cut character decodes as U+FFFD


def test_decode_skips_special_tokens_on_request(trained) -> None:
    tok = trained(400)
    ids = tok.encode("hack<|endoftext|><pad>kluge")
    assert tok.decode(ids) == "hack<|endoftext|><pad>kluge"
    assert tok.decode(ids, skip_special_tokens=True) == "hackkluge"


def test_decode_takes_arrays_and_tensors(trained) -> None:
    tok = trained(400)
    ids = tok.encode("hacker kluge")
    assert tok.decode(np.array(ids)) == "hacker kluge"
    assert tok.decode(Tensor(np.array(ids, dtype=np.int64))) == "hacker kluge"


@pytest.mark.parametrize("ids, message", [
    ([65, 400], r"id 400 at position 1 is not in the vocabulary \(ids 0..399\)"),
    ([-3], r"id -3 at position 0 is not in the vocabulary"),
])
def test_decode_of_an_unknown_id_is_named(trained, ids: list[int], message: str) -> None:
    with pytest.raises(UnknownTokenError, match="BPETokenizer.decode: " + message):
        trained(400).decode(ids)


def test_lone_surrogate_is_named() -> None:
    with pytest.raises(TokenizerError, match="U\\+D800 at position 2 is a lone surrogate"):
        BPETokenizer().encode("ab\ud800")
    with pytest.raises(TypeError, match=r"BPETokenizer\.encode: expected a str, got bytes"):
        BPETokenizer().encode(b"ab")


@pytest.mark.parametrize("merges, message", [
    ([(97, 98), (256, 300)], r"merges\[1\] = \[256, 300\] uses an id outside 0..256"),
    ([(97, 98), (97, 98)], r"merges\[1\] = \[97, 98\] repeats merges\[0\]"),
    ([(97,)], r"merges\[0\] = \(97,\) is not a pair of ints"),
    ([(97, -1)], r"merges\[0\] = \[97, -1\] uses an id outside"),
])
def test_constructor_checks_merges(merges, message: str) -> None:
    with pytest.raises(TokenizerError, match=message):
        BPETokenizer(merges)


def test_constructor_from_merges_encodes_like_the_trained_one(trained, corpus: str) -> None:
    tok = trained(400)
    copy = BPETokenizer(tok.merges, list(tok.special_tokens))
    assert copy.encode(corpus) == tok.encode(corpus)
    assert repr(copy) == "BPETokenizer(vocab_size=400, merges=142, special_tokens=" \
                         "['<|endoftext|>', '<pad>'])"
