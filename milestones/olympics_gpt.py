"""The olympics' TinyGPT task: a char GPT at context 256, generating with and without a KV cache.

A small GPT (gpt_2018's model and training loop) learns the Jargon File
briefly at block_size 256, the context where module 20 measured its 10x
(benchmarks/kv_cache.py: 200 greedy tokens after a 16-token prompt). The
hidden test text is the corpus's last 10 % (never trained on), or
`--test-text FILE`, checked before any training.

`check_cache` generates those 200 tokens from the hidden text's first 16
characters with tinytorch.caching's `generate`, without and with the cache,
in interleaved rounds: the tokens must be identical in every round, and the
cache must be faster (median ms per token of the rounds). The same model is
then submitted twice, `use_cache` false and true, for the scorer to measure.
"""

from __future__ import annotations

import statistics
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import gpt_2018
import harness
import language
import numpy as np

NAME = "olympics"
PROMPT, NEW = 16, 200  # benchmarks/kv_cache.py's setup
# context 256 as in issue 10's measurement; quick: two thin layers for seconds of training
QUICK = language.TrainConfig(n_layer=2, n_head=4, n_embd=64, block_size=256, batch_size=8,
                             steps=40, lr=5e-3, min_lr=5e-4, warmup=5, eval_every=20,
                             probe_windows=8)
# full: gpt_2018's width and depth (the benchmark's shape), a minute or two of training
FULL = language.TrainConfig(n_layer=4, n_head=4, n_embd=128, block_size=256, batch_size=8,
                            steps=150, lr=3e-3, min_lr=3e-4, warmup=15, eval_every=50,
                            probe_windows=16)


@dataclass
class TextTask:
    """The corpus split and tokenized, and the hidden test text."""

    data: language.Data
    hidden_text: str
    hidden_from: str  # where the hidden text came from, for messages

    @property
    def vocab(self) -> str:
        """The char tokenizer's characters in id order: the submission's `vocab`."""
        return "".join(self.data.tokenizer.vocab)


def load_task(test_text: Path | None) -> TextTask:
    """The Jargon File, split; the hidden text checked (exit 2 before training if unusable)."""
    text = language.load_corpus("jargon")
    data = language.prepare(text, "jargon", "char")
    if test_text is None:
        return TextTask(data, language.split(text)[1], "the Jargon File's last 10%")
    try:
        hidden = harness.load_text(test_text)
    except harness.DataError as exc:
        harness.fail(NAME, f"--test-text {exc}")
    unknown = language.unknown_characters(data.tokenizer, hidden)
    if unknown:
        harness.fail(NAME, f"--test-text {test_text}: {len(unknown)} character(s) outside the "
                           f"{data.vocab_size}-character vocabulary: "
                           f"{language.describe_unknown(unknown, hidden)}")
    if len(hidden) < PROMPT + 1:
        harness.fail(NAME, f"--test-text {test_text}: {len(hidden)} characters; the cache "
                           f"check needs at least {PROMPT + 1} (a {PROMPT}-character prompt)")
    return TextTask(data, hidden, str(test_text))


def train(task: TextTask, quick: bool, seed: int, steps: int | None = None) -> Any:
    """gpt_2018's GPT and loop at block_size 256 (QUICK or FULL; `steps` overrides)."""
    cfg = QUICK if quick else FULL
    if steps is not None:
        cfg = cfg.replace(steps=steps)
    model = gpt_2018.build(cfg, task.data.vocab_size, seed)
    print(f"TinyGPT: {cfg.n_layer} layers, d_model {cfg.n_embd}, {cfg.n_head} heads, context "
          f"{cfg.block_size}, {model.num_parameters():,} parameters; {cfg.steps} steps of "
          f"{cfg.batch_size} x {cfg.block_size} characters", flush=True)
    gpt_2018.train(model, task.data, cfg, seed, log=lambda line: print(line, flush=True))
    return model


@dataclass
class CacheCheck:
    """The cache check's figures: every round's ms per token, and whether tokens matched."""

    uncached_ms: list[float]
    cached_ms: list[float]
    identical: bool
    first_difference: int | None  # position of the first differing token, if any

    @property
    def speedup(self) -> float:
        return statistics.median(self.uncached_ms) / statistics.median(self.cached_ms)

    @property
    def faster(self) -> bool:
        return statistics.median(self.cached_ms) < statistics.median(self.uncached_ms)


def check_cache(model: Any, task: TextTask, rounds: int) -> CacheCheck:
    """NEW greedy tokens after the hidden text's first PROMPT characters, both ways, `rounds` x.

    One untimed warm-up each, then the two ways alternate within each round
    (same process, same thread), so a change in the machine's load hits
    both. Every round's tokens are compared with the uncached warm-up's.
    """
    from tinytorch.caching import generate
    from tinytorch.tensor import Tensor

    prompt = Tensor(np.asarray([task.data.tokenizer.encode(task.hidden_text[:PROMPT])],
                               dtype=np.int64))
    model.eval()
    reference = generate(model, prompt, NEW, do_sample=False, use_cache=False).data
    generate(model, prompt, NEW, do_sample=False, use_cache=True)  # warm-up
    times: dict[bool, list[float]] = {False: [], True: []}
    first: int | None = None
    for _ in range(rounds):
        for cached in (False, True):
            started = time.perf_counter()
            out = generate(model, prompt, NEW, do_sample=False, use_cache=cached).data
            times[cached].append(1e3 * (time.perf_counter() - started) / NEW)
            if first is None and not np.array_equal(out, reference):
                same = min(out.shape[1], reference.shape[1])
                differ = np.flatnonzero(out[0, :same] != reference[0, :same])
                first = int(differ[0]) if len(differ) else same
    return CacheCheck(times[False], times[True], first is None, first)

