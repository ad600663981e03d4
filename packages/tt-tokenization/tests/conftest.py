"""Shared test data: a small corpus, and a factory of trained tokenizers (cached per session).

The fixtures build nothing of the package at import or setup time: `trained`
returns a function the tests call, so against a starter the tests fail
inside their own bodies instead of erroring in a fixture.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import cache

import pytest
from tinytorch.tokenization import BPETokenizer

SPECIALS = ("<|endoftext|>", "<pad>")

CORPUS = """\
:kluge: /klooj/ n. A clever programming trick intended to solve a particular
nasty case in an expedient, if not clear, manner. Often used to repair bugs.
:hack: n. 1. Originally, a quick job that produces what is needed, but not well.
2. An incredibly good, and perhaps very time-consuming, piece of work that
produces exactly what is needed. The hacker hacked the hack; the hackers' hacks
were hacked again and again, 1999 times, then 2018 times.
:foo: /foo/ 1. interj. Term of disgust. 2. [very common] Used very generally as
a sample name for absolutely anything, esp. programs and files (esp. scratch
files). First on the standard list of metasyntactic variables used in syntax
examples. See also {bar}, {baz}, {qux}, {quux}, {garply}, {waldo}, {fred}.
Unicode for the tests: café, naïve, déjà vu, Ærøskøbing, 日本語のテキスト, 日本語,
emoji 🙂🙂 and 🚀, Ελληνικά, кириллица; snake_case__names and tabs\tand  spaces.
<|endoftext|>:zork: n. The second of the great early experiments in computer
fantasy gaming; see {ADVENT}. Originally written on MIT-DM during the late 1970s.
<|endoftext|>"""


@pytest.fixture(scope="session")
def corpus() -> str:
    return CORPUS


@pytest.fixture(scope="session")
def trained() -> Callable[..., BPETokenizer]:
    """trained(vocab_size=400, specials=SPECIALS, pad=None): a BPETokenizer trained on CORPUS."""

    @cache
    def make(vocab_size: int = 400, specials: tuple[str, ...] = SPECIALS,
             pad: str | None = None) -> BPETokenizer:
        return BPETokenizer().train(CORPUS, vocab_size, special_tokens=list(specials),
                                    pad_token=pad)

    return make
