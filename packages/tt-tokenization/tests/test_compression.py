"""chars_per_token: the compression of a tokenizer on a text."""

from __future__ import annotations

import pytest
from tinytorch.tokenization import BPETokenizer, CharTokenizer, TokenizerError, chars_per_token


def test_by_hand() -> None:
    assert chars_per_token(CharTokenizer.from_text("abc"), "abcabc") == 1.0
    assert chars_per_token(BPETokenizer(), "ascii") == 1.0  # one byte per character
    assert chars_per_token(BPETokenizer(), "éé") == 0.5  # two bytes each
    tok = BPETokenizer().train("ab ab ab", 1000)  # "ab" and " ab" are tokens
    assert chars_per_token(tok, "ab ab ab") == 8 / 3


def test_more_merges_compress_more(trained, corpus: str) -> None:
    ratios = [chars_per_token(trained(n, ()), corpus) for n in (256, 300, 400, 600)]
    assert ratios[0] < 1.0  # multi-byte characters: more bytes than characters
    assert ratios == sorted(ratios) and ratios[-1] > 2.5


def test_empty_text_is_an_error() -> None:
    with pytest.raises(TokenizerError, match="chars_per_token: needs a non-empty text"):
        chars_per_token(BPETokenizer(), "")
