"""pretokenize: GPT-2's split (words with their space, numbers, punctuation, whitespace)."""

from __future__ import annotations

import pytest
from tinytorch.tokenization import pretokenize


@pytest.mark.parametrize("text, chunks", [
    ("Hello world, it's 2018!", ["Hello", " world", ",", " it", "'s", " 2018", "!"]),
    ("a  b", ["a", " ", " b"]),  # the last space goes with the next word
    ("end.  ", ["end", ".", "  "]),
    ("x\n\ny", ["x", "\n", "\n", "y"]),
    ("snake_case", ["snake", "_", "case"]),
    ("abc123 ...!?", ["abc", "123", " ...!?"]),
    ("café 日本語", ["café", " 日本語"]),
    ("we'll", ["we", "'ll"]),
    ("", []),
])
def test_chunks_by_hand(text: str, chunks: list[str]) -> None:
    assert pretokenize(text) == chunks


def test_chunks_join_back_into_the_text(corpus: str) -> None:
    for text in (corpus, " \t\n x_y__ ² ½ \u200b \U0001f642!", "\r\n\r\n  \u3000z"):
        chunks = pretokenize(text)
        assert "".join(chunks) == text
        assert all(chunks)  # no empty chunk
