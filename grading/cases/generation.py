"""Differential cases of tt-generation (module 17): top_k_filter, top_p_filter, sample, generate.

Each `case_*` gets its own `rng` (seeded by its name) and returns arrays; the
grader compares them with the reference package's. Cases import tinytorch
inside their body, so a package that does not import fails its cases only.
Filters and greedy decoding are exact. Which token a seeded draw gives is
left open by the contract (any correct sampler may use its generator its own
way), so sampling is checked by properties: support, frequencies within a
tolerance, the same seed giving the same tokens. The argument checks are given
in the starter, so only three error cases are here (the package tests check
every named error). The models are stand-ins
built here from tinytorch.tensor and tinytorch.layers: a bigram table and a
fixed-logits function. Public API only: tinytorch.generation and earlier modules.
"""

import numpy as np


def _bigram(rng, v, block_size=None):
    """A Module whose logits for each position are the row of its last token in a table."""
    from tinytorch.layers import Module, Parameter

    class Bigram(Module):
        def __init__(self):
            super().__init__()
            self.table = Parameter(rng.standard_normal((v, v)) * 2.0)
            self.vocab_size = v
            if block_size is not None:
                self.block_size = block_size

        def forward(self, ids):
            return self.table[ids.data]

    return Bigram()


def _fixed(logits):
    """A model function whose next-token logits are always `logits` (V,)."""
    from tinytorch.tensor import Tensor

    def model(ids):
        b, t = ids.shape
        return Tensor(np.broadcast_to(logits, (b, t, len(logits))).copy())

    return model


def _prompt(rng, b, t, v):
    from tinytorch.tensor import Tensor

    return Tensor(rng.integers(0, v, size=(b, t)))


def case_top_k_values(rng):
    """top_k_filter of (3, 4, 12) float64 and (5, 9) float32 logits for k = 1, 3, 9, 20."""
    from tinytorch.generation import top_k_filter
    from tinytorch.tensor import Tensor

    a = Tensor(rng.standard_normal((3, 4, 12)))
    b = Tensor(rng.standard_normal((5, 9)).astype(np.float32))
    return {f"{n}_k{k}": top_k_filter(x, k) for n, x in (("f64", a), ("f32", b))
            for k in (1, 3, 9, 20)}


def case_top_k_ties(rng):
    """top_k_filter keeps every tie at the k-th value: [[2, 1, 2, 0, 1]] for k = 1 .. 5."""
    from tinytorch.generation import top_k_filter
    from tinytorch.tensor import Tensor

    x = Tensor(np.array([[2.0, 1.0, 2.0, 0.0, 1.0], [0.0, 0.0, 0.0, -np.inf, 5.0]]))
    return {f"k{k}": top_k_filter(x, k) for k in range(1, 6)}


def case_top_p_hand_values(rng):
    """top_p_filter of log([[.5, .3, .2], [.1, .6, .3]]) for p = 0.5, 0.6, 0.61, 0.8, 0.81, 1."""
    from tinytorch.generation import top_p_filter
    from tinytorch.tensor import Tensor

    x = Tensor(np.log(np.array([[0.5, 0.3, 0.2], [0.1, 0.6, 0.3]])))
    return {f"p{int(p * 100)}": top_p_filter(x, p) for p in (0.5, 0.6, 0.61, 0.8, 0.81, 1.0)}


def case_top_p_ties_and_extremes(rng):
    """top_p_filter with tied probabilities (lower id first), p = 1 and a tiny p."""
    from tinytorch.generation import top_p_filter
    from tinytorch.tensor import Tensor

    x = Tensor(np.log(np.array([[0.25, 0.25, 0.25, 0.25], [0.1, 0.4, 0.1, 0.4]])))
    out = {f"p{int(p * 100)}": top_p_filter(x, p) for p in (0.3, 0.5, 0.85)}
    y = Tensor(np.array([[0.0, 3.0, -50.0, 1.0, -np.inf]], np.float32))
    out.update(one=top_p_filter(y, 1.0), tiny=top_p_filter(y, 1e-12))
    return out


