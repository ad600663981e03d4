"""Pre-tokenization: cut a text into chunks that BPE merges within, never across.

Byte-level BPE (GPT-2, Radford et al. 2019) first splits the text with a
regular expression into words, numbers, punctuation runs and whitespace,
each word carrying its leading space (" the"). Merges then happen only
inside a chunk, so no token spans "dog." or ". The": the vocabulary is
spent on reusable pieces instead of frequent word-punctuation combinations.
It also makes training cheap, since the corpus becomes a table of distinct
chunks and their counts (a few tens of thousands for a megabyte of English).

`PATTERN` is GPT-2's with Python's `re` classes, since `re` has no
`\\p{L}`/`\\p{N}`: letters are `[^\\W\\d_]` (word characters that are not
digits or `_`), numbers `\\d` (decimal digits), and everything else that is
not whitespace (punctuation, symbols, `_`) forms the third class. English
contractions ('s 't 're 've 'm 'll 'd) are chunks of their own, as in GPT-2.
Every character falls in one class, so the chunks always join back into the
text: `"".join(pretokenize(t)) == t`.

Special tokens ("<|endoftext|>") are cut out before this split
(`split_special`): they are never pre-tokenized nor merged, and encode to
their own id.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

PATTERN = re.compile(
    r"'(?:s|t|re|ve|m|ll|d)"  # contractions
    r"| ?[^\W\d_]+"  # letters, with an optional leading space
    r"| ?\d+"  # digits
    r"| ?(?:[^\w\s]|_)+"  # punctuation and symbols
    r"|\s+(?!\S)"  # whitespace, leaving the last space to the next word
    r"|\s+"  # whitespace at the end
)


def pretokenize(text: str) -> list[str]:
    """The chunks of `text` (GPT-2's split, see the module docstring); they join to `text`.

    >>> pretokenize("Hello world, it's 2018!")
    ['Hello', ' world', ',', ' it', "'s", ' 2018', '!']
    """
    ### BEGIN SOLUTION
    return PATTERN.findall(text)
    ### END SOLUTION


def special_pattern(specials: Iterable[str]) -> re.Pattern[str] | None:
    """A regex that finds any of `specials`, longest first (so "<a><b>" beats "<a>")."""
    tokens = sorted(set(specials), key=lambda s: (-len(s), s))
    if not tokens:
        return None
    return re.compile("(" + "|".join(re.escape(t) for t in tokens) + ")")


def split_special(text: str, pattern: re.Pattern[str] | None) -> list[tuple[str, bool]]:
    """`text` as (piece, is_special) in order: special tokens apart, the rest between them."""
    if pattern is None:
        return [(text, False)] if text else []
    ### BEGIN SOLUTION
    pieces = pattern.split(text)  # with one group: text, special, text, special, ..., text
    return [(piece, i % 2 == 1) for i, piece in enumerate(pieces) if piece]
    ### END SOLUTION
