"""Compression: how many characters a token stands for on average.

A language model's cost grows with the number of tokens (attention
quadratically), and its context window holds a fixed number of them. A
tokenizer that packs more characters into each token lets the same model
see more text for the same compute. Characters per token is 1.0 for
`CharTokenizer`, a little under 1 for an untrained byte-level BPE on text
with non-ASCII characters, and rises with every merge (GPT-2's 50k-token
vocabulary gives about 4 on English).
"""

from __future__ import annotations

from typing import Any

from .errors import TokenizerError


def chars_per_token(tokenizer: Any, text: str) -> float:
    """`len(text) / len(tokenizer.encode(text))`: the compression of `tokenizer` on `text`."""
    if not isinstance(text, str) or not text:
        raise TokenizerError("chars_per_token: needs a non-empty text")
    ### BEGIN SOLUTION
    return len(text) / len(tokenizer.encode(text))
    ### END SOLUTION
