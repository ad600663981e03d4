"""generate: greedy, temperature, top-k, top-p, seeds, stop tokens, context crop, modes, errors.

The models are stand-ins built here: a fixed-logits function (every step the
same distribution), and a bigram `Module` whose logits depend only on the
last token, with a `block_size` and a record of what it was called with.
"""

from __future__ import annotations

from types import SimpleNamespace

import numpy as np
import pytest
from tinytorch.autograd import is_grad_enabled
from tinytorch.generation import generate
from tinytorch.layers import Module, Parameter
from tinytorch.tensor import DTypeError, ShapeError, Tensor, manual_seed


def fixed(logits: np.ndarray):
    """A model whose next-token logits are always `logits` (V,)."""
    def model(ids: Tensor) -> Tensor:
        b, t = ids.shape
        return Tensor(np.broadcast_to(logits, (b, t, len(logits))).copy())
    return model


class Bigram(Module):
    """logits[b, t] = table[ids[b, t]]: a table of next-token scores per token."""

    def __init__(self, table: np.ndarray, block_size: int | None = 4) -> None:
        super().__init__()
        self.table = Parameter(table)
        self.vocab_size = len(table)
        if block_size is not None:
            self.block_size = block_size
        self.calls: list[tuple[tuple[int, int], bool, bool]] = []

    def forward(self, ids: Tensor) -> Tensor:
        self.calls.append((ids.shape, self.training, is_grad_enabled()))
        return self.table[ids.data]


def bigram(v: int = 6, seed: int = 0, **kw) -> Bigram:
    return Bigram(np.random.default_rng(seed).standard_normal((v, v)) * 2.0, **kw)


def prompt(*rows: list[int]) -> Tensor:
    return Tensor(np.array(rows, dtype=np.int64))


def greedy_by_hand(table: np.ndarray, start: np.ndarray, n: int) -> np.ndarray:
    out = [list(r) for r in start]
    for row in out:
        for _ in range(n):
            row.append(int(np.argmax(table[row[-1]])))
    return np.array(out)


def test_greedy_follows_the_argmax_chain() -> None:
    model = bigram()
    ids = prompt([0, 1], [3, 2])
    out = generate(model, ids, 7, do_sample=False)
    assert out.shape == (2, 9) and out.dtype == np.int64
    np.testing.assert_array_equal(out.data, greedy_by_hand(model.table.data, ids.data, 7))
    np.testing.assert_array_equal(ids.data, [[0, 1], [3, 2]])  # the prompt is not changed


def test_zero_new_tokens_returns_the_prompt() -> None:
    out = generate(bigram(), prompt([1, 2, 3]), 0)
    np.testing.assert_array_equal(out.data, [[1, 2, 3]])


def test_temperature_to_zero_equals_greedy() -> None:
    model = bigram(8, seed=1)
    ids = prompt([0], [5], [7])
    greedy = generate(model, ids, 10, do_sample=False).data
    for seed in range(5):
        cold = generate(model, ids, 10, temperature=1e-6, seed=seed).data
        np.testing.assert_array_equal(cold, greedy)
    frozen = generate(model, ids, 10, temperature=1e-300, seed=0).data  # no inf - inf
    np.testing.assert_array_equal(frozen, greedy)
    hot = generate(model, ids, 10, temperature=1.0, seed=0).data
    assert not np.array_equal(hot, greedy)  # the tolerance has teeth: sampling differs


def test_same_seed_same_tokens_and_default_generator() -> None:
    model = bigram()
    ids = prompt([0, 1], [2, 3])
    a = generate(model, ids, 20, seed=7, top_k=4, top_p=0.9)
    np.testing.assert_array_equal(a.data, generate(model, ids, 20, seed=7, top_k=4, top_p=0.9).data)
    assert not np.array_equal(a.data, generate(model, ids, 20, seed=8, top_k=4, top_p=0.9).data)
    manual_seed(3)
    b = generate(model, ids, 20)
    manual_seed(3)
    np.testing.assert_array_equal(b.data, generate(model, ids, 20).data)


