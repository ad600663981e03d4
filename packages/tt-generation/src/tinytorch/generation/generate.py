"""generate: extend a batch of prompts token by token with a language model.

Autoregressive decoding: run the model on the sequence so far, take the
logits of the last position, choose one token from them, append it, repeat.
Choosing is where the text's character comes from: greedy decoding (always
the most likely token) is deterministic and repetitive; sampling from
softmax(logits / temperature), after cutting the unlikely tail with top-k or
top-p, trades faithfulness for variety.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import numpy as np
from tinytorch.autograd import no_grad
from tinytorch.tensor import DTypeError, ShapeError, Tensor, default_generator

from .checks import (
    check_count,
    check_idx,
    check_in_vocab,
    check_logits,
    check_stop,
    check_temperature,
    check_top_p,
)
from .hook import LogitsCache, cached_logits, check_cache
from .model import evaluating, model_attribute
from .sample import sample
from .softmax import softmax_last
from .top_k import top_k_filter
from .top_p import top_p_filter


def last_logits(model: Callable[[Tensor], Any], context: np.ndarray) -> np.ndarray:
    """The model's logits for the last position of `context` (B, T): (B, V), checked."""
    out = model(Tensor(context))
    if not isinstance(out, Tensor):
        raise TypeError(f"generate: the model must return a Tensor of logits (B, T, V), got "
                        f"{type(out).__name__}")
    b, t = context.shape
    if out.ndim != 3 or out.shape[:2] != (b, t):
        raise ShapeError(f"generate: the model must map ids {(b, t)} to logits {(b, t)} + (V,), "
                         f"got {tuple(out.shape)}")
    if out.data.dtype.kind != "f":
        raise DTypeError(f"generate: the model's logits must be floating point, got "
                         f"{out.data.dtype}")
    return check_logits("generate", Tensor(out.data[:, -1, :]))


def generate(
    model: Callable[[Tensor], Any],
    idx: Tensor,
    max_new_tokens: int,
    temperature: float = 1.0,
    top_k: int | None = None,
    top_p: float | None = None,
    do_sample: bool = True,
    seed: int | None = None,
    stop: int | Sequence[int] | None = None,
    cache: LogitsCache | None = None,
) -> Tensor:
    """Append up to `max_new_tokens` tokens to each prompt of `idx` (B, T); int64 (B, T + n).

    Each step runs `model` on the last `block_size` tokens (see
    `tinytorch.generation.model` for what a model is and which attributes it
    may have) and chooses the next token of every row from the logits of the
    last position:

    - `do_sample=False`: greedy, the most likely token (the lowest id among
      ties); `temperature`, `top_k` and `top_p` are not used (as in Hugging
      Face's `generate`; they are still validated).
    - `do_sample=True`: the logits are divided by `temperature` (> 0; below
      1 sharpens the distribution, above 1 flattens it, and as it goes to 0
      sampling becomes greedy decoding), filtered by `top_k_filter` and then
      `top_p_filter` when given, and one token is drawn from their softmax by
      `sample`, with `np.random.default_rng(seed)` or, for seed=None,
      tinytorch's `default_generator()`. The same seed gives the same tokens.
    - `stop`: a token id or several. A row that produces one is finished: it
      keeps that token and every later position of the row is padded with it
      (as Hugging Face pads with the end-of-sequence token). When every row is
      finished, generation ends early, so the result may be shorter than
      T + max_new_tokens.
    - `cache`: None, or an object with a method `next_token_logits(context)`
      that gives the logits (B, V) of the last position of the context (B, T)
      (see `tinytorch.generation.hook`). Each step then asks the cache
      instead of calling `model`; everything else (the crop to block_size,
      the checks, the sampling, the modes) stays the same. Module 20's KV
      cache uses it to run only the new token of each step.

    Runs under `no_grad` with the model in eval mode, and gives every
    submodule its mode back afterwards. Cost without a cache: max_new_tokens
    forward passes over up to block_size tokens each.
    """
    op = "generate"
    if not callable(model):
        raise TypeError(f"{op}: model must be callable (ids (B, T) -> logits (B, T, V)), got "
                        f"{type(model).__name__}")
    ids = check_idx(op, idx)
    steps = check_count(op, "max_new_tokens", max_new_tokens, minimum=0)
    if not isinstance(do_sample, bool):
        raise TypeError(f"{op}: do_sample must be a bool, got {do_sample!r}")
    if do_sample:
        temperature = check_temperature(op, temperature)
    top_k = None if top_k is None else check_count(op, "top_k", top_k)
    top_p = None if top_p is None else check_top_p(op, "top_p", top_p)
    if seed is not None:
        check_count(op, "seed", seed, minimum=0)
    stops = check_stop(op, stop)
    check_cache(op, cache)
    block_size = model_attribute(op, model, "block_size")
    vocab_size = model_attribute(op, model, "vocab_size")
    if vocab_size is not None:
        check_in_vocab(op, "idx", ids, vocab_size)
        check_in_vocab(op, "stop", stops, vocab_size)
    generator = default_generator() if seed is None else np.random.default_rng(seed)
    ### BEGIN SOLUTION
    out = ids
    finished = np.zeros(len(ids), dtype=bool)
    padding = np.zeros(len(ids), dtype=np.int64)
    with no_grad(), evaluating(model):
        for step in range(steps):
            context = out if block_size is None else out[:, -block_size:]
            logits = (last_logits(model, context) if cache is None
                      else cached_logits(cache, context))
            if step == 0 and vocab_size is None:
                check_in_vocab(op, "idx", ids, logits.shape[-1])
                check_in_vocab(op, "stop", stops, logits.shape[-1])
            if do_sample:
                # shifting by the row max changes no probability, and keeps a tiny
                # temperature from turning the largest logits into inf - inf = NaN
                scaled = (logits - logits.max(axis=-1, keepdims=True)) / temperature
                filtered = Tensor(scaled)
                if top_k is not None:
                    filtered = top_k_filter(filtered, top_k)
                if top_p is not None:
                    filtered = top_p_filter(filtered, top_p)
                probs = Tensor(softmax_last(filtered.data))
                token = sample(probs, generator).data[:, 0]
            else:
                token = np.argmax(logits, axis=-1).astype(np.int64)
            if stops.size:
                token = np.where(finished, padding, token)
                newly = ~finished & np.isin(token, stops)
                padding[newly] = token[newly]
                finished |= newly
            out = np.concatenate([out, token[:, None]], axis=1)
            if stops.size and finished.all():
                break
    return Tensor(np.ascontiguousarray(out, dtype=np.int64))
    ### END SOLUTION
