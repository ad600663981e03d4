"""encode_batch: padding, truncation and the attention mask with Hugging Face's semantics."""

from __future__ import annotations

import numpy as np
import pytest
from tinytorch.tensor import Tensor
from tinytorch.tokenization import BatchEncoding, BPETokenizer, TokenizerError

TEXTS = ["hack", "a clever kluge, the hack", ""]


def by_hand(tok: BPETokenizer, texts: list[str], width: int, side: str = "right"
            ) -> tuple[np.ndarray, np.ndarray]:
    ids = np.full((len(texts), width), tok.pad_token_id, dtype=np.int64)
    mask = np.zeros((len(texts), width), dtype=np.int64)
    for row, text in enumerate(texts):
        seq = tok.encode(text)[:width]
        cols = slice(0, len(seq)) if side == "right" else slice(width - len(seq), width)
        ids[row, cols], mask[row, cols] = seq, 1
    return ids, mask


def test_padding_true_pads_to_the_longest(trained) -> None:
    tok = trained(400, pad="<pad>")
    batch = tok.encode_batch(TEXTS, padding=True)
    assert isinstance(batch, BatchEncoding)
    assert isinstance(batch.input_ids, Tensor) and isinstance(batch.attention_mask, Tensor)
    assert batch.input_ids.dtype == np.int64 and batch.attention_mask.dtype == np.int64
    width = max(len(tok.encode(t)) for t in TEXTS)
    ids, mask = by_hand(tok, TEXTS, width)
    np.testing.assert_array_equal(batch.input_ids.numpy(), ids)
    np.testing.assert_array_equal(batch.attention_mask.numpy(), mask)
    assert mask[2].sum() == 0 and mask[1].all()  # the empty text is all padding
    assert (ids[mask == 0] == tok.pad_token_id).all() and tok.pad_token_id == 399
    same = tok.encode_batch(TEXTS, padding="longest")
    np.testing.assert_array_equal(same.input_ids.numpy(), ids)
    input_ids, attention_mask = batch  # a named tuple
    assert input_ids is batch.input_ids and attention_mask is batch.attention_mask


def test_rows_decode_back_without_the_padding(trained) -> None:
    tok = trained(400, pad="<pad>")
    batch = tok.encode_batch(TEXTS, padding=True)
    for row, text in zip(batch.input_ids.numpy(), TEXTS, strict=True):
        assert tok.decode(row, skip_special_tokens=True) == text


def test_left_padding(trained) -> None:
    tok = trained(400, pad="<pad>")
    batch = tok.encode_batch(TEXTS, padding=True, padding_side="left")
    ids, mask = by_hand(tok, TEXTS, batch.input_ids.shape[1], side="left")
    np.testing.assert_array_equal(batch.input_ids.numpy(), ids)
    np.testing.assert_array_equal(batch.attention_mask.numpy(), mask)
    assert mask[0, -1] == 1 and mask[0, 0] == 0


def test_max_length_padding_and_truncation(trained) -> None:
    tok = trained(400, pad="<pad>")
    batch = tok.encode_batch(TEXTS, padding="max_length", max_length=3, truncation=True)
    ids, mask = by_hand(tok, TEXTS, 3)
    np.testing.assert_array_equal(batch.input_ids.numpy(), ids)
    np.testing.assert_array_equal(batch.attention_mask.numpy(), mask)
    wide = tok.encode_batch(TEXTS, padding="max_length", max_length=40)
    assert wide.input_ids.shape == (3, 40)
    assert wide.attention_mask.numpy().sum(axis=1).tolist() == [len(tok.encode(t))
                                                                for t in TEXTS]


def test_padding_true_with_max_length_pads_to_the_longest_as_hf_does(trained) -> None:
    tok = trained(400, pad="<pad>")
    longest = max(len(tok.encode(t)) for t in TEXTS)
    assert tok.encode_batch(TEXTS, padding=True, max_length=50).input_ids.shape == (3, longest)
    cut = tok.encode_batch(TEXTS, padding=True, max_length=2, truncation=True)
    assert cut.input_ids.shape == (3, 2)


def test_no_padding_needs_equal_lengths_and_no_pad_token(trained) -> None:
    tok = trained(400)  # no pad token
    assert tok.pad_token is None and tok.pad_token_id is None
    batch = tok.encode_batch(["hack", "hack"])
    np.testing.assert_array_equal(batch.input_ids.numpy(), [tok.encode("hack")] * 2)
    assert batch.attention_mask.numpy().all()
    cut = tok.encode_batch(TEXTS[:2], truncation=True, max_length=1)
    assert cut.input_ids.shape == (2, 1)
    with pytest.raises(TokenizerError, match=r"different lengths \(\d+ to \d+ tokens\) and "
                                             "padding=False: pass padding=True"):
        tok.encode_batch(TEXTS)


def test_padding_without_a_pad_token_is_refused(trained) -> None:
    tok = trained(400)
    with pytest.raises(TokenizerError, match="padding='longest' needs a pad token, and this "
                                             "tokenizer has none"):
        tok.encode_batch(TEXTS, padding=True)


def test_pad_token_must_be_a_special_token(trained) -> None:
    tok = BPETokenizer(special_tokens=["<eot>"])
    with pytest.raises(TokenizerError, match=r"pad_token '<pad>' is not one of the special "
                                             r"tokens \['<eot>'\]"):
        tok.pad_token = "<pad>"
    tok.pad_token = "<eot>"
    assert tok.pad_token_id == 256
    tok.pad_token = None
    assert tok.pad_token_id is None


@pytest.mark.parametrize("kwargs, message", [
    ({"padding": "max_length", "max_length": 3}, "text 1 has .* tokens, more than "
                                                 "max_length=3: pass truncation=True"),
    ({"padding": "max_length"}, "padding='max_length' needs max_length"),
    ({"truncation": True}, "truncation=True needs max_length"),
    ({"padding": "longer"}, "padding='longer'; expected True, False, 'longest'"),
    ({"padding": True, "max_length": 0}, "max_length must be a positive int or None, got 0"),
    ({"padding": True, "max_length": 2.5}, "max_length must be a positive int"),
    ({"padding": True, "padding_side": "top"}, "padding_side='top'"),
    ({"padding": True, "truncation": "yes"}, "truncation must be True or False"),
])
def test_bad_options_are_named(trained, kwargs: dict, message: str) -> None:
    tok = trained(400, pad="<pad>")
    with pytest.raises(TokenizerError, match="BPETokenizer.encode_batch: " + message):
        tok.encode_batch(TEXTS, **kwargs)


@pytest.mark.parametrize("texts, message", [
    ("hack", "expected a list of texts, got one str"),
    ([], "the list of texts is empty"),
    (["hack", 3], r"texts\[1\] is a int, not a str"),
])
def test_bad_texts_are_named(trained, texts, message: str) -> None:
    with pytest.raises(TokenizerError, match=message):
        trained(400, pad="<pad>").encode_batch(texts, padding=True)
