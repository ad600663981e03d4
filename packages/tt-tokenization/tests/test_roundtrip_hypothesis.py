"""Properties over arbitrary Unicode strings, drawn by hypothesis.

decode(encode(s)) == s for every string, the chunks of `pretokenize` join
back into the text, and CharTokenizer round trips on its own vocabulary.
Skipped where hypothesis is not installed (test_bpe_encode.py has a seeded
version of the round trip that always runs).
"""

from __future__ import annotations

import pytest

hypothesis = pytest.importorskip("hypothesis")
st = pytest.importorskip("hypothesis.strategies")

from tinytorch.tokenization import CharTokenizer, pretokenize  # noqa: E402

given, settings = hypothesis.given, hypothesis.settings
# st.text() draws from every code point but the surrogates, which UTF-8 cannot encode;
# mix in the special tokens and pieces of them
texts = st.lists(st.one_of(st.text(), st.sampled_from(["<|endoftext|>", "<pad>", "<|", "|>",
                                                        " the", "hack", "é", "🙂"])),
                 max_size=8).map("".join)


@settings(max_examples=300, deadline=None)
@given(texts)
def test_decode_encode_is_the_identity(trained, text: str) -> None:
    tok = trained(400)
    assert tok.decode(tok.encode(text)) == text


@settings(max_examples=150, deadline=None)
@given(st.text())
def test_an_untrained_tokenizer_round_trips_too(trained, text: str) -> None:
    tok = trained(256, ())
    ids = tok.encode(text)
    assert ids == list(text.encode("utf-8")) and tok.decode(ids) == text


@settings(max_examples=300, deadline=None)
@given(st.text())
def test_pretokenize_chunks_join_into_the_text(text: str) -> None:
    chunks = pretokenize(text)
    assert "".join(chunks) == text and all(chunks)


@settings(max_examples=100, deadline=None)
@given(st.text(min_size=1))
def test_char_tokenizer_round_trips_on_its_text(text: str) -> None:
    tok = CharTokenizer.from_text(text)
    assert tok.decode(tok.encode(text)) == text
