"""Part IV across packages, on one small GPT trained here (tokenizer, GPT, lm_loss, AdamW).

- kernels (19): `use_composite` / `use_fused` switched on in the middle of training and
  restored give the losses, gradients and weights of a run that never switched, with the
  optimizer built before the switch, and `restore()` leaves the state_dict as it was;
- caching (20): on the TRAINED GPT, `generate(use_cache=True)` gives exactly the uncached
  tokens (greedy, sampled with a seed, past block_size), the cache runs each position once
  while the context fits, and its memory is 2 * n_layer * n_embd * itemsize bytes a token;
- benchmarking (18): the Profiler around a whole training step (forward, lm_loss, backward,
  AdamW) reports the model's parameters, the forward's FLOPs by hand formula (backward and
  the optimizer's in-place updates are not observed; PyTorch counts the step at 3x), peak
  live memory above the parameters' bytes, and does not change the step; `compare` of fused
  and composite GELU gives consistent order statistics (no timing is asserted).

Later modules are imported inside the tests that need them, so `--tt-through` of an earlier
module deselects those tests without failing the import of this file.
"""

from __future__ import annotations

import math
import warnings

import numpy as np
import pytest
from tinytorch.benchmarking import Profiler, UnreliableTimingWarning, compare
from tinytorch.tensor import Tensor, manual_seed
from tinytorch.transformers import GPT, GPTConfig, lm_loss
from tt_testing import assert_close, load_from_tinytorch, torch_gpt, torch_or_skip

pytestmark = pytest.mark.requires("tt-benchmarking")

TEXT = "to be or not to be, that is the question: whether to suffer. " * 12
BLOCK, LAYERS, HEADS, WIDTH = 16, 2, 2, 32


def make_gpt(vocab_size: int, seed: int = 0, fused: bool = True,
             dtype: type = np.float32) -> GPT:
    manual_seed(seed)
    model = GPT(GPTConfig(vocab_size=vocab_size, block_size=BLOCK, n_layer=LAYERS,
                          n_head=HEADS, n_embd=WIDTH, fused=fused))
    if dtype is not np.float32:
        for p in model.parameters():
            p.data = p.data.astype(dtype)
    return model


def batches(ids: np.ndarray, steps: int, batch: int = 8, seed: int = 0
            ) -> list[tuple[np.ndarray, np.ndarray]]:
    """`steps` batches of (inputs, next-token targets), random windows of `ids`."""
    rng = np.random.default_rng(seed)
    out = []
    for _ in range(steps):
        rows = rng.integers(0, len(ids) - BLOCK, batch)[:, None] + np.arange(BLOCK)
        out.append((ids[rows], ids[rows + 1]))
    return out


def adamw(model: GPT) -> object:
    from tinytorch.optimizers import AdamW

    return AdamW(model.optimizer_groups(0.01), lr=1e-2)


def train_step(model: GPT, opt: object, x: np.ndarray, y: np.ndarray
               ) -> tuple[float, list[np.ndarray]]:
    """One AdamW step; the loss and every parameter's gradient (copies)."""
    opt.zero_grad()
    loss = lm_loss(model(Tensor(x)), Tensor(y))
    loss.backward()
    grads = [p.grad.data.copy() for p in model.parameters()]
    opt.step()
    return loss.item(), grads


@pytest.fixture(scope="module")
def corpus() -> tuple[object, np.ndarray]:
    from tinytorch.tokenization import CharTokenizer

    tok = CharTokenizer.from_text(TEXT)
    ids = np.asarray(tok.encode(TEXT), dtype=np.int64)
    assert tok.decode(ids.tolist()) == TEXT
    return tok, ids


@pytest.fixture(scope="module")
def trained(corpus) -> GPT:
    """A float32 GPT after 100 AdamW steps of 32 windows of TEXT: it has learned the text."""
    tok, ids = corpus
    model = make_gpt(tok.vocab_size)
    opt = adamw(model)
    losses = [train_step(model, opt, x, y)[0] for x, y in batches(ids, 100, batch=32)]
    assert abs(losses[0] - math.log(tok.vocab_size)) < 0.3, losses[0]
    assert losses[-1] < 0.2 * losses[0], losses  # measured: 2.90 -> 0.15
    return model


