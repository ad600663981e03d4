"""The backward rules of every tt-tensor primitive, registered by name in `RULES`.

Importing this package imports each rules file, whose `@register(op)`
decorators fill the table.
"""

from . import (  # noqa: F401 (registers)
    binary,
    index,
    join,
    layout,
    linalg,
    reduce,
    select,
    shape,
    trig,
    unary,
)
from .broadcast import unbroadcast
from .registry import RULES, Rule, register

__all__ = ["RULES", "Rule", "register", "unbroadcast"]