def case_top_p_random_rows(rng):
    """top_p_filter of (50, 30) random logits for p = 0.05, 0.3, 0.9, 0.999."""
    from tinytorch.generation import top_p_filter
    from tinytorch.tensor import Tensor

    x = Tensor(rng.standard_normal((50, 30)) * 2.0)
    return {f"p{i}": top_p_filter(x, p) for i, p in enumerate((0.05, 0.3, 0.9, 0.999))}


def case_sample_properties(rng):
    """sample: shape (..., 1) int64, 20,000 draws within 0.015 of p, weight 0 never drawn,
    the same generator seed gives the same draws."""
    from tinytorch.generation import sample
    from tinytorch.tensor import Tensor

    p = np.array([0.05, 0.1, 0.15, 0.2, 0.2, 0.3])
    draws = sample(Tensor(np.tile(p, (20000, 1))), np.random.default_rng(5)).data
    freq = np.bincount(draws[:, 0], minlength=6)[:6] / 20000
    w = Tensor(np.tile([[0.0, 3.0, 0.0, 1.0, 0.0]], (4000, 1)))
    zeros = sample(w, np.random.default_rng(1)).data
    probs = Tensor(rng.dirichlet(np.ones(9), size=(4, 5)))
    a = sample(probs, np.random.default_rng(11)).data
    b = sample(probs, np.random.default_rng(11)).data
    return {"shape": np.array(a.shape), "int64": a.dtype == np.int64,
            "in_range": bool(a.min() >= 0 and a.max() < 9),
            "frequencies": bool(np.all(np.abs(freq - p) < 0.015)),
            "zero_weights": bool(set(np.unique(zeros)) == {1, 3}),
            "seeded": bool(np.array_equal(a, b))}


def case_greedy_bigram(rng):
    """generate(do_sample=False) with a bigram Module: the argmax chain of (3, 2) prompts."""
    from tinytorch.generation import generate

    model = _bigram(rng, 7)
    return generate(model, _prompt(rng, 3, 2, 7), 9, do_sample=False)


def case_greedy_crops_to_block_size(rng):
    """Greedy decoding with a model whose logits depend on the whole context, block_size 3
    (attribute) and 5 (config.block_size), and none."""
    from types import SimpleNamespace

    from tinytorch.generation import generate
    from tinytorch.tensor import Tensor

    table = rng.standard_normal((40, 6))

    def model(ids):  # the logits of every position depend on the sum of the context
        total = ids.data.sum(axis=1, keepdims=True) % 40
        return Tensor(np.repeat(table[total], ids.shape[1], axis=1))

    ids = _prompt(rng, 2, 6, 6)
    out = {"none": generate(model, ids, 8, do_sample=False)}
    model.block_size = 3
    out["attr3"] = generate(model, ids, 8, do_sample=False)
    del model.block_size
    model.config = SimpleNamespace(block_size=5)
    out["config5"] = generate(model, ids, 8, do_sample=False)
    return out


def case_temperature_to_zero_is_greedy(rng):
    """Sampling at temperature 1e-6 and 1e-300 gives the greedy tokens (5 seeds)."""
    from tinytorch.generation import generate

    model = _bigram(rng, 8, block_size=4)
    ids = _prompt(rng, 3, 1, 8)
    greedy = generate(model, ids, 10, do_sample=False).data
    cold = [np.array_equal(generate(model, ids, 10, temperature=t, seed=s).data, greedy)
            for s in range(5) for t in (1e-6, 1e-300)]
    return {"greedy": greedy, "cold_equals_greedy": np.array(cold)}


