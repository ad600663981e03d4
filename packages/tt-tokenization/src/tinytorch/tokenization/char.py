"""CharTokenizer: one token per character, the simplest tokenizer there is.

The vocabulary is a list of characters and a character's id is its place in
that list. Built from a text, the list is the text's distinct characters in
sorted order (Karpathy's char-rnn and nanoGPT's Shakespeare do the same), so
the same text always gives the same ids.

Why it exists: it needs no training, never fails on a text it was built
from, and makes a language model's loss easy to read (nats per character).
What it costs: one token per character, so a model sees fewer words per
context window than with BPE (about 4x fewer on English), and a character
the vocabulary lacks cannot be encoded at all: `encode` raises an
`UnknownTokenError` naming it, rather than guessing.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from .errors import TokenizerError, TokenizerFileError, UnknownTokenError
from .files import VERSION, PathLike, field, read_json, write_json_atomic
from .ids import id_list

FORMAT = "tinytorch.tokenization.CharTokenizer"


def _describe(char: str) -> str:
    return f"{char!r} (U+{ord(char):04X})"


class CharTokenizer:
    """Characters to ids and back, over a fixed vocabulary of single characters.

    >>> tok = CharTokenizer.from_text("hello")
    >>> tok.vocab, tok.encode("hole")
    (['e', 'h', 'l', 'o'], [1, 3, 2, 0])
    """

    def __init__(self, vocab: Iterable[str]) -> None:
        chars = list(vocab)
        for i, c in enumerate(chars):
            if not isinstance(c, str) or len(c) != 1:
                raise TokenizerError(f"CharTokenizer: vocab[{i}] = {c!r} is not a single "
                                     "character")
        if not chars:
            raise TokenizerError("CharTokenizer: the vocabulary is empty")
        index: dict[str, int] = {}
        for i, c in enumerate(chars):
            if c in index:
                raise TokenizerError(f"CharTokenizer: vocab[{i}] = {_describe(c)} repeats "
                                     f"vocab[{index[c]}]")
            index[c] = i
        self._chars = chars
        self._index = index

    @classmethod
    def from_text(cls, text: str) -> CharTokenizer:
        """The tokenizer whose vocabulary is the distinct characters of `text`, sorted."""
        if not isinstance(text, str):
            raise TypeError(f"CharTokenizer.from_text: expected a str, got {type(text).__name__}")
        if not text:
            raise TokenizerError("CharTokenizer.from_text: the training text is empty")
        ### BEGIN SOLUTION
        return cls(sorted(set(text)))
        ### END SOLUTION

    @property
    def vocab(self) -> list[str]:
        """The characters, id order (a copy)."""
        return list(self._chars)

    @property
    def vocab_size(self) -> int:
        return len(self._chars)

    def __len__(self) -> int:
        return len(self._chars)

    def __repr__(self) -> str:
        return f"CharTokenizer(vocab_size={len(self._chars)})"

    def encode(self, text: str) -> list[int]:
        """The id of every character of `text`; an unknown one raises `UnknownTokenError`."""
        if not isinstance(text, str):
            raise TypeError(f"CharTokenizer.encode: expected a str, got {type(text).__name__}")
        ### BEGIN SOLUTION
        index = self._index
        try:
            return [index[c] for c in text]
        except KeyError:
            pos = next(i for i, c in enumerate(text) if c not in index)
            raise UnknownTokenError(
                f"CharTokenizer.encode: character {_describe(text[pos])} at position {pos} is "
                f"not in the vocabulary of {len(self._chars)} characters") from None
        ### END SOLUTION

    def decode(self, ids: Sequence[int] | Any) -> str:
        """The text of `ids` (a list, 1-D array or Tensor); an id outside the vocabulary raises."""
        ids = id_list(ids, len(self._chars), "CharTokenizer.decode")
        ### BEGIN SOLUTION
        chars = self._chars
        return "".join([chars[i] for i in ids])
        ### END SOLUTION

    def save(self, path: PathLike) -> None:
        """Write the vocabulary to `path` as JSON (atomically)."""
        write_json_atomic(path, {"format": FORMAT, "version": VERSION, "vocab": self._chars})

    @classmethod
    def load(cls, path: PathLike) -> CharTokenizer:
        """The tokenizer saved in `path`; a `TokenizerFileError` names what is wrong."""
        obj = read_json(path, FORMAT)
        vocab = field(obj, "vocab", list, path)
        try:
            return cls(vocab)
        except TokenizerError as exc:
            raise TokenizerFileError(f"{path}: {exc}") from None