# -- kernels: switching mid-training -------------------------------------------------------------
@pytest.mark.requires("tt-kernels")
@pytest.mark.parametrize("mode", ["composite", "fused"])
def test_switching_kernels_mid_training_changes_nothing_but_the_kernels(corpus, mode) -> None:
    from tinytorch.kernels import CompositeLayerNorm, use_composite, use_fused

    switch = use_composite if mode == "composite" else use_fused
    start_fused = mode == "composite"  # switch away from what the model was built with
    tok, ids = corpus
    # float64: fused and composite then agree to ~1e-15, so 1e-9 catches any real difference
    ref = make_gpt(tok.vocab_size, fused=start_fused, dtype=np.float64)
    model = make_gpt(tok.vocab_size, fused=start_fused, dtype=np.float64)
    ref_opt, opt = adamw(ref), adamw(model)  # built BEFORE the switch
    held = [id(p) for g in opt.param_groups for p in g["params"]]
    keys, config = list(model.state_dict()), model.config
    swap = None
    for step, (x, y) in enumerate(batches(ids, 7, seed=1)):
        if step == 2:
            swap = switch(model)
            assert swap.changes, "the switch changed nothing"
            assert model.config.fused is (mode == "fused")
            if mode == "composite":
                assert isinstance(model.ln_f, CompositeLayerNorm)
            assert sorted(id(p) for p in model.parameters()) == sorted(held)
            assert list(model.state_dict()) == keys
        if step == 5:
            state = {k: v.copy() for k, v in model.state_dict().items()}
            swap.restore()
            assert model.config is config and model.config.fused is start_fused
            restored = model.state_dict()
            assert list(restored) == list(state)
            assert all(np.array_equal(restored[k], state[k]) for k in state)
        before = [p.data.copy() for p in model.parameters()]
        want_loss, want_grads = train_step(ref, ref_opt, x, y)
        loss, grads = train_step(model, opt, x, y)
        assert loss == pytest.approx(want_loss, rel=1e-10), step
        for g, w in zip(grads, want_grads, strict=True):
            assert_close(g, w, rtol=1e-8, atol=1e-12)
        if 2 <= step < 5:  # switched: the optimizer built before still moves every weight
            assert all(not np.array_equal(b, p.data)
                       for b, p in zip(before, model.parameters(), strict=True))
    got, want = model.state_dict(), ref.state_dict()
    assert list(got) == list(want) == keys
    for k in keys:
        assert_close(got[k], want[k], rtol=1e-8, atol=1e-12)


# -- caching: the KV cache on the trained GPT ----------------------------------------------------
def prompts(tok: object, *texts: str) -> Tensor:
    rows = [tok.encode(t) for t in texts]
    assert len({len(r) for r in rows}) == 1, "prompts of one length"
    return Tensor(np.asarray(rows, dtype=np.int64))


@pytest.mark.requires("tt-caching")
def test_cached_greedy_generation_is_exactly_uncached_and_continues_the_text(
        trained, corpus) -> None:
    import tinytorch.generation as plain
    from tinytorch.caching import generate

    tok, _ = corpus
    idx = prompts(tok, "to be or", "whether ")
    n = 40  # 8 + 40 > block_size 16: the window slides
    want = plain.generate(trained, idx, n, do_sample=False).data
    got = generate(trained, idx, n, do_sample=False, use_cache=True).data
    np.testing.assert_array_equal(got, want)
    np.testing.assert_array_equal(generate(trained, idx, n, do_sample=False,
                                           use_cache=False).data, want)
    # the model is trained: its greedy continuation is the text it learned
    first = tok.decode(got[0].tolist())
    assert first[:32] in TEXT, first  # measured: all 48 characters are


@pytest.mark.requires("tt-caching")
def test_cached_sampling_with_a_seed_is_exactly_uncached(trained, corpus) -> None:
    import tinytorch.generation as plain
    from tinytorch.caching import generate

    tok, _ = corpus
    idx = prompts(tok, "whether", "suffer.", "to be, ")
    runs = {}
    for seed in (0, 1):
        for knobs in (dict(temperature=1.5), dict(temperature=1.2, top_k=5)):
            want = plain.generate(trained, idx, 30, seed=seed, **knobs).data
            got = generate(trained, idx, 30, seed=seed, **knobs).data
            np.testing.assert_array_equal(got, want)
            runs[seed, len(knobs)] = got
    assert not np.array_equal(runs[0, 1], runs[1, 1])  # the seed matters: real sampling


