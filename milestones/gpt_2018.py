"""Milestone 2018: TinyGPT, a transformer that learns to write the Jargon File.

Radford, Narasimhan, Salimans and Sutskever (2018) trained a decoder-only
transformer (GPT) on plain text with one objective, predict the next token,
and found that it learned the language well enough to be fine-tuned for
almost anything. Here a small GPT (nanoGPT's shape: token and position
embeddings, pre-LayerNorm blocks of causal self-attention and a GELU MLP, a
head tied to the token table) learns the hacker's dictionary, character by
character (or with a byte-level BPE, `--tokenizer bpe`).

The text's last 10% is the validation split: never trained on, scored at
the end over all of it. The metric, `val_loss`, is its loss per character
in nats (lower is better; a model that guesses uniformly among the 96
characters scores ln 96 = 4.56). Then the model writes from the prompt
`:kluge:`, greedily and at temperature 0.8 (seeded).

Default: 4 layers, d_model 128, 4 heads, context 64, batch 32, 1500 AdamW
steps (warm-up, then cosine decay), 8 to 10 minutes on one idle core (1.737
nats per character, seed 0); the same run in PyTorch
(benchmarks/gpt_2018_twin.py: same weights, batches and steps) ends within
0.03 nats of it. `--quick` (CI): 2 layers, d_model 64, 400 steps, under a
minute, held to course.toml's `"jargon --quick"` target.

`--test-data FILE.txt` also scores any UTF-8 text file, per character. With
the character tokenizer its vocabulary is printable ASCII and newline plus
the training text's characters: a file with any other character is refused
before training, naming it (`--tokenizer bpe` scores any text).

`--data shakespeare` trains on tiny-shakespeare instead, downloaded once
into `--data-dir` (default: tt-dataloader's cache, $TT_DATA) and checked
against its SHA-256.

`--kv-cache` generates the samples with tinytorch.caching's `generate(..., use_cache=True)`
(tt-caching, module 20): the greedy sample is generated with and without the cache, the
run fails unless the tokens are identical, and it reports the milliseconds per token of
both, measured in that run, and the speedup (`kv_cache_*`, `no_cache_ms_per_token` in the
report). At context 64 the window fills after `64 - prompt` new tokens; from then on every
step slides it and the cache is rebuilt, so the gain is small here: the lesson of module 20
is that it grows with the room left in the context.

Needs modules 01-17. `--plot` needs matplotlib (optional). `--profile` (tt-benchmarking,
module 18) profiles the trained GPT on one training batch: a forward pass and a training
step.

    python milestones/gpt_2018.py [--tokenizer char|bpe] [--data jargon|shakespeare]
                                  [--data-dir DIR] [--seed 0] [--quick] [--steps N | --epochs N]
                                  [--report r.json] [--plot gpt.png] [--test-data more.txt]
                                  [--profile] [--kv-cache]
"""

from __future__ import annotations

import argparse
import math
import sys
import time
from pathlib import Path
from typing import Any

import harness
import language
import numpy as np

NAME = "gpt_2018"
DATA = {"jargon": harness.TextSpec("the Jargon File"),
        "shakespeare": harness.TextSpec("tiny-shakespeare")}
PROMPT = ":kluge:"
SAMPLE_TOKENS = {"char": 300, "bpe": 100}
TEMPERATURE = 0.8
EVAL_BATCH = 64  # windows per forward pass when scoring


def options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--tokenizer", choices=["char", "bpe"], default="char",
                        help="characters (default) or a byte-level BPE of "
                             f"{language.BPE_VOCAB} tokens trained on the training split")
    parser.add_argument("--steps", type=harness.non_negative, default=None,
                        help="override the number of training steps (0: score the untrained "
                             "model); --epochs N trains N passes over the training tokens")
    parser.add_argument("--plot", type=Path, default=None, metavar="FILE.png",
                        help="draw the training and validation loss curves into this PNG "
                             "(needs matplotlib)")
    parser.add_argument("--data-dir", type=Path, default=None, metavar="DIR",
                        help="where tiny-shakespeare is kept (--data shakespeare; default: "
                             "tt-dataloader's cache, $TT_DATA, under tinyshakespeare/)")
    parser.add_argument("--data-url", default=language.SHAKESPEARE_URL, metavar="URL",
                        help="where to download tiny-shakespeare from (a mirror; the "
                             "SHA-256 must still match)")
    parser.add_argument("--kv-cache", action="store_true",
                        help="generate the samples with tt-caching's KV cache (module 20): "
                             "checks the greedy tokens equal those without it and reports ms "
                             "per token with and without it, and the speedup")


