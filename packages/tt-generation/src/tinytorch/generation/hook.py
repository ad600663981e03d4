"""The cache hook of `generate`: something else may compute the next-token logits.

Without help, each step of `generate` runs the model over the whole context
again, although only the last position is new. A cache (module 20's KV
cache, or anything else) can do better: it keeps what it computed for the
earlier positions and runs only the new ones. `generate` does not need to
know how: it hands the current context to the cache and gets back the
logits of the last position, and keeps its own sampling loop, checks, modes
and stop tokens. So the cache never copies the loop, and this module never
imports the modules that come after it.

    class LogitsCache(Protocol):
        def next_token_logits(self, context: Tensor) -> Tensor: ...

`context` is what the model would have been called with at this step:
int64 ids (B, T), already cropped to the model's `block_size`. The answer is
the logits of the last position, (B, V), exactly what `model(context)[:,
-1, :]` would give (a cache that is not exact changes the text). The cache
may keep state between calls: it sees the context grow by one token per
step, and slide (lose its first token) once the context is full.
"""

from __future__ import annotations

from typing import Any, Protocol, runtime_checkable

import numpy as np
from tinytorch.tensor import DTypeError, ShapeError, Tensor

from .checks import check_logits

METHOD = "next_token_logits"


@runtime_checkable
class LogitsCache(Protocol):
    """An object that gives the next-token logits of a context: `generate`'s `cache=`."""

    def next_token_logits(self, context: Tensor) -> Tensor:
        """Logits (B, V) of the last position of `context`, int64 ids (B, T)."""
        ...


def check_cache(op: str, cache: Any) -> None:
    """None, or an object with a callable `next_token_logits`; else a named TypeError."""
    if cache is not None and not callable(getattr(cache, METHOD, None)):
        raise TypeError(f"{op}: cache must be None or have a method {METHOD}(context) giving "
                        f"the last position's logits (B, V), got {type(cache).__name__}")


def cached_logits(cache: LogitsCache, context: np.ndarray) -> np.ndarray:
    """`cache.next_token_logits(context)` for ids (B, T), checked: floating point (B, V)."""
    out = getattr(cache, METHOD)(Tensor(context))
    if not isinstance(out, Tensor):
        raise TypeError(f"generate: the cache's {METHOD} must return a Tensor of logits (B, V), "
                        f"got {type(out).__name__}")
    b = context.shape[0]
    if out.ndim != 2 or out.shape[0] != b:
        raise ShapeError(f"generate: the cache's {METHOD} must map ids {tuple(context.shape)} "
                         f"to logits ({b}, V), got {tuple(out.shape)}")
    if out.data.dtype.kind != "f":
        raise DTypeError(f"generate: the cache's logits must be floating point, got "
                         f"{out.data.dtype}")
    return check_logits("generate", out)
