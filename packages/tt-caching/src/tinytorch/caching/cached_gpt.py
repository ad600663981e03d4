"""CachedGPT: a GPT with a KV cache, answering `generate`'s cache hook exactly.

`tinytorch.generation.generate(model, idx, n, cache=CachedGPT(model))` asks
it, every step, for the last position's logits of the current context (the
hook `next_token_logits`). It compares the context with the tokens its cache
holds:

- the held tokens are the start of the context (the usual step: one new
  token appended): run only the new tokens through `cached_forward`;
- otherwise (the first step; the window slid because the context reached
  block_size; another prompt or batch): REBUILD, i.e. empty the cache and
  run the whole context. With absolute position embeddings nothing else is
  exact: after a slide every token sits at a new position, so every key and
  value of every layer is different. A rebuild costs one forward pass over
  the context, as a step without the cache does.

So the cache's gain grows with the room left in the context: with
block_size 256, 200 new tokens after a 16-token prompt never slide and every
step after the first runs one token; with block_size 16 every step rebuilds.
`steps`, `rebuilds` and `positions` (positions run through the layers) say
what happened; benchmarks/kv_cache.py measures the times.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from tinytorch.tensor import Tensor

from .cached_forward import run_cached
from .checks import check_ids
from .kv_cache import KVCache
from .parts import gpt_parts


class CachedGPT:
    """A tinytorch GPT plus its KVCache; `next_token_logits(context)` is generate's hook.

    The cache is made on the first call, for that batch size and the model's
    dtype, and made again if the batch size changes. Counters: `steps`
    (calls), `rebuilds` (calls that ran the whole context) and `positions`
    (token positions run through the layers in all). The cache holds what
    the weights gave: after changing them, call `reset()` (or make a new one).
    """

    def __init__(self, model: Any) -> None:
        self.parts = gpt_parts("CachedGPT", model)
        self.model = model
        self.cache: KVCache | None = None
        self.tokens = np.zeros((0, 0), dtype=np.int64)  # what the cache holds, (B, length)
        self.steps = self.rebuilds = self.positions = 0

    def next_token_logits(self, context: Tensor) -> Tensor:
        """Logits (B, V) of the last position of `context` (B, T), T <= block_size."""
        ids = check_ids("CachedGPT", context, self.parts.vocab_size)
        ### BEGIN SOLUTION
        held = self.tokens.shape[1]
        extends = (self.cache is not None and ids.shape[0] == self.tokens.shape[0]
                   and held < ids.shape[1] and np.array_equal(ids[:, :held], self.tokens))
        if not extends:  # the first step, a slid window or another batch: start again
            if self.cache is None or self.cache.batch_size != ids.shape[0]:
                self.cache = KVCache.for_model(self.model, ids.shape[0])
            self.cache.reset()
            self.tokens = ids[:, :0]
            self.rebuilds += 1
            held = 0
        logits = run_cached(self.parts, ids[:, held:], self.cache)  # (B, T-held, V)
        self.tokens = ids.copy()
        self.steps += 1
        self.positions += ids.shape[1] - held
        return Tensor(logits[:, -1, :])
        ### END SOLUTION

    def reset(self) -> None:
        """Forget the held tokens: the next call rebuilds."""
        self.tokens = np.zeros((0, 0), dtype=np.int64)
        if self.cache is not None:
            self.cache.reset()