def config(args: argparse.Namespace, train_tokens: int) -> language.TrainConfig:
    """DEFAULT or QUICK, with `--steps N`, or `--epochs N` passes over the training tokens."""
    cfg = language.QUICK if args.quick else language.DEFAULT
    if args.steps is not None:
        return cfg.replace(steps=args.steps)
    if args.epochs is not None:
        return cfg.replace(steps=math.ceil(args.epochs * train_tokens / cfg.tokens_per_step))
    return cfg


def build(cfg: language.TrainConfig, vocab_size: int, seed: int) -> Any:
    """The GPT of `cfg`, its weights drawn from tinytorch's generator seeded with `seed`."""
    from tinytorch.tensor import manual_seed
    from tinytorch.transformers import GPT, GPTConfig

    manual_seed(seed)
    return GPT(GPTConfig(vocab_size=vocab_size, block_size=cfg.block_size, n_layer=cfg.n_layer,
                         n_head=cfg.n_head, n_embd=cfg.n_embd, dropout=0.0, bias=True))


def evaluate(model: Any, x: np.ndarray, y: np.ndarray) -> tuple[float, int]:
    """(summed loss in nats, number of scored targets) over windows x, y, in eval mode."""
    from tinytorch.autograd import no_grad
    from tinytorch.tensor import Tensor
    from tinytorch.transformers import lm_loss

    was_training, total, count = model.training, 0.0, 0
    model.eval()
    with no_grad():
        for i in range(0, len(x), EVAL_BATCH):
            xb, yb = x[i:i + EVAL_BATCH], y[i:i + EVAL_BATCH]
            kept = int(np.count_nonzero(yb != language.IGNORE))
            if kept:
                total += float(lm_loss(model(Tensor(xb)), Tensor(yb)).item()) * kept
                count += kept
    model.train(was_training)
    return total, count


def train(model: Any, data: language.Data, cfg: language.TrainConfig, seed: int,
          log: Any = print) -> language.Curves:
    """AdamW on `cfg.steps` batches drawn by `language.batch_starts(seed, ...)`.

    Weight decay on the matrices only (`optimizer_groups`), the learning rate
    of `language.learning_rate` set before every step, gradients clipped to
    norm `cfg.grad_clip`. Every `cfg.eval_every` steps a point of the curves:
    the mean training loss since the last point and the loss on a fixed probe
    of validation windows. A progress line with tokens per second.
    """
    from tinytorch.optimizers import AdamW, clip_grad_norm_
    from tinytorch.tensor import Tensor
    from tinytorch.transformers import lm_loss

    starts = language.batch_starts(seed, cfg.steps, len(data.train.ids), cfg.block_size,
                                   cfg.batch_size)
    probe = language.probe(*language.eval_windows(data.val.ids, cfg.block_size),
                           cfg.probe_windows)
    optimizer = AdamW(model.optimizer_groups(cfg.weight_decay), lr=cfg.lr, betas=cfg.betas)
    params = [p for group in optimizer.param_groups for p in group["params"]]
    curves, since, seconds = language.Curves(), [], 0.0
    model.train()
    for step in range(cfg.steps):
        started = time.perf_counter()
        lr = language.learning_rate(step, cfg)
        for group in optimizer.param_groups:
            group["lr"] = lr
        x, y = language.batch(data.train.ids, starts[step], cfg.block_size)
        optimizer.zero_grad()
        loss = lm_loss(model(Tensor(x)), Tensor(y))
        loss.backward()
        clip_grad_norm_(params, cfg.grad_clip)
        optimizer.step()
        since.append(loss.item())
        seconds += time.perf_counter() - started
        done = step + 1
        if done % cfg.eval_every == 0 or done == cfg.steps:
            total, count = evaluate(model, *probe)
            curves.step.append(done)
            curves.train_loss.append(float(np.mean(since)))
            curves.val_loss.append(total / count)
            since = []
            rate = done * cfg.tokens_per_step / seconds
            left = (cfg.steps - done) * seconds / done
            log(f"step {done}/{cfg.steps}: train loss {curves.train_loss[-1]:.4f}, val loss "
                f"{curves.val_loss[-1]:.4f} (per token), lr {lr:.2e}, {rate:,.0f} tokens/s, "
                f"{left:.0f}s left")
    curves.train_seconds, curves.tokens = seconds, cfg.steps * cfg.tokens_per_step
    return curves


def loss_per_char(model: Any, tokens: language.Tokens, block: int) -> float:
    """The summed next-token loss over `tokens` divided by the characters it predicts."""
    total, _ = evaluate(model, *language.eval_windows(tokens.ids, block))
    return total / max(tokens.chars, 1)


