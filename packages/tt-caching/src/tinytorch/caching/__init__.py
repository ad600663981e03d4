"""tinytorch.caching: a KV cache for the GPT's generation, exact, with its memory counted.

Generating a token with module 17's `generate` runs the GPT over the whole
context again. The keys and values of the earlier positions do not change,
so a `KVCache` keeps them (per layer, preallocated up to block_size, its
bytes counted) and `cached_forward` runs only the new tokens against them.
`CachedGPT` answers `generate`'s cache hook with it, rebuilding the cache
when the context slides at block_size (exact; with absolute position
embeddings a sliding cache cannot be). `generate(..., use_cache=True)` gives
exactly the tokens of `tinytorch.generation.generate`, faster: the longer the
context, the larger the gain.

    from tinytorch.caching import generate
    out = generate(gpt, prompt_ids, 200, do_sample=False)        # same tokens, cached
"""

from .__about__ import __version__
from .cached_forward import cached_forward
from .cached_gpt import CachedGPT
from .errors import CacheOverflowError
from .generate import generate
from .kv_cache import KVCache

__all__ = [
    "CacheOverflowError",
    "CachedGPT",
    "KVCache",
    "__version__",
    "cached_forward",
    "generate",
]
