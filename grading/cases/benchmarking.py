"""Differential cases of tt-benchmarking (module 18): FLOP counts, parameters and live memory
of the Profiler, the order statistics of benchmark, and the Pareto front.

Each `case_*` gets its own `rng` (seeded by its name) and returns arrays; the
grader compares them with the reference package's. Cases import tinytorch
inside their body, so a package that does not import fails its cases only.
Times differ from run to run, so no case returns one: the cases check what
is exact (FLOP counts by PyTorch's FlopCounterMode convention, parameter and
byte counts, the memory rule of the guide page, call counts, order
statistics of given numbers, the front). Public API only:
tinytorch.benchmarking and the earlier modules.
"""

import numpy as np


def _profile(model, *args, **kwargs):
    """Run `model(*args, **kwargs)` under a Profiler of `model`; its report."""
    from tinytorch.benchmarking import Profiler

    with Profiler(model) as prof:
        model(*args, **kwargs)
    return prof.report()


def _sizes(report):
    """FLOPs and the parameter record of a report, as numbers."""
    p = report["parameters"]
    return {"flops": report["flops"]["total"], "parameters": p["count"],
            "parameter_bytes": p["bytes"], "parameter_tensors": p["tensors"]}


def case_pareto_front_by_hand(rng):
    """pareto_front of five (latency, accuracy) points: two are dominated."""
    from tinytorch.benchmarking import pareto_front

    return np.array(pareto_front([(1, 0.5), (2, 0.9), (3, 0.8), (0.5, 0.1), (2, 0.7)]))


def case_pareto_front_every_direction(rng):
    """pareto_front of 40 rounded random points (many ties) for each minimize pair."""
    from tinytorch.benchmarking import pareto_front

    points = np.round(rng.random((40, 2)) * 8).tolist()
    return {f"min_{int(a)}{int(b)}": np.array(pareto_front(points, (a, b)))
            for a in (True, False) for b in (True, False)}


def case_pareto_front_duplicates_and_ties(rng):
    """Equal points are all on the front; equal x values are judged by y."""
    from tinytorch.benchmarking import pareto_front

    return np.array(pareto_front([(1, 1), (1, 1), (1, 0), (2, 2), (2, 2), (0, 0), (3, 2)]))


def case_summarize_with_outliers(rng):
    """summarize of 25 timings with three slow outliers: median, quartiles, IQR, 95% CI."""
    from tinytorch.benchmarking import summarize

    times = np.concatenate([10 + rng.random(22), [40.0, 55.0, 90.0]])
    s = summarize(rng.permutation(times).tolist())
    return {"median": s.median, "q1": s.q1, "q3": s.q3, "iqr": s.iqr, "ci_low": s.ci_low,
            "ci_high": s.ci_high, "coverage": s.ci_coverage, "n": s.n}


def case_median_ci_ranks_6_to_60(rng):
    """median_ci_ranks(n) for n = 6..60: the bounding ranks and their exact coverage."""
    from tinytorch.benchmarking import median_ci_ranks

    rows = [median_ci_ranks(n) for n in range(6, 61)]
    return {"low": np.array([r[0] for r in rows]), "high": np.array([r[1] for r in rows]),
            "coverage": np.array([r[2] for r in rows])}


def case_formulas_on_events(rng):
    """matmul, conv2d and attention FLOP formulas on OpEvents of given shapes."""
    from tinytorch.benchmarking import attention_flops, conv2d_flops, flops_of, matmul_flops
    from tinytorch.tensor import OpEvent

    def event(op, inputs, out):
        return OpEvent(op, tuple(np.zeros(s) for s in inputs), np.zeros(out), {}, 0.0)

    return {
        "matmul": matmul_flops(event("matmul", [(2, 3, 4, 5), (5, 6)], (2, 3, 4, 6))),
        "matmul_vector": matmul_flops(event("matmul", [(7,), (7, 3)], (3,))),
        "conv_groups": conv2d_flops(event("Conv2dFunction", [(2, 4, 9, 9), (6, 2, 3, 3)],
                                          (2, 6, 4, 4))),
        "attention": attention_flops(event("AttentionFunction",
                                           [(2, 3, 5, 4), (2, 3, 7, 4), (2, 3, 7, 6)],
                                           (2, 3, 5, 6))),
        "exp_counts_zero": flops_of(event("exp", [(4, 4)], (4, 4))),
    }


def case_profiler_mlp(rng):
    """Profiler of a 3-layer MLP on a (2, 5, 20) batch: FLOPs, parameters, matmul calls."""
    from tinytorch.layers import Linear, Sequential
    from tinytorch.tensor import Tensor

    model = Sequential(Linear(20, 32), Linear(32, 16), Linear(16, 4))
    report = _profile(model, Tensor(rng.standard_normal((2, 5, 20)).astype(np.float32)))
    calls = {row["op"]: row["calls"] for row in report["ops"]}
    return {**_sizes(report), "matmul_calls": calls["matmul"],
            "matmul_flops": report["flops"]["by_op"]["matmul"]}


def case_profiler_shared_parameters_float64(rng):
    """A Linear used twice in a Sequential, in float64: its parameters count once."""
    from tinytorch.layers import Linear, Sequential
    from tinytorch.tensor import Tensor

    shared = Linear(6, 6, dtype=np.float64)
    model = Sequential(shared, Linear(6, 6, dtype=np.float64), shared)
    return _sizes(_profile(model, Tensor(rng.standard_normal((3, 6)))))