def samples(model: Any, tokenizer: Any, kind: str, seed: int) -> dict[str, str]:
    """Text from the prompt PROMPT: greedy, and sampled at TEMPERATURE with `seed`."""
    from tinytorch.generation import generate
    from tinytorch.tensor import Tensor

    prompt = Tensor(np.asarray([tokenizer.encode(PROMPT)], dtype=np.int64))
    n = SAMPLE_TOKENS[kind]
    greedy = generate(model, prompt, n, do_sample=False)
    sampled = generate(model, prompt, n, temperature=TEMPERATURE, do_sample=True, seed=seed)
    return {"greedy": tokenizer.decode(greedy.data[0].tolist()),
            "sampled": tokenizer.decode(sampled.data[0].tolist())}


class KVCacheMismatch(RuntimeError):
    """--kv-cache: the cached greedy tokens differ from the uncached ones."""


def cached_samples(run: harness.Run, model: Any, tokenizer: Any, kind: str, seed: int
                   ) -> dict[str, str]:
    """`samples`, with tinytorch.caching's generate, the greedy one checked and timed.

    The greedy sample is generated twice, without the cache (module 17's
    generate, as `samples` does) and with it; the tokens must be identical
    (KVCacheMismatch otherwise, naming the first differing position). Both
    are timed in this run, one pass each of the same number of tokens, and
    recorded: ms per new token with and without the cache, and the speedup.
    """
    from tinytorch.caching import generate as generate_cached
    from tinytorch.generation import generate
    from tinytorch.tensor import Tensor

    prompt = Tensor(np.asarray([tokenizer.encode(PROMPT)], dtype=np.int64))
    n, given = SAMPLE_TOKENS[kind], prompt.shape[1]
    started = time.perf_counter()
    plain = generate(model, prompt, n, do_sample=False)
    plain_seconds = time.perf_counter() - started
    started = time.perf_counter()
    greedy = generate_cached(model, prompt, n, do_sample=False, use_cache=True)
    cached_seconds = time.perf_counter() - started
    if not np.array_equal(greedy.data, plain.data):
        a, b = greedy.data[0], plain.data[0]
        same = min(len(a), len(b))
        differ = np.flatnonzero(a[:same] != b[:same])
        raise KVCacheMismatch(f"--kv-cache: the cached greedy tokens differ from the uncached "
                              f"ones from position {int(differ[0]) if len(differ) else same} "
                              f"on ({len(a)} tokens against {len(b)})")
    sampled = generate_cached(model, prompt, n, temperature=TEMPERATURE, do_sample=True,
                              seed=seed, use_cache=True)
    new = greedy.shape[1] - given
    cached_ms, plain_ms = 1e3 * cached_seconds / new, 1e3 * plain_seconds / new
    block = model.config.block_size
    run.record(kv_cache_tokens_equal=True, kv_cache_new_tokens=new,
               kv_cache_prompt_tokens=given, kv_cache_ms_per_token=round(cached_ms, 4),
               no_cache_ms_per_token=round(plain_ms, 4),
               kv_cache_speedup=round(plain_ms / cached_ms, 4))
    room = block - given
    context = (f"context {block}: it holds the {given}-token prompt and all {new} new tokens"
               if new <= room else
               f"context {block}: the cache grows for {room} of the {new} new tokens, then "
               "the window slides and every step rebuilds it")
    print(f"KV cache: the {new} greedy tokens are identical with and without it; "
          f"{cached_ms:.2f} ms per token with the cache, {plain_ms:.2f} without: "
          f"{plain_ms / cached_ms:.2f}x ({context}; one pass each, this run)")
    return {"greedy": tokenizer.decode(greedy.data[0].tolist()),
            "sampled": tokenizer.decode(sampled.data[0].tolist())}


def load(run: harness.Run) -> tuple[language.Data, language.Tokens | None]:
    """The corpus split and tokenized, and the --test-data tokens (None without it).

    Exit 2 (before training) when the corpus is not there and cannot be
    downloaded, or when the --test-data text cannot be scored: characters
    the character vocabulary lacks, or fewer than two tokens.
    """
    args = run.args
    try:
        text = language.load_corpus(args.data, args.data_dir, args.data_url)
    except harness.DataError as exc:
        harness.fail(NAME, str(exc))
    data = language.prepare(text, args.data, args.tokenizer)
    if run.test_set is not None:
        unknown = language.unknown_characters(data.tokenizer, run.test_set)
        if unknown:
            harness.fail(NAME, f"--test-data {args.test_data}: {len(unknown)} character(s) "
                               f"outside the {data.vocab_size}-character vocabulary: "
                               f"{language.describe_unknown(unknown, run.test_set)}; a "
                               "character model cannot score them (--tokenizer bpe reads any "
                               "text)")
        tokens = language.encode(data.tokenizer, run.test_set)
        if len(tokens.ids) < 2:
            harness.fail(NAME, f"--test-data {args.test_data}: is one token long; there is "
                               "nothing to predict")
        return data, tokens
    return data, None


