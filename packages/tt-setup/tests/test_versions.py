"""`admits`: the small PEP 440 subset tito uses to check declared ranges."""

from __future__ import annotations

import pytest
from tinytorch.setup import admits


@pytest.mark.parametrize(
    ("spec", "version", "expected"),
    [
        (">=0.1,<0.2", "0.1.0", True),
        (">=0.1,<0.2", "0.1.7", True),
        (">=0.1,<0.2", "0.2.0", False),
        (">=0.1,<0.2", "0.2.0a1", False),  # a pre-release of the excluded bound
        (">=0.1,<0.2", "0.0.9", False),
        (">=0.1,<0.2", "0.1.0+local", True),
        ("==0.1.*", "0.1.5", True),
        ("!=0.1.*", "0.1.5", False),
        ("~=0.1.2", "0.1.9", True),
        ("~=0.1.2", "0.2.0", False),
        ("==0.1", "0.1.0", True),
        (">0.1", "0.1.post1", False),
        (">=1.24", "2.4.6", True),
        ("", "7.0", True),
    ],
)
def test_admits(spec: str, version: str, expected: bool) -> None:
    assert admits(spec, version) is expected


def test_bad_input_is_named() -> None:
    with pytest.raises(ValueError, match="not a PEP 440 version"):
        admits(">=0.1", "banana")
    with pytest.raises(ValueError, match="cannot read the clause"):
        admits("about 0.1", "0.1")