def case_profiler_lenet_like(rng):
    """Profiler of a LeNet-like conv net (conv, pool, conv, pool, two Linear) on 3 images."""
    from tinytorch.activations import relu
    from tinytorch.layers import Linear, Module
    from tinytorch.spatial import Conv2d, Flatten, MaxPool2d
    from tinytorch.tensor import Tensor

    class Net(Module):
        def __init__(self):
            super().__init__()
            self.c1, self.c2 = Conv2d(1, 4, 5, padding=2), Conv2d(4, 8, 3, stride=2)
            self.pool, self.flat = MaxPool2d(2), Flatten()
            self.f1, self.f2 = Linear(8 * 3 * 3, 24), Linear(24, 10)

        def forward(self, x):
            x = self.pool(relu(self.c2(self.pool(relu(self.c1(x))))))
            return self.f2(relu(self.f1(self.flat(x))))

    report = _profile(Net(), Tensor(rng.standard_normal((3, 1, 28, 28)).astype(np.float32)))
    return {**_sizes(report), "conv_flops": report["flops"]["by_op"]["Conv2dFunction"]}


def case_profiler_multihead_attention(rng):
    """Profiler of MultiheadAttention (4 heads, E 16), with and without the weights."""
    from tinytorch.attention import MultiheadAttention
    from tinytorch.tensor import Tensor

    mha = MultiheadAttention(16, 4, batch_first=True)
    x, y = (Tensor(rng.standard_normal((2, n, 16)).astype(np.float32)) for n in (6, 9))
    with_weights = _profile(mha, x, y, y, need_weights=True)
    without = _profile(mha, x, y, y, need_weights=False)
    return {**_sizes(with_weights), "flops_without_weights": without["flops"]["total"]}


def case_profiler_gpt(rng):
    """Profiler of a 2-layer GPT (tied head) on a (3, 16) batch: FLOPs and parameters."""
    from tinytorch.tensor import Tensor
    from tinytorch.transformers import GPT, GPTConfig

    model = GPT(GPTConfig(vocab_size=50, block_size=16, n_layer=2, n_head=2, n_embd=24))
    return _sizes(_profile(model, Tensor(rng.integers(0, 50, (3, 16)))))


def case_profiler_memory_rule(rng):
    """Peak, final and allocated live bytes of a hand sequence with views and a free."""
    import gc

    from tinytorch.benchmarking import Profiler
    from tinytorch.tensor import Tensor

    x = Tensor(rng.standard_normal((30, 40)).astype(np.float32))  # before the block
    with Profiler() as prof:
        y = x * 2.0  # new
        z = y.reshape(40, 30)  # a view of y
        t = x.transpose(0, 1)  # a view of x: older memory
        w = (z + 1.0).sum(dim=0)  # new (40, 30), then a new (30,)
        del y, z
        gc.collect()
        v = t * w  # new (40, 30)
    m = prof.report()["memory"]
    return {"peak": m["peak_bytes"], "at_exit": m["live_at_exit_bytes"],
            "allocated": m["allocated_bytes"], "buffers": m["buffers"], "v": v}


def case_profiler_training_step(rng):
    """A Linear training step under the Profiler: forward FLOPs only; gradients still right."""
    from tinytorch.benchmarking import Profiler
    from tinytorch.layers import Linear
    from tinytorch.tensor import Tensor

    model = Linear(8, 3, dtype=np.float64)
    model.load_state_dict({"weight": rng.standard_normal((3, 8)), "bias": rng.standard_normal(3)})
    x = Tensor(rng.standard_normal((5, 8)))
    with Profiler(model) as prof:
        loss = (model(x) * model(x)).mean()
        loss.backward()
    return {"flops": prof.report()["flops"]["total"], "grad": model.weight.grad,
            "loss": loss.detach()}


def case_benchmark_calls_and_order_statistics(rng):
    """benchmark(fn, warmup=3, repeats=9): calls, run count, coverage, the stats' order."""
    from tinytorch.benchmarking import benchmark

    calls = []
    result = benchmark(lambda: calls.append(1), warmup=3, repeats=9)
    s = result.summary
    return {"calls": len(calls), "runs": len(result.times_ms), "coverage": s.ci_coverage,
            "ordered": s.minimum <= s.ci_low <= s.q1 <= s.median <= s.q3 <= s.ci_high
            <= s.maximum}


def case_compare_interleaves(rng):
    """compare of three functions: the call order (interleaved, rotating), baseline ratio 1."""
    from tinytorch.benchmarking import compare

    order = []
    fns = {name: (lambda name=name: order.append(name)) for name in ("a", "b", "c")}
    table = compare(fns, baseline="b", warmup=1, repeats=6, show=False)
    codes = np.array([ord(name) for name in order])
    return {"order": codes, "baseline_ratio": table.ratio("b"), "rows": len(table.rows())}


def case_profiler_model_without_parameters(rng):
    """Profiler(model) of a Module without parameters raises ValueError."""
    from tinytorch.benchmarking import Profiler
    from tinytorch.layers import Module

    class Doubler(Module):
        def forward(self, x):
            return x * 2.0

    Profiler(Doubler())


case_profiler_model_without_parameters.raises = "ValueError"


def case_benchmark_too_few_repeats(rng):
    """benchmark with repeats=5 (too few for a 95% CI of the median) raises ValueError."""
    from tinytorch.benchmarking import benchmark

    benchmark(lambda: None, repeats=5)


case_benchmark_too_few_repeats.raises = "ValueError"
