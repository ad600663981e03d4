"""BPETokenizer: byte-level byte pair encoding, GPT-2's tokenizer in miniature.

The base vocabulary is the 256 byte values, so every string can be encoded
(as its UTF-8 bytes) and nothing is ever "unknown". Training learns merges:
merge k joins two existing tokens into the new token 256 + k, the most
frequent adjacent pair first (`bpe_train.py`). Special tokens come after
the merges, one id each. So the ids are

    0..255        the bytes
    256..255+M    the M merges, in the order they were learned
    256+M..       the special tokens, in the order given

Encoding cuts out the special tokens (each becomes its id, never merged),
pre-tokenizes the rest (`pretokenize.py`), and applies the merges to each
chunk, always the earliest learned merge present first, which reproduces
the segmentation training saw. Decoding joins the tokens' bytes and decodes
the whole byte string as UTF-8 at once, so `decode(encode(s)) == s` for
every string: a character split over two tokens is put back together
before decoding. Ids that do not come from `encode` can form invalid UTF-8;
those bytes decode to U+FFFD, as in GPT-2 and Hugging Face.

Costs: training, see `bpe_train.py`; encoding a chunk of L bytes costs up
to L passes of O(L), and chunks repeat (" the"), so results are cached per
chunk; the vocabulary is (256 + M) byte strings.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from itertools import pairwise
from typing import Any

import numpy as np

from .bpe_reference import train_merges_reference
from .bpe_train import train_merges
from .errors import TokenizerError, TokenizerFileError
from .files import VERSION, PathLike, field, read_json, write_json_atomic
from .ids import id_list
from .merge import Pair, merge_pair
from .padding import BatchEncoding, check_options, pad_batch, text_list
from .pretokenize import pretokenize, special_pattern, split_special

FORMAT = "tinytorch.tokenization.BPETokenizer"
N_BYTES = 256
CACHE_SIZE = 100_000  # chunks remembered by encode; cleared when full

Trainer = Callable[[Sequence[Sequence[int]], Sequence[int], int, int], list[Pair]]


def utf8(text: str, who: str) -> bytes:
    """`text` as UTF-8; a lone surrogate (not encodable) is named with its position."""
    if not isinstance(text, str):
        raise TypeError(f"{who}: expected a str, got {type(text).__name__}")
    try:
        return text.encode("utf-8")
    except UnicodeEncodeError as exc:
        raise TokenizerError(f"{who}: the character U+{ord(text[exc.start]):04X} at position "
                             f"{exc.start} is a lone surrogate, which UTF-8 cannot encode"
                             ) from None


def _is_int(x: Any) -> bool:
    return isinstance(x, (int, np.integer)) and not isinstance(x, (bool, np.bool_))


def _check_merges(merges: Iterable[Any]) -> list[Pair]:
    pairs: list[Pair] = []
    seen: dict[Pair, int] = {}
    for k, m in enumerate(merges):
        if not isinstance(m, (list, tuple)) or len(m) != 2 or not all(map(_is_int, m)):
            raise TokenizerError(f"BPETokenizer: merges[{k}] = {m!r} is not a pair of ints")
        pair = (int(m[0]), int(m[1]))
        limit = N_BYTES + k
        if not all(0 <= x < limit for x in pair):
            raise TokenizerError(f"BPETokenizer: merges[{k}] = {list(pair)} uses an id outside "
                                 f"0..{limit - 1} (merge {k} may join only bytes and the "
                                 "tokens of earlier merges)")
        if pair in seen:
            raise TokenizerError(f"BPETokenizer: merges[{k}] = {list(pair)} repeats "
                                 f"merges[{seen[pair]}]")
        seen[pair] = k
        pairs.append(pair)
    return pairs


def _check_specials(special_tokens: Any) -> list[str]:
    if isinstance(special_tokens, str):
        raise TokenizerError(f"BPETokenizer: special_tokens must be a list of str, got the str "
                             f"{special_tokens!r} (write [{special_tokens!r}])")
    tokens = list(special_tokens)
    for i, t in enumerate(tokens):
        if not isinstance(t, str) or not t:
            raise TokenizerError(f"BPETokenizer: special_tokens[{i}] = {t!r} is not a "
                                 "non-empty str")
        if t in tokens[:i]:
            raise TokenizerError(f"BPETokenizer: special token {t!r} is given twice")
    return tokens


class BPETokenizer:
    """Byte-level BPE: `train`, `encode`, `decode`, special tokens, padding, JSON files.

    >>> tok = BPETokenizer().train(text, vocab_size=512, special_tokens=["<|endoftext|>"])
    >>> ids = tok.encode("hello world<|endoftext|>")
    >>> tok.decode(ids)
    'hello world<|endoftext|>'

    Without training it has no merges: one token per byte.
    """

    def __init__(self, merges: Iterable[Sequence[int]] = (), special_tokens: Iterable[str] = (),
                 pad_token: str | None = None) -> None:
        self._set(_check_merges(merges), _check_specials(special_tokens), pad_token)

    def _set(self, merges: list[Pair], specials: list[str], pad_token: str | None) -> None:
        """Build the tables from checked merges and special tokens."""
        vocab = [bytes([i]) for i in range(N_BYTES)]
        for a, b in merges:
            vocab.append(vocab[a] + vocab[b])
        first_special = len(vocab)
        vocab += [t.encode("utf-8") for t in specials]
        self._merges = merges
        self._ranks = {pair: k for k, pair in enumerate(merges)}
        self._vocab = vocab
        self._special = {t: first_special + i for i, t in enumerate(specials)}
        self._special_re = special_pattern(specials)
        self._cache: dict[str, list[int]] = {}
        self._pad_token: str | None = None
        self.pad_token = pad_token

    # ------------------------------------------------------------------ training

    def train(self, text: str, vocab_size: int, special_tokens: Iterable[str] = (),
              pad_token: str | None = None) -> BPETokenizer:
        """Learn `vocab_size - 256 - len(special_tokens)` merges from `text`; returns self.

        Replaces what the tokenizer knew. Special tokens in `text` are cut out
        first (never merged); the rest is pre-tokenized and counted once, and
        the merges are learned incrementally (`bpe_train.py`). Training stops
        early, with a smaller vocabulary, when every chunk is one token.
        Ties between equally frequent pairs go to the smallest (a, b) ids.
        """
        return self._train(text, vocab_size, special_tokens, pad_token, train_merges,
                           "BPETokenizer.train")

    def train_reference(self, text: str, vocab_size: int, special_tokens: Iterable[str] = (),
                        pad_token: str | None = None) -> BPETokenizer:
        """As `train`, recounting every pair for each merge (the slow teaching version)."""
        return self._train(text, vocab_size, special_tokens, pad_token,
                           train_merges_reference, "BPETokenizer.train_reference")

    def _train(self, text: str, vocab_size: int, special_tokens: Iterable[str],
               pad_token: str | None, trainer: Trainer, who: str) -> BPETokenizer:
        specials = _check_specials(special_tokens)
        if pad_token is not None and pad_token not in specials:
            raise TokenizerError(f"{who}: pad_token {pad_token!r} is not one of the special "
                                 f"tokens {specials}")
        if not _is_int(vocab_size):
            raise TokenizerError(f"{who}: vocab_size must be an int, got {vocab_size!r}")
        smallest = N_BYTES + len(specials)
        if vocab_size < smallest:
            raise TokenizerError(f"{who}: vocab_size={vocab_size} is smaller than the 256 byte "
                                 f"tokens + {len(specials)} special tokens = {smallest}")
        words, counts = self._training_words(text, specials, who)
        merges = trainer(words, counts, int(vocab_size) - smallest, N_BYTES)
        self._set(merges, specials, pad_token)
        return self

    @staticmethod
    def _training_words(text: str, specials: list[str], who: str
                        ) -> tuple[list[list[int]], list[int]]:
        """The distinct chunks of `text` as byte-id lists, and how often each occurs."""
        utf8(text, who)
        chunks: Counter[str] = Counter()
        ### BEGIN SOLUTION
        for piece, is_special in split_special(text, special_pattern(specials)):
            if not is_special:
                chunks.update(pretokenize(piece))
        ### END SOLUTION
        if not chunks:
            raise TokenizerError(f"{who}: the training text is empty"
                                 + (" (apart from special tokens)" if text else ""))
        return [list(chunk.encode("utf-8")) for chunk in chunks], list(chunks.values())

    # ------------------------------------------------------------------ the vocabulary

    @property
    def merges(self) -> list[Pair]:
        """The learned merges (a, b) in order; merge k made the token 256 + k."""
        return list(self._merges)

    @property
    def vocab(self) -> list[bytes]:
        """Every token's bytes, indexed by id (specials as their UTF-8 text)."""
        return list(self._vocab)

    @property
    def vocab_size(self) -> int:
        return len(self._vocab)

    def __len__(self) -> int:
        return len(self._vocab)

    @property
    def special_tokens(self) -> dict[str, int]:
        """Special token -> id."""
        return dict(self._special)

    @property
    def pad_token(self) -> str | None:
        """The special token that pads batches (None: padding is refused)."""
        return self._pad_token

    @pad_token.setter
    def pad_token(self, token: str | None) -> None:
        if token is not None and token not in self._special:
            raise TokenizerError(f"BPETokenizer: pad_token {token!r} is not one of the special "
                                 f"tokens {list(self._special)} (train with special_tokens="
                                 f"[..., {token!r}])")
        self._pad_token = token

    @property
    def pad_token_id(self) -> int | None:
        return None if self._pad_token is None else self._special[self._pad_token]

    def __repr__(self) -> str:
        return (f"BPETokenizer(vocab_size={len(self._vocab)}, merges={len(self._merges)}, "
                f"special_tokens={list(self._special)})")

    # ------------------------------------------------------------------ encode, decode

    def encode(self, text: str) -> list[int]:
        """The token ids of `text`: special tokens atomically, the rest merged by BPE."""
        utf8(text, "BPETokenizer.encode")
        ids: list[int] = []
        for piece, is_special in split_special(text, self._special_re):
            if is_special:
                ids.append(self._special[piece])
            else:
                for chunk in pretokenize(piece):
                    ids.extend(self._encode_chunk(chunk))
        return ids

    def _encode_chunk(self, chunk: str) -> list[int]:
        """The ids of one pre-tokenized chunk (cached: chunks repeat)."""
        ids = self._cache.get(chunk)
        if ids is not None:
            return ids
        ### BEGIN SOLUTION
        ids = list(chunk.encode("utf-8"))
        ranks = self._ranks
        while len(ids) > 1:
            # the earliest learned merge among the adjacent pairs goes first
            pair = min(pairwise(ids), key=lambda p: ranks.get(p, len(ranks)))
            rank = ranks.get(pair)
            if rank is None:
                break  # no pair left that training merged
            ids = merge_pair(ids, pair, N_BYTES + rank)
        ### END SOLUTION
        if len(self._cache) >= CACHE_SIZE:
            self._cache.clear()
        self._cache[chunk] = ids
        return ids

    def decode(self, ids: Sequence[int] | Any, skip_special_tokens: bool = False) -> str:
        """The text of `ids` (a list, 1-D array or Tensor); an unknown id raises.

        The tokens' bytes are joined, then decoded as UTF-8 at once (bytes
        that are not valid UTF-8 become U+FFFD). `skip_special_tokens=True`
        leaves out the special tokens, padding included.
        """
        ids = id_list(ids, len(self._vocab), "BPETokenizer.decode")
        ### BEGIN SOLUTION
        if skip_special_tokens:
            first_special = N_BYTES + len(self._merges)
            ids = [i for i in ids if i < first_special]
        vocab = self._vocab
        return b"".join([vocab[i] for i in ids]).decode("utf-8", errors="replace")
        ### END SOLUTION

    def encode_batch(self, texts: Sequence[str], padding: bool | str = False,
                     max_length: int | None = None, truncation: bool = False,
                     padding_side: str = "right") -> BatchEncoding:
        """Encode `texts` into `input_ids` and `attention_mask` of shape (N, T), int64.

        Hugging Face's semantics (see `padding.py`): `padding=True` pads to
        the longest text, `"max_length"` to `max_length`; `truncation=True`
        cuts to `max_length`. Padding needs `pad_token`. As in HF, the
        default is no padding, so texts of different lengths need it.
        """
        who = "BPETokenizer.encode_batch"
        plan = check_options(padding, max_length, truncation, padding_side, self.pad_token_id,
                             who)
        texts = text_list(texts, who)
        return pad_batch([self.encode(t) for t in texts], plan, self.pad_token_id, who)

    # ------------------------------------------------------------------ files

    def save(self, path: PathLike) -> None:
        """Write merges, special tokens and pad token to `path` as JSON (atomically)."""
        write_json_atomic(path, {
            "format": FORMAT, "version": VERSION,
            "merges": [list(pair) for pair in self._merges],
            "special_tokens": list(self._special), "pad_token": self._pad_token,
        })

    @classmethod
    def load(cls, path: PathLike) -> BPETokenizer:
        """The tokenizer saved in `path`; a `TokenizerFileError` names what is wrong."""
        obj = read_json(path, FORMAT)
        merges = field(obj, "merges", list, path)
        specials = field(obj, "special_tokens", list, path)
        pad_token = obj.get("pad_token")
        try:
            return cls(merges, specials, pad_token)
        except TokenizerError as exc:
            raise TokenizerFileError(f"{path}: {exc}") from None