@pytest.mark.requires("tt-caching")
def test_the_cache_runs_each_position_once_and_its_bytes_are_counted(trained, corpus) -> None:
    import tinytorch.generation as plain
    from tinytorch.caching import CachedGPT, CacheOverflowError, KVCache, cached_forward

    tok, ids = corpus
    idx = prompts(tok, "to be", "not t")
    b, t, n = 2, 5, 9  # the last context is t + n - 1 = 13 <= block_size: it never slides
    cached = CachedGPT(trained)
    out = plain.generate(trained, idx, n, do_sample=False, cache=cached).data
    np.testing.assert_array_equal(out, plain.generate(trained, idx, n, do_sample=False).data)
    assert (cached.steps, cached.rebuilds, cached.positions) == (n, 1, t + n - 1)
    cache = cached.cache
    itemsize = np.dtype(np.float32).itemsize
    per_token = 2 * LAYERS * WIDTH * itemsize
    assert cache.bytes_per_token == per_token
    assert cache.bytes_per_layer == 2 * b * BLOCK * WIDTH * itemsize
    assert cache.nbytes == sum(k.nbytes + v.nbytes
                               for k, v in zip(cache.keys, cache.values, strict=True))
    assert cache.nbytes == b * BLOCK * per_token
    assert cache.length == t + n - 1 and cache.used_bytes == (t + n - 1) * b * per_token
    assert cache.memory()["bytes_per_token"] == per_token
    # a float64 model keeps twice the bytes a token
    wide = make_gpt(tok.vocab_size, dtype=np.float64)
    assert KVCache.for_model(wide, 1).bytes_per_token == 2 * LAYERS * WIDTH * 8

    # fed in pieces, the cache gives the logits of the whole sequence at once
    seq = ids[None, :BLOCK]
    fresh = KVCache.for_model(trained, 1)
    pieces = [cached_forward(trained, seq[:, :6], fresh).data]
    pieces += [cached_forward(trained, seq[:, i:i + 1], fresh).data for i in range(6, BLOCK)]
    full = trained(Tensor(seq)).data
    assert_close(np.concatenate(pieces, axis=1), full, rtol=1e-4, atol=1e-5)
    with pytest.raises(CacheOverflowError, match="block_size"):
        cached_forward(trained, seq[:, :1], fresh)  # the cache is full at block_size


@pytest.mark.requires("tt-caching")
def test_cached_logits_equal_the_pytorch_twin(trained, corpus) -> None:
    from tinytorch.caching import KVCache, cached_forward

    torch = torch_or_skip()
    _, ids = corpus
    seq = ids[None, 7:7 + BLOCK]
    twin = load_from_tinytorch(torch_gpt(trained.config), trained.state_dict()).eval()
    with torch.no_grad():
        want = twin(torch.from_numpy(seq)).numpy()
    cache = KVCache.for_model(trained, 1)
    got = [cached_forward(trained, seq[:, i:i + 1], cache).data for i in range(BLOCK)]
    assert_close(np.concatenate(got, axis=1), want, rtol=1e-4, atol=1e-4)


# -- benchmarking: the Profiler around a training step -------------------------------------------
def forward_flops(b: int, t: int, c: int, v: int, layers: int) -> int:
    """Matrix FLOPs of the GPT's forward: qkv, projection, MLP, attention, the tied head."""
    per_layer = 2 * b * t * c * (3 * c + c + 4 * c + 4 * c) + 2 * 2 * b * t * t * c
    return layers * per_layer + 2 * b * t * c * v


def profiled_step(model: GPT, x: np.ndarray, y: np.ndarray) -> tuple[dict, float]:
    opt = adamw(model)
    with Profiler(model) as prof:
        opt.zero_grad()
        loss = lm_loss(model(Tensor(x)), Tensor(y))
        loss.backward()
        opt.step()
    return prof.report(), loss.item()


def test_profiler_around_a_whole_training_step(corpus) -> None:
    tok, ids = corpus
    (x, y), = batches(ids, 1, batch=8, seed=2)
    model, twin = make_gpt(tok.vocab_size), make_gpt(tok.vocab_size)
    report, loss = profiled_step(model, x, y)
    want_loss, _ = train_step(twin, adamw(twin), x, y)  # the same step, unprofiled
    assert loss == want_loss
    for a, b in zip(model.parameters(), twin.parameters(), strict=True):
        np.testing.assert_array_equal(a.data, b.data)

    params = report["parameters"]
    count = model.num_parameters(non_embedding=False)
    assert params["count"] == count and params["bytes"] == 4 * count
    v = tok.vocab_size
    assert count == (v * WIDTH + BLOCK * WIDTH + 2 * WIDTH  # tied tables, ln_f
                     + LAYERS * (12 * WIDTH * WIDTH + 13 * WIDTH))  # a block with biases
    assert report["flops"]["total"] == forward_flops(8, BLOCK, WIDTH, v, LAYERS)
    assert report["memory"]["peak_bytes"] > params["bytes"]
    assert report["memory"]["peak_bytes"] >= report["memory"]["live_at_exit_bytes"]
    assert report["time"]["wall_ms"] >= report["time"]["observed_ms"] > 0
    assert sum(row["calls"] for row in report["ops"]) > 0


