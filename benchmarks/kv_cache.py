"""Benchmark: generation with and without the KV cache (module 20), TinyTorch and PyTorch.

The gpt_2018 model's shape (4 layers, d_model 128, 4 heads, vocabulary 65),
randomly initialised (`manual_seed(0)`: speed does not depend on training),
generates 200 tokens greedily after a 16-token prompt, at contexts
(block_size) of 16, 64 and 256:

- TinyTorch: `tinytorch.caching.generate(..., use_cache=False)` (module 17's
  loop: a forward pass over the whole cropped context per token) against
  `use_cache=True` (CachedGPT: one token per step while the context grows; a
  rebuild from the cropped window per step once it slides, which is exact).
- PyTorch (contexts 64 and 256): tt_testing's `torch_gpt` twin with the same
  weights, an uncached greedy loop, and a small KV-cached forward of the twin
  written here (keys and values concatenated per layer, the same rebuild
  policy), both under `torch.no_grad()`.

Checks, every run: the cached tokens equal the uncached tokens, in each
framework (the run fails otherwise); whether TinyTorch's and PyTorch's
tokens agree is printed too (float rounding may break a near tie).
Target: at block_size 256 the cache makes TinyTorch's generation at least
10x faster. With 216 tokens in a context of 256 the window never slides;
at 64 it slides after 48 tokens and at 16 at once, and from then on every
step rebuilds the cache: the gain shrinks with the room in the context,
which is the lesson.

One thread each, same process, the runs of one context interleaved in
rounds (`_timing.py`); each way is judged by its best round, and the range
over rounds is printed with the load average. Memory of the cache (bytes per
token, per layer, total) is read from a KVCache's arrays.

    python benchmarks/kv_cache.py [--rounds 5] [--new 200] [--plot kv_cache.png]
                                  [--report FILE.json]

Needs tt-caching (and the chain before it), tt-testing (the twin) and
torch==2.13.0 (the CPU build); the plot needs matplotlib.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import _timing  # before NumPy: it pins BLAS to one thread
import numpy as np

#: The last module this benchmark uses: `nox -s benchmark` installs the chain up to it.
REQUIRES = "tt-caching"

SHAPE = dict(vocab_size=65, n_layer=4, n_head=4, n_embd=128)
CONTEXTS = (16, 64, 256)
TORCH_CONTEXTS = (64, 256)
PROMPT = 16
TARGET_CONTEXT, TARGET_SPEEDUP = 256, 10.0


def arguments() -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--rounds", type=int, default=5, help="interleaved rounds per context")
    p.add_argument("--new", type=int, default=200, help="tokens generated after the prompt")
    p.add_argument("--plot", type=Path, default=None, metavar="FILE.png",
                   help="speedup and ms per token against the context (needs matplotlib)")
    p.add_argument("--report", type=Path, default=None)
    return p.parse_args()


def tinytorch_runs(block_size: int, prompt: np.ndarray, new: int) -> tuple[Any, dict[str, Any]]:
    """The model and its two generation calls: {'uncached': fn, 'cached': fn} -> ids (1, T)."""
    from tinytorch.caching import generate
    from tinytorch.tensor import Tensor, manual_seed
    from tinytorch.transformers import GPT, GPTConfig

    manual_seed(0)
    model = GPT(GPTConfig(**SHAPE, block_size=block_size))
    idx = Tensor(prompt)
    return model, {
        "uncached": lambda: generate(model, idx, new, do_sample=False, use_cache=False).data,
        "cached": lambda: generate(model, idx, new, do_sample=False, use_cache=True).data,
    }


def torch_cached_forward(torch: Any, twin: Any, ids: Any, past: list[tuple[Any, Any]] | None
                         ) -> tuple[Any, list[tuple[Any, Any]]]:
    """The twin's forward for new ids (B, T) after `past` keys and values: (last logits, past)."""
    F = torch.nn.functional
    B, T = ids.shape
    start = 0 if past is None else past[0][0].shape[2]
    C = twin.wte.weight.shape[1]
    nh = SHAPE["n_head"]
    x = twin.wte(ids) + twin.wpe(torch.arange(start, start + T))
    mask = None if T == 1 else torch.ones(T, start + T, dtype=torch.bool).tril(start)
    kept = []
    for i, block in enumerate(twin.h):
        q, k, v = block.attn.c_attn(block.ln_1(x)).split(C, dim=2)
        q, k, v = (t.view(B, T, nh, C // nh).transpose(1, 2) for t in (q, k, v))
        if past is not None:
            k, v = torch.cat([past[i][0], k], dim=2), torch.cat([past[i][1], v], dim=2)
        kept.append((k, v))
        y = F.scaled_dot_product_attention(q, k, v, attn_mask=mask)
        x = x + block.attn.c_proj(y.transpose(1, 2).reshape(B, T, C))
        x = x + block.mlp(block.ln_2(x))
    return twin.lm_head(twin.ln_f(x[:, -1])), kept


def torch_runs(torch: Any, model: Any, prompt: np.ndarray, new: int) -> dict[str, Any]:
    """PyTorch's uncached and KV-cached greedy generation with the twin of `model`."""
    from tt_testing import load_from_tinytorch, torch_gpt

    twin = load_from_tinytorch(torch_gpt(model.config), model.state_dict()).eval()
    block_size = model.config.block_size

    def run(cached: bool) -> np.ndarray:
        out = torch.from_numpy(prompt)
        past = None
        with torch.no_grad():
            for _ in range(new):
                context = out[:, -block_size:]
                if not cached:
                    logits = twin(context)[:, -1]
                elif past is not None and out.shape[1] <= block_size:  # grew by one token
                    logits, past = torch_cached_forward(torch, twin, context[:, -1:], past)
                else:  # the first step, or the window slid: rebuild (exact)
                    logits, past = torch_cached_forward(torch, twin, context, None)
                out = torch.cat([out, logits.argmax(dim=-1, keepdim=True)], dim=1)
        return out.numpy()

    return {"uncached": lambda: run(False), "cached": lambda: run(True)}


def time_rounds(runs: dict[str, Callable[[], np.ndarray]], rounds: int
                ) -> tuple[dict[str, list[float]], dict[str, np.ndarray]]:
    """Seconds of each run in `rounds` interleaved rounds (after one warm-up), and its tokens."""
    tokens = {name: fn() for name, fn in runs.items()}  # the warm-up, and the tokens
    seconds: dict[str, list[float]] = {name: [] for name in runs}
    for _ in range(rounds):
        for name, fn in runs.items():
            t0 = time.perf_counter()
            fn()
            seconds[name].append(time.perf_counter() - t0)
    return seconds, tokens


def row(framework: str, block_size: int, seconds: dict[str, list[float]],
        tokens: dict[str, np.ndarray], new: int) -> dict[str, Any]:
    ms = {name: [1e3 * s / new for s in times] for name, times in seconds.items()}
    best = {name: min(v) for name, v in ms.items()}
    per_round = [u / c for u, c in zip(ms["uncached"], ms["cached"], strict=True)]
    return {
        "framework": framework, "block_size": block_size,
        "uncached_ms_per_token": round(best["uncached"], 3),
        "cached_ms_per_token": round(best["cached"], 3),
        "speedup": round(best["uncached"] / best["cached"], 2),
        "speedup_range": [round(min(per_round), 2), round(max(per_round), 2)],
        "uncached_rounds_ms": [round(x, 3) for x in ms["uncached"]],
        "cached_rounds_ms": [round(x, 3) for x in ms["cached"]],
        "same_tokens": bool(np.array_equal(tokens["uncached"], tokens["cached"])),
    }


def memory_rows() -> list[dict[str, Any]]:
    """The KV cache's bytes at each context, read from a KVCache's arrays (batch 1)."""
    from tinytorch.caching import KVCache
    from tinytorch.transformers import GPTConfig

    return [KVCache(GPTConfig(**SHAPE, block_size=b), batch_size=1).memory() for b in CONTEXTS]


def plot(path: Path, rows: list[dict[str, Any]], new: int) -> bool:
    """Speedup and ms per token against the context, both frameworks, into `path` (PNG)."""
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        print("--plot: matplotlib is not installed, so no plot (pip install matplotlib)")
        return False
    from matplotlib.ticker import ScalarFormatter

    fig, (left, right) = plt.subplots(1, 2, figsize=(11, 4.2), constrained_layout=True)
    for framework, marker in (("TinyTorch", "o"), ("PyTorch", "s")):
        mine = [r for r in rows if r["framework"] == framework]
        ctx = [r["block_size"] for r in mine]
        left.plot(ctx, [r["speedup"] for r in mine], marker=marker, label=framework)
        line, = right.plot(ctx, [r["uncached_ms_per_token"] for r in mine], marker=marker,
                           label=f"{framework} without cache")
        right.plot(ctx, [r["cached_ms_per_token"] for r in mine], marker=marker, ls="--",
                   color=line.get_color(), label=f"{framework} with KV cache")
    left.axhline(1.0, color="grey", lw=0.8)
    left.set_ylabel("speedup with the KV cache (x)")
    right.set_ylabel("ms per generated token"), right.set_yscale("log")
    right.yaxis.set_major_formatter(ScalarFormatter())
    for ax in (left, right):
        ax.set_xscale("log", base=2), ax.set_xticks(list(CONTEXTS), [str(c) for c in CONTEXTS])
        ax.set_xlabel("context (block_size)"), ax.grid(alpha=0.3), ax.legend()
    fig.suptitle(f"gpt_2018 shape, {new} greedy tokens after {PROMPT}, one thread (measured)")
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".png")
    os.close(fd)
    try:
        fig.savefig(tmp, dpi=110)
        os.replace(tmp, path)  # atomic: never a half-written PNG
    finally:
        plt.close(fig)
        Path(tmp).unlink(missing_ok=True)
    print(f"plot: {path}")
    return True


def main() -> int:
    args = arguments()
    torch = _timing.peer()
    if torch is None:
        return 2
    prompt = np.random.default_rng(0).integers(0, SHAPE["vocab_size"], (1, PROMPT))
    rows, agree = [], {}
    for block_size in CONTEXTS:
        model, runs = tinytorch_runs(block_size, prompt, args.new)
        if block_size in TORCH_CONTEXTS:
            runs.update({f"torch_{k}": v for k, v in torch_runs(torch, model, prompt,
                                                                  args.new).items()})
        seconds, tokens = time_rounds(runs, args.rounds)
        rows.append(row("TinyTorch", block_size, {k: seconds[k] for k in ("uncached", "cached")},
                        tokens, args.new))
        if block_size in TORCH_CONTEXTS:
            rows.append(row("PyTorch", block_size,
                            {k: seconds[f"torch_{k}"] for k in ("uncached", "cached")},
                            {k: tokens[f"torch_{k}"] for k in ("uncached", "cached")}, args.new))
            agree[block_size] = bool(np.array_equal(tokens["uncached"], tokens["torch_uncached"]))
    memory = memory_rows()
    print(f"{args.new} greedy tokens after a {PROMPT}-token prompt, gpt_2018 shape "
          f"(4 layers, d 128, 4 heads, V 65), one thread; best of {args.rounds} rounds")
    print("framework  context  no cache ms/token  KV cache ms/token  speedup  (range)  "
          "same tokens")
    for r in rows:
        lo, hi = r["speedup_range"]
        print(f"{r['framework']:<9}  {r['block_size']:>7}  {r['uncached_ms_per_token']:>17.2f}"
              f"  {r['cached_ms_per_token']:>17.2f}  {r['speedup']:>6.1f}x  ({lo:.1f}-{hi:.1f})"
              f"  {'yes' if r['same_tokens'] else 'NO'}")
    print("KV cache memory (batch 1, float32, from the arrays): "
          + ", ".join(f"block_size {m['block_size']}: {m['bytes_per_token']} B/token, "
                      f"{m['bytes_per_layer']} B/layer, {m['total_bytes']} B total"
                      for m in memory))
    for block_size, same in agree.items():
        print(f"TinyTorch and PyTorch chose the same tokens at context {block_size}: "
              f"{'yes' if same else 'no (float rounding broke a near tie)'}")
    machine = _timing.machine(torch)
    print(f"load average {machine['load_average']} on {machine['cpus']} cores")
    target = next(r for r in rows if r["framework"] == "TinyTorch"
                  and r["block_size"] == TARGET_CONTEXT)
    passed = target["speedup"] >= TARGET_SPEEDUP and all(r["same_tokens"] for r in rows)
    print(f"target: >= {TARGET_SPEEDUP:g}x at context {TARGET_CONTEXT}, same tokens: "
          f"{'ok' if passed else 'MISSED'} ({target['speedup']:.1f}x)")
    if args.plot is not None:
        plot(args.plot, rows, args.new)
    if args.report:
        _timing.write_json_atomic(args.report, {
            "benchmark": "kv_cache", "new_tokens": args.new, "prompt": PROMPT,
            "rounds": args.rounds, "rows": rows, "memory": memory,
            "tinytorch_pytorch_same_tokens": agree, "target_speedup": TARGET_SPEEDUP,
            "passed": passed, **machine})
    return 0 if passed else 1


if __name__ == "__main__":
    sys.exit(main())
