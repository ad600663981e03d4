"""The errors of tinytorch.tokenization: each names the tokenizer, the input and the problem.

All are `ValueError`s (bad input), so `except ValueError` catches them;
the subclasses let a caller tell an unknown symbol or a bad file apart.
"""

from __future__ import annotations


class TokenizerError(ValueError):
    """Bad input to a tokenizer: an empty training text, a too small vocab_size, ..."""


class UnknownTokenError(TokenizerError):
    """A character that is not in the vocabulary (encode), or an id outside it (decode)."""


class TokenizerFileError(TokenizerError):
    """A saved tokenizer that cannot be loaded: not JSON, another format, invalid content."""