def test_sampling_follows_softmax_of_logits_over_temperature() -> None:
    logits = np.array([1.0, 0.0, 2.0, -1.0, 0.5])
    for temperature in (1.0, 0.5, 2.0):
        out = generate(fixed(logits), Tensor(np.zeros((400, 1), np.int64)), 25,
                       temperature=temperature, seed=0).data[:, 1:]
        counts = np.bincount(out.ravel(), minlength=5)
        p = np.exp(logits / temperature) / np.exp(logits / temperature).sum()
        n = out.size  # 10,000 draws
        chi2 = ((counts - n * p) ** 2 / (n * p)).sum()
        assert chi2 < 18.47, (temperature, counts)  # chi-square(4) at 0.999


def test_top_k_never_samples_outside_the_k_most_likely() -> None:
    logits = np.random.default_rng(4).standard_normal(20)
    top3 = set(np.argsort(-logits)[:3])
    out = generate(fixed(logits), Tensor(np.zeros((100, 1), np.int64)), 50, top_k=3,
                   temperature=3.0, seed=1).data[:, 1:]
    assert set(np.unique(out)) == top3  # all of them drawn, nothing else in 5,000 draws


def test_top_p_samples_only_from_the_nucleus() -> None:
    logits = np.log(np.array([0.05, 0.4, 0.05, 0.3, 0.2]))
    out = generate(fixed(logits), Tensor(np.zeros((100, 1), np.int64)), 40, top_p=0.7,
                   seed=2).data[:, 1:]
    assert set(np.unique(out)) == {1, 3}
    assert abs(np.mean(out == 1) - 0.4 / 0.7) < 0.03  # renormalised inside the nucleus


def test_context_is_cropped_to_block_size() -> None:
    model = bigram(block_size=3)
    generate(model, prompt([0, 1, 2, 3, 4]), 4, do_sample=False)
    assert [shape for shape, _, _ in model.calls] == [(1, 3)] * 4
    short = bigram(block_size=8)
    generate(short, prompt([0, 1]), 3, seed=0)
    assert [shape for shape, _, _ in short.calls] == [(1, 2), (1, 3), (1, 4)]


def test_block_size_from_config_and_unlimited_without_one() -> None:
    seen: list[tuple[int, int]] = []
    logits = np.zeros(4)

    def model(ids: Tensor) -> Tensor:
        seen.append(ids.shape)
        return fixed(logits)(ids)

    model.config = SimpleNamespace(block_size=2)
    generate(model, prompt([1, 2, 3]), 2, seed=0)
    assert seen == [(1, 2), (1, 2)]
    seen.clear()
    del model.config
    generate(model, prompt([1, 2, 3]), 2, seed=0)
    assert seen == [(1, 3), (1, 4)]


def test_runs_in_eval_mode_without_grad_and_restores_modes() -> None:
    outer = Module()
    outer.inner = bigram()
    outer.other = Module()
    outer.other.eval()  # a frozen part stays in eval mode after generate

    def forward(ids: Tensor) -> Tensor:
        return outer.inner(ids)

    outer.forward = forward
    outer.inner.block_size = 4
    assert outer.training and outer.inner.training
    generate(outer, prompt([0]), 3, seed=0)
    assert all(not training and not grad for _, training, grad in outer.inner.calls)
    assert outer.training and outer.inner.training and not outer.other.training
    sampled = generate(Bigram(table_of_stops(), block_size=None), prompt([0]), 3, seed=0,
                       stop=2).data
    np.testing.assert_array_equal(sampled[0, :2], [0, 2])  # a sampled stop token finishes too
    outer.eval()
    generate(outer, prompt([0]), 1, seed=0)
    assert not outer.training


def table_of_stops() -> np.ndarray:
    table = np.full((3, 3), -50.0)
    table[:, 2] = 0.0
    return table


def test_mode_is_restored_when_the_model_fails() -> None:
    class Broken(Module):
        def forward(self, ids: Tensor) -> Tensor:
            raise RuntimeError("boom")

    model = Broken()
    with pytest.raises(RuntimeError, match="boom"):
        generate(model, prompt([0]), 2)
    assert model.training


