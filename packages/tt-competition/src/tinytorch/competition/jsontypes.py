"""The JSON types a layer's arguments may take, and their checks.

A spec is untrusted JSON, so every argument is checked for its type and
range BEFORE any layer is built: a size of -3 or "64" or 1e12 is named and
refused, never passed on to a constructor (whose error, or memory use, would
be the scorer's problem). `true` is not an int here (Python says it is).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

REQUIRED = object()  # the default of an argument the spec must give
MAX_SIZE = 1 << 20  # no layer dimension above this (a spec is not allowed to ask for 10**12)
MAX_TEXT = 100  # characters of a string argument

KINDS = {
    "int": "an integer",
    "number": "a number",
    "number_or_null": "a number or null",
    "bool": "true or false",
    "str": "a string",
    "pair": "an integer or a list of two integers",
    "pair_or_null": "an integer, a list of two integers, or null",
    "shape": "an integer or a list of integers",
    "padding": 'an integer, a list of two integers, "same" or "valid"',
}


@dataclass(frozen=True)
class Arg:
    """One argument of a layer: its JSON kind, default, and allowed range or values."""

    kind: str
    default: Any = REQUIRED
    minimum: float | None = None  # for ints and numbers (and each int of a pair or shape)
    below: float | None = None  # numbers must be < below (Dropout's p < 1)
    choices: tuple[Any, ...] | None = None  # the only values allowed

    @property
    def required(self) -> bool:
        return self.default is REQUIRED


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _is_number(value: Any) -> bool:
    return (_is_int(value) or isinstance(value, float)) and math.isfinite(value)


def _ints(value: Any, lengths: tuple[int, ...] | None) -> bool:
    return (isinstance(value, list) and (lengths is None or len(value) in lengths)
            and len(value) > 0 and all(_is_int(v) for v in value))


def arg_problem(arg: Arg, value: Any) -> str | None:
    """Why `value` is not a valid `arg` (a phrase), or None when it is."""
    ### BEGIN SOLUTION
    kind = arg.kind
    if value is None and kind.endswith("_or_null"):
        return None
    if kind == "padding" and value in ("same", "valid"):
        return None
    if kind == "padding":
        kind = "pair"
    base = kind.removesuffix("_or_null")
    if base == "int":
        ok, numbers = _is_int(value), [value]
    elif base == "number":
        ok, numbers = _is_number(value), [value]
    elif base == "bool":
        ok, numbers = isinstance(value, bool), []
    elif base == "str":
        ok, numbers = isinstance(value, str), []
    elif base == "pair":
        ok = _is_int(value) or _ints(value, (2,))
        numbers = value if isinstance(value, list) else [value]
    elif base == "shape":
        ok = _is_int(value) or _ints(value, None)
        numbers = value if isinstance(value, list) else [value]
    else:  # pragma: no cover - a registry bug, not a spec's
        raise AssertionError(f"unknown argument kind {kind!r}")
    if not ok:
        return f"must be {KINDS[arg.kind]}, got {json_repr(value)}"
    for number in numbers:
        if arg.minimum is not None and number < arg.minimum:
            return f"must be >= {arg.minimum:g}, got {json_repr(value)}"
        if arg.below is not None and number >= arg.below:
            return f"must be < {arg.below:g}, got {json_repr(value)}"
        if _is_int(number) and abs(number) > MAX_SIZE:
            return f"must be at most {MAX_SIZE} in size, got {json_repr(value)}"
    if isinstance(value, str) and len(value) > MAX_TEXT:
        return f"must be at most {MAX_TEXT} characters, got {len(value)}"
    if arg.choices is not None and value not in arg.choices:
        return f"must be one of {', '.join(map(repr, arg.choices))}, got {json_repr(value)}"
    return None
    ### END SOLUTION


def json_repr(value: Any, limit: int = 40) -> str:
    """A short, safe rendering of a JSON value for an error message."""
    text = repr(value)
    return text if len(text) <= limit else text[: limit - 3] + "..."


def as_json(value: Any) -> Any:
    """A layer attribute as JSON: tuples become lists, NumPy scalars Python numbers."""
    if isinstance(value, tuple | list):
        return [as_json(v) for v in value]
    if hasattr(value, "item") and not isinstance(value, str):
        return value.item()
    return value


def pair(value: Any) -> Any:
    """A pair argument as the layer takes it: an int stays, a list becomes a tuple."""
    return tuple(value) if isinstance(value, list) else value


def pair_product(value: Any) -> int:
    """kh * kw of a kernel size given as an int or [kh, kw]."""
    return value[0] * value[1] if isinstance(value, list) else value * value
