"""tinytorch.tokenization: text to token ids and back.

A language model reads integers, not text. `CharTokenizer` gives every
character its own id; `BPETokenizer` is byte-level byte pair encoding, as
in GPT-2: it starts from the 256 byte values, so it can encode any string,
and learns merges of frequent pairs (trained incrementally, with a plain
recounting twin for teaching), special tokens, padding, truncation and
batches with an attention mask. `chars_per_token` measures the compression.
Both tokenizers save to and load from JSON.
"""

from .__about__ import __version__
from .bpe import BPETokenizer
from .char import CharTokenizer
from .compression import chars_per_token
from .errors import TokenizerError, TokenizerFileError, UnknownTokenError
from .padding import BatchEncoding
from .pretokenize import pretokenize

__all__ = [
    "BPETokenizer",
    "BatchEncoding",
    "CharTokenizer",
    "TokenizerError",
    "TokenizerFileError",
    "UnknownTokenError",
    "__version__",
    "chars_per_token",
    "pretokenize",
]