def body(run: harness.Run) -> None:
    args = run.args
    if args.epochs is not None and args.steps is not None:
        harness.fail(NAME, "--epochs and --steps both say how long to train: give one")
    data, test_tokens = load(run)
    cfg = config(args, len(data.train.ids))
    cpt = data.val_text_chars / max(len(data.val.ids), 1)  # characters per token
    run.record(tokenizer=args.tokenizer, vocab_size=data.vocab_size, steps=cfg.steps,
               train_tokens=len(data.train.ids), val_tokens=len(data.val.ids),
               val_chars=data.val.chars, chars_per_token=round(cpt, 4),
               tokenize_seconds=round(data.tokenize_seconds, 3))
    print(f"{args.data}: {data.train_text_chars:,} training characters, "
          f"{data.val_text_chars:,} validation (the last 10%); {args.tokenizer} tokenizer, "
          f"vocabulary {data.vocab_size}, {cpt:.2f} characters per token")

    model = build(cfg, data.vocab_size, args.seed)
    run.record(parameters=model.num_parameters(), n_layer=cfg.n_layer, n_embd=cfg.n_embd,
               n_head=cfg.n_head, block_size=cfg.block_size, batch_size=cfg.batch_size)
    print(f"GPT: {cfg.n_layer} layers, d_model {cfg.n_embd}, {cfg.n_head} heads, context "
          f"{cfg.block_size}, {run.measured['parameters']:,} parameters; {cfg.steps} steps of "
          f"{cfg.batch_size} x {cfg.block_size} tokens", flush=True)
    curves = train(model, data, cfg, args.seed, log=lambda line: print(line, flush=True))
    rate = curves.tokens / curves.train_seconds if curves.train_seconds else None
    run.record(train_seconds=round(curves.train_seconds, 3),
               tokens_per_second=None if rate is None else round(rate, 1),
               train_loss=curves.train_loss[-1] if curves.train_loss else None)

    val = loss_per_char(model, data.val, cfg.block_size)
    run.record(val_loss=round(val, 6), val_perplexity_per_char=round(float(np.exp(val)), 4))
    print(f"validation: {val:.4f} nats per character (perplexity {np.exp(val):.2f}; "
          f"guessing uniformly: {np.log(data.vocab_size):.2f} per token)")

    if test_tokens is not None:
        run.record(test_data_loss=round(loss_per_char(model, test_tokens, cfg.block_size), 6),
                   test_data_chars=test_tokens.chars)
        print(f"{args.test_data}: {run.measured['test_data_loss']:.4f} nats per character "
              f"({test_tokens.chars:,} characters)")

    if args.kv_cache:
        texts = cached_samples(run, model, data.tokenizer, args.tokenizer, args.seed)
    else:
        texts = samples(model, data.tokenizer, args.tokenizer, args.seed)
    run.record(sample_greedy=texts["greedy"], sample_temperature=texts["sampled"])
    print(f"--- greedy, from {PROMPT!r}:\n{texts['greedy']}\n--- temperature {TEMPERATURE}, "
          f"seed {args.seed}:\n{texts['sampled']}\n---")
    if args.plot is not None:
        language.plot(args.plot, f"TinyGPT on {args.data} ({args.tokenizer}, seed {args.seed})",
                      {"TinyGPT": curves}, cpt)
    from tinytorch.transformers import lm_loss

    run.profile_with(model, *profile_batch(data, cfg, args.seed), lm_loss)  # --profile


def profile_batch(data: language.Data, cfg: language.TrainConfig, seed: int
                  ) -> tuple[np.ndarray, np.ndarray]:
    """One training batch (inputs, targets), drawn as `train` draws its first."""
    starts = language.batch_starts(seed, 1, len(data.train.ids), cfg.block_size,
                                   cfg.batch_size)
    return language.batch(data.train.ids, starts[0], cfg.block_size)


if __name__ == "__main__":
    sys.exit(harness.main(NAME, __doc__, body, DATA, options=options,
                          needs={"kv_cache": "tt-caching"}))
