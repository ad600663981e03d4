"""tinytorch.generation: turning a language model's logits into text, token by token.

`generate(model, idx, max_new_tokens, ...)` extends a batch of prompts: greedy
decoding (`do_sample=False`) or sampling with a temperature, top-k and top-p
(nucleus) filtering, a seed and stop tokens, as in PyTorch / Hugging Face.
The pieces are public and tested on their own: `top_k_filter` and
`top_p_filter` cut the unlikely tail of the logits, and `sample` draws one
token per row from a categorical distribution.

    from tinytorch.generation import generate
    out = generate(gpt, prompt_ids, 200, temperature=0.8, top_k=40, seed=0)

`generate(..., cache=...)` lets another object (a `LogitsCache`, such as
module 20's KV cache) give each step's logits instead of the model.
"""

from .__about__ import __version__
from .generate import generate
from .hook import LogitsCache
from .sample import sample
from .top_k import top_k_filter
from .top_p import top_p_filter

__all__ = [
    "LogitsCache",
    "__version__",
    "generate",
    "sample",
    "top_k_filter",
    "top_p_filter",
]
