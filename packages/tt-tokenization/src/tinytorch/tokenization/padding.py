"""Batches of token ids: padding, truncation and the attention mask, as HF tokenizers do.

A model takes a batch as one (N, T) array, but texts have different
lengths. Truncation cuts sequences longer than `max_length`; padding fills
shorter ones with the pad token's id up to a common length T; the
attention mask marks the real tokens (1) and the padding (0), so attention
and the loss can ignore the padding.

The options follow Hugging Face `tokenizers`/`transformers`:

- `padding=True` or `"longest"`: pad to the longest sequence of the batch;
  `"max_length"`: pad to `max_length`; `False` or `"do_not_pad"`: no padding
  (then every sequence must have the same length, or it cannot be an array).
- `truncation=True`: cut each sequence to `max_length` tokens.
- `padding_side="right"` (default) puts the padding after the tokens;
  `"left"` before them (what batched generation wants). Truncation keeps
  the first `max_length` tokens.

Where HF warns and carries on (a sequence longer than `max_length` with
padding to it and no truncation; padding without a pad token), this raises
a `TokenizerError` saying what to pass instead.

Cost: O(N * T) for the two int64 arrays.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, NamedTuple

import numpy as np
from tinytorch.tensor import Tensor

from .errors import TokenizerError

PAD_CHOICES = ("longest", "max_length", "do_not_pad")


class BatchEncoding(NamedTuple):
    """`input_ids` and `attention_mask`, both int64 Tensors of shape (N, T).

    A named tuple: `batch.input_ids`, or `ids, mask = batch`.
    """

    input_ids: Tensor  # (N, T) int64
    attention_mask: Tensor  # (N, T) int64, 1 = real token, 0 = padding


class PaddingPlan(NamedTuple):
    """The checked options of one `encode_batch` call."""

    padding: str  # one of PAD_CHOICES
    max_length: int | None
    truncation: bool
    side: str  # "right" | "left"


def check_options(padding: bool | str, max_length: int | None, truncation: bool,
                  padding_side: str, pad_id: int | None, who: str) -> PaddingPlan:
    """The options as a `PaddingPlan`, or a `TokenizerError` before any text is encoded."""
    if padding is True:
        padding = "longest"
    elif padding is False:
        padding = "do_not_pad"
    if padding not in PAD_CHOICES:
        raise TokenizerError(f"{who}: padding={padding!r}; expected True, False, 'longest', "
                             "'max_length' or 'do_not_pad'")
    if max_length is not None and (isinstance(max_length, bool)
                                   or not isinstance(max_length, (int, np.integer))
                                   or max_length < 1):
        raise TokenizerError(f"{who}: max_length must be a positive int or None, got "
                             f"{max_length!r}")
    if not isinstance(truncation, (bool, np.bool_)):
        raise TokenizerError(f"{who}: truncation must be True or False, got {truncation!r}")
    if padding_side not in ("right", "left"):
        raise TokenizerError(f"{who}: padding_side={padding_side!r}; expected 'right' or 'left'")
    if truncation and max_length is None:
        raise TokenizerError(f"{who}: truncation=True needs max_length")
    if padding == "max_length" and max_length is None:
        raise TokenizerError(f"{who}: padding='max_length' needs max_length")
    if padding != "do_not_pad" and pad_id is None:
        raise TokenizerError(f"{who}: padding={padding!r} needs a pad token, and this tokenizer "
                             "has none: set tokenizer.pad_token to one of its special tokens")
    return PaddingPlan(padding, None if max_length is None else int(max_length),
                       bool(truncation), padding_side)


def pad_batch(sequences: Sequence[Sequence[int]], plan: PaddingPlan, pad_id: int | None,
              who: str) -> BatchEncoding:
    """`sequences` truncated and padded by `plan` into ids and mask of shape (N, T)."""
    ### BEGIN SOLUTION
    if plan.truncation:
        sequences = [seq[: plan.max_length] for seq in sequences]
    lengths = [len(seq) for seq in sequences]
    if plan.padding == "max_length":
        width = plan.max_length
        too_long = [i for i, n in enumerate(lengths) if n > width]
        if too_long:
            i = too_long[0]
            raise TokenizerError(f"{who}: text {i} has {lengths[i]} tokens, more than "
                                 f"max_length={width}: pass truncation=True to cut it")
    elif plan.padding == "longest":
        width = max(lengths)
    else:
        width = lengths[0]
        if any(n != width for n in lengths):
            raise TokenizerError(f"{who}: the texts have different lengths ({min(lengths)} to "
                                 f"{max(lengths)} tokens) and padding=False: pass padding=True")
    ids = np.full((len(sequences), width), -1 if pad_id is None else pad_id, dtype=np.int64)
    mask = np.zeros((len(sequences), width), dtype=np.int64)
    for row, (seq, n) in enumerate(zip(sequences, lengths, strict=True)):
        start = 0 if plan.side == "right" else width - n
        ids[row, start:start + n] = seq
        mask[row, start:start + n] = 1
    return BatchEncoding(Tensor(ids), Tensor(mask))
    ### END SOLUTION


def text_list(texts: Any, who: str) -> list[str]:
    """`texts` as a non-empty list of str (a single str is a mistake worth naming)."""
    if isinstance(texts, str):
        raise TokenizerError(f"{who}: expected a list of texts, got one str (use encode, or "
                             "wrap it in a list)")
    texts = list(texts)
    if not texts:
        raise TokenizerError(f"{who}: the list of texts is empty")
    for i, t in enumerate(texts):
        if not isinstance(t, str):
            raise TokenizerError(f"{who}: texts[{i}] is a {type(t).__name__}, not a str")
    return texts
