"""generate with a KV cache: tinytorch.generation.generate, each step served by CachedGPT.

The sampling loop is module 17's, unchanged: this function only adds
`use_cache` and hands `generate` a `CachedGPT` through its cache hook. So
the tokens are exactly the tokens without the cache, greedy or sampled with
the same seed (the tests check it, also past block_size), and only the time
differs.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from tinytorch.generation import generate as generate_uncached
from tinytorch.tensor import Tensor

from .cached_gpt import CachedGPT


def generate(
    model: Any,
    idx: Tensor,
    max_new_tokens: int,
    temperature: float = 1.0,
    top_k: int | None = None,
    top_p: float | None = None,
    do_sample: bool = True,
    seed: int | None = None,
    stop: int | Sequence[int] | None = None,
    use_cache: bool = True,
) -> Tensor:
    """`tinytorch.generation.generate` with the same arguments, plus `use_cache`.

    `use_cache=True` (the default) needs a tinytorch GPT (TypeError
    otherwise, naming what is missing) and runs each step through a fresh
    `CachedGPT`: one token per step while the context grows, a rebuild of
    the cache each step once it slides at block_size. `use_cache=False` is
    module 17's `generate` as it is. The result is the same either way.
    """
    if not isinstance(use_cache, bool):
        raise TypeError(f"generate: use_cache must be a bool, got {use_cache!r}")
    ### BEGIN SOLUTION
    cache = CachedGPT(model) if use_cache else None
    return generate_uncached(model, idx, max_new_tokens, temperature=temperature, top_k=top_k,
                             top_p=top_p, do_sample=do_sample, seed=seed, stop=stop, cache=cache)
    ### END SOLUTION