def test_pytorch_counts_the_whole_step_at_three_times_the_profilers_forward(corpus) -> None:
    """Backward costs two matrix products per forward one; the Profiler sees the forward."""
    torch = torch_or_skip()
    from torch.nn.attention import SDPBackend, sdpa_kernel
    from torch.utils.flop_counter import FlopCounterMode

    tok, ids = corpus
    (x, y), = batches(ids, 1, batch=4, seed=3)
    model = make_gpt(tok.vocab_size)
    report, _ = profiled_step(model, x, y)
    twin = load_from_tinytorch(torch_gpt(model.config), make_gpt(tok.vocab_size).state_dict())
    opt = torch.optim.AdamW(twin.parameters(), lr=1e-2)
    with sdpa_kernel(SDPBackend.MATH), FlopCounterMode(display=False) as counter:
        opt.zero_grad()
        logits = twin(torch.from_numpy(x))
        torch.nn.functional.cross_entropy(logits.reshape(-1, tok.vocab_size),
                                          torch.from_numpy(y).reshape(-1)).backward()
        opt.step()
    assert counter.get_total_flops() == 3 * report["flops"]["total"]


@pytest.mark.requires("tt-kernels")
def test_composite_kernels_do_the_same_flops_in_more_primitives(corpus) -> None:
    from tinytorch.kernels import use_composite

    tok, ids = corpus
    (x, y), = batches(ids, 1, batch=4, seed=4)
    fused, _ = profiled_step(make_gpt(tok.vocab_size), x, y)
    model = make_gpt(tok.vocab_size)
    with use_composite(model):
        composite, _ = profiled_step(model, x, y)
    assert composite["flops"]["total"] == fused["flops"]["total"]
    calls = [sum(row["calls"] for row in r["ops"]) for r in (fused, composite)]
    assert calls[1] > calls[0], calls
    assert set(fused["flops"]["by_op"]) - set(composite["flops"]["by_op"])  # fused primitives


def test_profiling_a_model_without_parameters_is_a_named_error() -> None:
    from tinytorch.activations import GELU
    from tinytorch.layers import Sequential

    with pytest.raises(ValueError, match="Profiler: Sequential has no parameters"):
        Profiler(Sequential(GELU()))
    with pytest.raises(TypeError, match="Profiler: model must be"):
        Profiler(lambda x: x)


# -- benchmarking: compare two implementations ---------------------------------------------------
def test_compare_fused_and_composite_gelu_gives_consistent_statistics() -> None:
    """Order statistics checked by hand; no timing is asserted (the machine is shared)."""
    from tinytorch.activations import gelu
    from tinytorch.transformers import gelu_fused

    x = Tensor(np.random.default_rng(0).standard_normal((64, 128)).astype(np.float32))
    assert_close(gelu_fused(x, approximate="tanh"), gelu(x, approximate="tanh"),
                 rtol=1e-5, atol=1e-6)
    n = 12
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", UnreliableTimingWarning)
        result = compare({"composite": lambda: gelu(x, approximate="tanh"),
                          "fused": lambda: gelu_fused(x, approximate="tanh")},
                         warmup=1, repeats=n, show=False)
    busy = any(issubclass(w.category, UnreliableTimingWarning) for w in caught)
    # the distribution-free CI of the median of 12 runs: ranks 3 and 10, coverage 1 - 2P(B<=2)
    tail = sum(math.comb(n, i) for i in range(3)) / 2**n
    assert tail <= 0.025 < sum(math.comb(n, i) for i in range(4)) / 2**n
    assert [r.name for r in result.results] == ["composite", "fused"]
    for r in result.results:
        times = np.sort(np.asarray(r.times_ms))
        s = r.summary
        assert len(times) == n == s.n and np.all(times > 0)
        assert s.median == pytest.approx(np.median(times)) == r.median_ms
        assert s.q1 <= s.median <= s.q3 and r.iqr_ms >= 0
        assert r.iqr_ms == pytest.approx(s.q3 - s.q1)
        assert (s.ci_low, s.ci_high) == (times[2], times[9]) == r.ci_ms
        assert s.ci_low <= s.median <= s.ci_high
        assert s.ci_coverage == pytest.approx(1 - 2 * tail)
        assert r.reliable is not busy
    assert result.ratio("composite") == 1.0
    assert result.ratio("fused") == pytest.approx(result["fused"].median_ms
                                                  / result["composite"].median_ms)
    rows = result.rows()
    assert [row["ratio"] for row in rows] == [result.ratio("composite"), result.ratio("fused")]
    table = result.table()
    assert "composite" in table and "fused" in table and "vs composite" in table