def test_stop_finishes_rows_and_pads_them_with_the_stop_token() -> None:
    table = np.full((5, 5), -9.0)
    table[0, 1] = table[1, 2] = table[2, 3] = table[3, 4] = table[4, 0] = 0.0  # 0->1->2->3->4->0
    model = Bigram(table, block_size=None)
    out = generate(model, prompt([0], [2], [4]), 6, do_sample=False, stop=3).data
    # finished rows are padded with 3; after 4 steps every row is finished: it ends early
    np.testing.assert_array_equal(out, [[0, 1, 2, 3, 3], [2, 3, 3, 3, 3], [4, 0, 1, 2, 3]])
    done = generate(model, prompt([0], [2]), 10, do_sample=False, stop=[3]).data
    np.testing.assert_array_equal(done, [[0, 1, 2, 3], [2, 3, 3, 3]])
    two = generate(model, prompt([0], [2]), 10, do_sample=False, stop=(2, 4)).data
    np.testing.assert_array_equal(two, [[0, 1, 2], [2, 3, 4]])  # each row padded with its own


def test_named_errors() -> None:
    model = bigram()
    ok = prompt([0, 1])
    cases = [
        (ShapeError, r"generate: idx must have shape \(B, T\)", dict(idx=Tensor(np.array([0, 1])))),
        (ShapeError, r"idx must have shape", dict(idx=Tensor(np.zeros((1, 0), np.int64)))),
        (DTypeError, r"generate: idx must be an integer tensor",
         dict(idx=Tensor(np.zeros((1, 2))))),
        (TypeError, r"idx must be a Tensor", dict(idx=[[0, 1]])),
        (ValueError, r"generate: max_new_tokens must be >= 0, got -1", dict(max_new_tokens=-1)),
        (ValueError, r"generate: top_k must be >= 1, got 0", dict(top_k=0)),
        (ValueError, r"generate: top_p must be in \(0, 1\]", dict(top_p=0.0)),
        (ValueError, r"generate: top_p must be in \(0, 1\]", dict(top_p=1.01)),
        (ValueError, r"generate: temperature must be a finite number > 0", dict(temperature=0.0)),
        (ValueError, r"temperature must be", dict(temperature=-1.0)),
        (IndexError, r"generate: idx holds token id 6 at position \(0, 1\), outside the "
                     r"vocabulary of 6 tokens", dict(idx=prompt([0, 6]))),
        (IndexError, r"idx holds token id -1", dict(idx=prompt([-1, 0]))),
        (IndexError, r"stop holds token id 9", dict(stop=9)),
        (TypeError, r"stop must be a token id", dict(stop="a")),
        (TypeError, r"do_sample must be a bool", dict(do_sample=0)),
    ]
    for error, message, change in cases:
        kwargs = dict(model=model, idx=ok, max_new_tokens=2, seed=0) | change
        with pytest.raises(error, match=message):
            generate(**kwargs)
    assert model.calls == []  # every check comes before the first forward pass
    # greedy ignores the temperature, as in Hugging Face
    assert generate(model, ok, 1, temperature=0.0, do_sample=False).shape == (1, 3)


def test_vocabulary_known_only_from_the_logits_and_model_outputs() -> None:
    model = fixed(np.zeros(4))  # no vocab_size attribute: V = 4 from the first logits
    with pytest.raises(IndexError, match=r"token id 4 .* vocabulary of 4 tokens"):
        generate(model, prompt([1, 4]), 2)
    with pytest.raises(IndexError, match=r"stop holds token id 7"):
        generate(model, prompt([1]), 2, stop=7)
    config = SimpleNamespace(vocab_size=3)
    model.config = config
    with pytest.raises(IndexError, match=r"vocabulary of 3 tokens"):
        generate(model, prompt([3]), 2)
    with pytest.raises(ShapeError, match=r"generate: the model must map ids \(1, 2\)"):
        generate(lambda ids: Tensor(np.zeros((1, 4))), prompt([0, 1]), 1)
    with pytest.raises(TypeError, match=r"must return a Tensor"):
        generate(lambda ids: np.zeros((1, 2, 4)), prompt([0, 1]), 1)
    with pytest.raises(TypeError, match=r"model must be callable"):
        generate(3, prompt([0]), 1)
