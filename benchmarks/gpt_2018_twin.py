"""Benchmark: the gpt_2018 milestone's training, in TinyTorch and in a PyTorch twin.

The milestone's target (course.toml) is not a number picked by hand: it is
the loss TinyTorch measured, and this script shows that PyTorch reaches the
same with the same run. It trains the milestone's default GPT
(4 layers, d_model 128, 4 heads, context 64, batch 32, 1500 AdamW steps with
warm-up and cosine decay) twice, in the same process, one thread each:

- TinyTorch: `gpt_2018.build` and `gpt_2018.train`, the milestone's code;
- PyTorch: tt_testing's `torch_gpt`, the nanoGPT-shaped twin with the same
  module names that the tests use too, which loads TinyTorch's initial
  `state_dict` (`load_from_tinytorch`: both start from the SAME weights),
  trains on the SAME batches (`language.batch_starts`, one NumPy array for
  both) with the SAME learning rate at every step (`language.learning_rate`),
  `torch.optim.AdamW` with the same two parameter groups and the same
  gradient clipping.

Then both are scored on the whole validation split (`language.eval_windows`)
and the script reports each loss per character, their difference (target:
|difference| <= 0.03 nats), the largest difference of the validation curves
along the way, both training times, tokens per second and their ratio.
Float32 rounding differs between the frameworks, so the runs drift apart
slowly; the target says the drift stays harmless.

`--quick` runs the milestone's --quick configuration (2 layers, d_model 64,
400 steps). About 15 minutes by default on an idle core (seed 0 measured
TinyTorch 1.7367, PyTorch 1.7365 nats per character), 1 minute with --quick.

    python benchmarks/gpt_2018_twin.py [--quick] [--seed 0] [--steps N]
                                       [--tokenizer char|bpe] [--plot twin.png]
                                       [--report FILE.json]

Needs tt-transformers (and the chain before it), tt-testing (the twin) and torch==2.13.0
(the CPU build).
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path
from typing import Any

import _timing  # before NumPy: it pins BLAS to one thread (and puts milestones/ on the path)
import gpt_2018  # milestones/, on the path through _timing
import language
import numpy as np

#: The last module this benchmark uses: `nox -s benchmark` installs the chain up to it.
REQUIRES = "tt-transformers"
TARGET = 0.03  # |val loss per char, TinyTorch - PyTorch|, nats


def torch_evaluate(torch: Any, model: Any, x: np.ndarray, y: np.ndarray) -> tuple[float, int]:
    """`gpt_2018.evaluate` in PyTorch: (summed nats, scored targets)."""
    F, total, count = torch.nn.functional, 0.0, 0
    model.eval()
    with torch.no_grad():
        for i in range(0, len(x), gpt_2018.EVAL_BATCH):
            xb, yb = x[i:i + gpt_2018.EVAL_BATCH], y[i:i + gpt_2018.EVAL_BATCH]
            kept = int(np.count_nonzero(yb != language.IGNORE))
            if kept:
                logits = model(torch.from_numpy(xb))
                loss = F.cross_entropy(logits.reshape(-1, logits.shape[-1]),
                                       torch.from_numpy(yb).reshape(-1),
                                       ignore_index=language.IGNORE)
                total += float(loss.item()) * kept
                count += kept
    model.train()
    return total, count


def torch_train(torch: Any, model: Any, data: language.Data, cfg: language.TrainConfig,
                seed: int) -> language.Curves:
    """`gpt_2018.train` in PyTorch: the same batches, schedule, groups, clipping, curves."""
    F = torch.nn.functional
    starts = language.batch_starts(seed, cfg.steps, len(data.train.ids), cfg.block_size,
                                   cfg.batch_size)
    probe = language.probe(*language.eval_windows(data.val.ids, cfg.block_size),
                           cfg.probe_windows)
    params = list(model.parameters())  # the tied table once
    groups = [{"params": [p for p in params if p.dim() >= 2], "weight_decay": cfg.weight_decay},
              {"params": [p for p in params if p.dim() < 2], "weight_decay": 0.0}]
    optimizer = torch.optim.AdamW(groups, lr=cfg.lr, betas=cfg.betas, eps=1e-8)
    curves, since, seconds = language.Curves(), [], 0.0
    model.train()
    for step in range(cfg.steps):
        started = time.perf_counter()
        lr = language.learning_rate(step, cfg)
        for group in optimizer.param_groups:
            group["lr"] = lr
        x, y = language.batch(data.train.ids, starts[step], cfg.block_size)
        optimizer.zero_grad()
        logits = model(torch.from_numpy(x))
        loss = F.cross_entropy(logits.reshape(-1, logits.shape[-1]),
                               torch.from_numpy(y).reshape(-1))
        loss.backward()
        torch.nn.utils.clip_grad_norm_(params, cfg.grad_clip)
        optimizer.step()
        since.append(loss.item())
        seconds += time.perf_counter() - started
        done = step + 1
        if done % cfg.eval_every == 0 or done == cfg.steps:
            total, count = torch_evaluate(torch, model, *probe)
            curves.step.append(done)
            curves.train_loss.append(float(np.mean(since)))
            curves.val_loss.append(total / count)
            since = []
            print(f"PyTorch step {done}/{cfg.steps}: train loss {curves.train_loss[-1]:.4f}, "
                  f"val loss {curves.val_loss[-1]:.4f} (per token)", flush=True)
    curves.train_seconds, curves.tokens = seconds, cfg.steps * cfg.tokens_per_step
    return curves


def arguments() -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--quick", action="store_true", help="the milestone's --quick configuration")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--steps", type=int, default=None, help="override the training steps")
    p.add_argument("--tokenizer", choices=["char", "bpe"], default="char")
    p.add_argument("--plot", type=Path, default=None, metavar="FILE.png",
                   help="both frameworks' loss curves (needs matplotlib)")
    p.add_argument("--report", type=Path, default=None)
    args = p.parse_args()
    if args.steps is not None and args.steps < 1:
        p.error(f"--steps must be 1 or more, got {args.steps}")
    return args


def main() -> int:
    args = arguments()
    torch = _timing.peer()
    if torch is None:
        return 2
    from tinytorch.tensor import Tensor
    from tt_testing import load_from_tinytorch, torch_gpt

    cfg = language.QUICK if args.quick else language.DEFAULT
    cfg = cfg if args.steps is None else cfg.replace(steps=args.steps)
    data = language.prepare(language.load_corpus("jargon"), "jargon", args.tokenizer)
    tt_model = gpt_2018.build(cfg, data.vocab_size, args.seed)
    pt_model = load_from_tinytorch(torch_gpt(tt_model.config), tt_model.state_dict())
    x0, _ = language.batch(data.train.ids, np.arange(4) * 1000, cfg.block_size)
    with torch.no_grad():
        start_diff = float(np.max(np.abs(np.asarray(tt_model(Tensor(x0)).data)
                                         - pt_model(torch.from_numpy(x0)).numpy())))
    print(f"same initial weights: largest logit difference {start_diff:.2e}; {cfg.steps} steps "
          f"of {cfg.batch_size} x {cfg.block_size} tokens each", flush=True)

    tt_curves = gpt_2018.train(tt_model, data, cfg, args.seed,
                               log=lambda line: print(f"TinyTorch {line}", flush=True))
    tt_val = gpt_2018.loss_per_char(tt_model, data.val, cfg.block_size)
    pt_curves = torch_train(torch, pt_model, data, cfg, args.seed)
    pt_total, _ = torch_evaluate(torch, pt_model,
                                 *language.eval_windows(data.val.ids, cfg.block_size))
    pt_val = pt_total / max(data.val.chars, 1)

    diff = tt_val - pt_val
    drift = max(abs(a - b)
                for a, b in zip(tt_curves.val_loss, pt_curves.val_loss, strict=True))
    tt_rate = tt_curves.tokens / tt_curves.train_seconds
    pt_rate = pt_curves.tokens / pt_curves.train_seconds
    passed = abs(diff) <= TARGET
    print(f"validation loss per character: TinyTorch {tt_val:.4f}, PyTorch {pt_val:.4f}, "
          f"difference {diff:+.4f} (target |difference| <= {TARGET}) -> "
          f"{'ok' if passed else 'APART'}")
    print(f"largest difference of the validation curves: {drift:.4f} nats per token")
    print(f"training: TinyTorch {tt_curves.train_seconds:.1f}s ({tt_rate:,.0f} tokens/s), "
          f"PyTorch {pt_curves.train_seconds:.1f}s ({pt_rate:,.0f} tokens/s), ratio "
          f"{tt_curves.train_seconds / pt_curves.train_seconds:.2f}")
    if args.plot is not None:
        cpt = data.val_text_chars / max(len(data.val.ids), 1)
        language.plot(args.plot, f"gpt_2018 and its PyTorch twin (seed {args.seed})",
                      {"TinyTorch": tt_curves, "PyTorch": pt_curves}, cpt)
    if args.report:
        _timing.write_json_atomic(args.report, {
            "benchmark": "gpt_2018_twin", "quick": args.quick, "seed": args.seed,
            "tokenizer": args.tokenizer, "steps": cfg.steps, "config": dict(cfg.__dict__),
            "initial_logit_difference": start_diff,
            "tinytorch_val_loss": round(tt_val, 6), "pytorch_val_loss": round(pt_val, 6),
            "difference": round(diff, 6), "target": TARGET, "passed": passed,
            "curve_drift": round(drift, 6),
            "tinytorch_curve": tt_curves.val_loss, "pytorch_curve": pt_curves.val_loss,
            "tinytorch_train_seconds": round(tt_curves.train_seconds, 3),
            "pytorch_train_seconds": round(pt_curves.train_seconds, 3),
            "tinytorch_tokens_per_second": round(tt_rate, 1),
            "pytorch_tokens_per_second": round(pt_rate, 1),
            **_timing.machine(torch)})
    return 0 if passed else 1


if __name__ == "__main__":
    sys.exit(main())