def case_sampling_properties(rng):
    """Sampling: shape, same seed same tokens, tokens within the prompt's vocabulary,
    frequencies of 10,000 draws at temperature 0.5 within 0.02 of softmax(logits / 0.5)."""
    from tinytorch.generation import generate
    from tinytorch.tensor import Tensor

    model = _bigram(rng, 6, block_size=4)
    ids = _prompt(rng, 2, 3, 6)
    a = generate(model, ids, 15, seed=7, top_k=4, top_p=0.9).data
    b = generate(model, ids, 15, seed=7, top_k=4, top_p=0.9).data
    logits = np.array([1.0, 0.0, 2.0, -1.0, 0.5])
    out = generate(_fixed(logits), Tensor(np.zeros((400, 1), np.int64)), 25, temperature=0.5,
                   seed=0).data[:, 1:]
    p = np.exp(logits / 0.5) / np.exp(logits / 0.5).sum()
    freq = np.bincount(out.ravel(), minlength=5)[:5] / out.size
    return {"shape": np.array(a.shape), "int64": a.dtype == np.int64,
            "prompt_kept": bool(np.array_equal(a[:, :3], ids.data)),
            "seeded": bool(np.array_equal(a, b)), "in_vocab": bool(a.min() >= 0 and a.max() < 6),
            "frequencies": bool(np.all(np.abs(freq - p) < 0.02))}


def case_top_k_and_top_p_support(rng):
    """generate with top_k=3 (temperature 3) and with top_p=0.7 draws exactly the allowed tokens."""
    from tinytorch.generation import generate
    from tinytorch.tensor import Tensor

    start = Tensor(np.zeros((100, 1), np.int64))
    logits = rng.standard_normal(20)
    k = generate(_fixed(logits), start, 50, top_k=3, temperature=3.0, seed=1).data[:, 1:]
    nucleus = np.log(np.array([0.05, 0.4, 0.05, 0.3, 0.2]))
    p = generate(_fixed(nucleus), start, 40, top_p=0.7, seed=2).data[:, 1:]
    top3 = np.sort(np.argsort(-logits)[:3])
    return {"top_k_support": np.unique(k), "expected_top3": top3, "top_p_support": np.unique(p),
            "top_p_share": bool(abs(np.mean(p == 1) - 0.4 / 0.7) < 0.03)}


def case_stop_tokens(rng):
    """Greedy with stop=3 around the cycle 0->1->2->3->4->0: rows padded with 3, early end;
    stop=(2, 4) pads each row with its own stop token."""
    from tinytorch.generation import generate
    from tinytorch.tensor import Tensor

    table = np.full((5, 5), -9.0)
    for a in range(5):
        table[a, (a + 1) % 5] = 0.0

    def model(ids):
        return Tensor(table[ids.data])

    ids = Tensor(np.array([[0], [2], [4]]))
    return {"one": generate(model, ids, 6, do_sample=False, stop=3),
            "none": generate(model, ids, 6, do_sample=False),
            "two": generate(model, ids[:2], 10, do_sample=False, stop=(2, 4)),
            "zero_steps": generate(model, ids, 0, stop=3)}


def case_eval_mode_and_no_grad(rng):
    """generate runs the model in eval mode without grad, and restores every module's mode."""
    from tinytorch.autograd import is_grad_enabled
    from tinytorch.generation import generate
    from tinytorch.layers import Module
    from tinytorch.tensor import Tensor

    seen = []

    class Probe(Module):
        def __init__(self):
            super().__init__()
            self.frozen = Module()

        def forward(self, ids):
            seen.append((self.training, is_grad_enabled()))
            return Tensor(np.zeros((*ids.shape, 3)))

    model = Probe()
    model.frozen.eval()
    generate(model, Tensor(np.zeros((1, 1), np.int64)), 3, seed=0)
    return {"during": np.array(seen), "training_after": model.training,
            "frozen_after": model.frozen.training}


def case_idx_float(rng):
    """generate with float ids raises DTypeError."""
    from tinytorch.generation import generate
    from tinytorch.tensor import Tensor

    generate(_bigram(rng, 5), Tensor(np.zeros((1, 2))), 2)


case_idx_float.raises = "DTypeError"


def case_bad_top_p(rng):
    """generate with top_p=1.5 raises ValueError."""
    from tinytorch.generation import generate

    generate(_bigram(rng, 5), _prompt(rng, 1, 2, 5), 2, top_p=1.5)


case_bad_top_p.raises = "ValueError"


def case_token_outside_vocabulary(rng):
    """generate with token id 5 for a vocabulary of 5 raises IndexError."""
    from tinytorch.generation import generate
    from tinytorch.tensor import Tensor

    generate(_fixed(np.zeros(5)), Tensor(np.array([[1, 5]])), 2)


case_token_outside_vocabulary.raises = "IndexError"
