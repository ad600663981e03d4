"""BPETokenizer.train: merges by hand, the tie rule, incremental training equals the reference."""

from __future__ import annotations

from collections import Counter
from itertools import pairwise

import numpy as np
import pytest
from tinytorch.tokenization import BPETokenizer, TokenizerError, pretokenize

a, b, c, d = (ord(ch) for ch in "abcd")


def test_wikipedia_example_by_hand() -> None:
    # aaabdaaabac: aa (4) -> 256; then ab (2) ties with (256, a) (2): ids (97, 98) are
    # smaller; then (256, 257) (2): the merges Z=aa, Y=ab, X=ZY of the Wikipedia article
    tok = BPETokenizer().train("aaabdaaabac", 259)
    assert tok.merges == [(a, a), (a, b), (256, 257)]
    assert tok.vocab[256:] == [b"aa", b"ab", b"aaab"]
    assert tok.encode("aaabdaaabac") == [258, d, 258, a, c]


def test_ties_go_to_the_smallest_pair_of_ids() -> None:
    # every pair occurs once: (a, b) first; then (256, c) and (c, d): (99, 100) < (256, 99)
    tok = BPETokenizer().train("abcd", 259)
    assert tok.merges == [(a, b), (c, d), (256, 257)]
    tok = BPETokenizer().train("dcba", 257)
    assert tok.merges == [(ord("b"), a)]  # (98, 97) < (99, 98) < (100, 99)


def test_merges_stay_inside_chunks_and_training_stops_when_nothing_is_left() -> None:
    # chunks "ab" (1) and " ab" (2): (a, b) x3, then (' ', 256) x2; "b " is never a pair
    tok = BPETokenizer().train("ab ab ab", 1000)
    assert tok.merges == [(a, b), (32, 256)]
    assert tok.vocab_size == 258 and tok.vocab[257] == b" ab"
    assert tok.encode("ab ab ab") == [256, 257, 257]


def test_first_merge_is_the_most_frequent_pair_of_the_chunks(corpus: str) -> None:
    counts: Counter[tuple[int, int]] = Counter()
    for piece in corpus.split("<|endoftext|>"):
        for chunk in pretokenize(piece):
            data = chunk.encode("utf-8")
            counts.update(pairwise(data))
    best = max(counts.values())
    expected = min(p for p, n in counts.items() if n == best)
    tok = BPETokenizer().train(corpus, 258, special_tokens=["<|endoftext|>"])
    assert tok.merges == [expected]


def random_text(seed: int, n: int) -> str:
    rng = np.random.default_rng(seed)
    alphabet = [*"aab  bcab\n,.é日", "\U0001f642", "aa"]
    return "".join(rng.choice(alphabet, size=n))


@pytest.mark.parametrize("text", [
    lambda corpus: corpus,
    lambda corpus: corpus.replace("<|endoftext|>", ""),
    lambda corpus: "a" * 50 + " " + "a" * 7 + " aaa" * 9,  # (a, a) runs: left-to-right merges
    lambda corpus: random_text(0, 3000),
    lambda corpus: random_text(1, 800),
    lambda corpus: "日本語のテキスト🙂🙂🙂 " * 5 + "é" * 30,
], ids=["corpus", "no-specials", "runs", "random0", "random1", "multibyte"])
def test_incremental_training_equals_the_reference(text, corpus: str) -> None:
    text = text(corpus)
    fast = BPETokenizer().train(text, 256 + 2 + 150, special_tokens=["<|endoftext|>", "<pad>"])
    slow = BPETokenizer().train_reference(text, 256 + 2 + 150,
                                          special_tokens=["<|endoftext|>", "<pad>"])
    assert fast.merges == slow.merges
    assert len(fast.merges) > 0
    assert fast.vocab == slow.vocab and fast.special_tokens == slow.special_tokens


def test_the_reference_also_stops_when_nothing_is_left() -> None:
    assert BPETokenizer().train_reference("ab ab ab", 1000).merges == [(a, b), (32, 256)]


def test_ids_bytes_then_merges_then_specials(trained) -> None:
    tok = trained(400)
    assert len(tok.merges) == 400 - 256 - 2 and tok.vocab_size == len(tok) == 400
    assert tok.special_tokens == {"<|endoftext|>": 398, "<pad>": 399}
    vocab = tok.vocab
    assert vocab[:256] == [bytes([i]) for i in range(256)]
    for k, (x, y) in enumerate(tok.merges):
        assert max(x, y) < 256 + k  # only bytes and earlier merges
        assert vocab[256 + k] == vocab[x] + vocab[y]
    assert vocab[398] == b"<|endoftext|>"


def test_special_tokens_are_not_learned_from() -> None:
    text = "ab<|endoftext|>" * 20
    with_specials = BPETokenizer().train(text, 260, special_tokens=["<|endoftext|>"])
    assert with_specials.merges == [(a, b)]  # nothing else is left: training stops
    plain = BPETokenizer().train(text, 260)  # "<|", "|>", ... count 20 each, as "ab" does
    assert plain.merges[0] == (ord("<"), ord("|")) and (a, b) in plain.merges


def test_train_replaces_what_the_tokenizer_knew() -> None:
    tok = BPETokenizer().train("abab abab", 300, special_tokens=["<x>"])
    tok.train("cdcd", 257)
    assert tok.merges == [(c, d)] and tok.special_tokens == {}


@pytest.mark.parametrize("vocab_size, specials, message", [
    (255, [], r"vocab_size=255 is smaller than the 256 byte tokens \+ 0 special tokens = 256"),
    (257, ["<a>", "<b>"], r"vocab_size=257 is smaller than .* \+ 2 special tokens = 258"),
    (300.0, [], "vocab_size must be an int, got 300.0"),
    (True, [], "vocab_size must be an int"),
])
def test_vocab_size_too_small_or_not_an_int(vocab_size, specials, message) -> None:
    with pytest.raises(TokenizerError, match=message):
        BPETokenizer().train("some text", vocab_size, special_tokens=specials)


def test_vocab_size_of_just_the_bytes_gives_no_merges() -> None:
    tok = BPETokenizer().train("some text", 257, special_tokens=["<eot>"])
    assert tok.merges == [] and tok.vocab_size == 257 and tok.special_tokens == {"<eot>": 256}


@pytest.mark.parametrize("text, message", [
    ("", "BPETokenizer.train: the training text is empty$"),
    ("<eot><eot>", r"the training text is empty \(apart from special tokens\)"),
])
def test_empty_training_text_is_an_error(text: str, message: str) -> None:
    with pytest.raises(TokenizerError, match=message):
        BPETokenizer().train(text, 300, special_tokens=["<eot>"])
    with pytest.raises(TokenizerError, match=message.replace("train:", "train_reference:")):
        BPETokenizer().train_reference(text, 300, special_tokens=["<eot>"])


@pytest.mark.parametrize("specials, pad, message", [
    ("<eot>", None, r"special_tokens must be a list of str, got the str '<eot>'"),
    (["<a>", "<a>"], None, "special token '<a>' is given twice"),
    (["<a>", ""], None, r"special_tokens\[1\] = '' is not a non-empty str"),
    (["<a>"], "<pad>", r"pad_token '<pad>' is not one of the special tokens \['<a>'\]"),
])
def test_bad_special_tokens_are_named(specials, pad, message) -> None:
    with pytest.raises(TokenizerError, match=message):
        BPETokenizer().train("some text", 300, special_tokens=specials, pad_token=pad)
