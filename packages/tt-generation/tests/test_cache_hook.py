"""generate(..., cache=...): the hook through which a cache gives each step's logits.

The caches here are stand-ins built in the tests: one that answers from its
own copy of the model (and records the contexts it was given), one that
answers with other logits, and broken ones.
"""

from __future__ import annotations

import numpy as np
import pytest
from tinytorch.autograd import is_grad_enabled
from tinytorch.generation import LogitsCache, generate
from tinytorch.layers import Module, Parameter
from tinytorch.tensor import DTypeError, ShapeError, Tensor


class Table(Module):
    """logits[b, t] = table[ids[b, t]] + table2[sum of the context % V]: depends on the context."""

    def __init__(self, v: int = 7, block_size: int | None = 5, seed: int = 0) -> None:
        super().__init__()
        rng = np.random.default_rng(seed)
        self.table = Parameter(rng.standard_normal((v, v)) * 2.0)
        self.mix = rng.standard_normal((v, v)) * 2.0
        self.vocab_size = v
        if block_size is not None:
            self.block_size = block_size
        self.calls = 0

    def forward(self, ids: Tensor) -> Tensor:
        self.calls += 1
        total = ids.data.sum(axis=1, keepdims=True) % self.vocab_size  # (B, 1)
        return Tensor(self.table.data[ids.data] + self.mix[total])


class Recorder:
    """A cache that answers from a model, and records each context and the mode it saw."""

    def __init__(self, model: Table, shift: float = 0.0) -> None:
        self.model, self.shift = model, shift
        self.contexts: list[np.ndarray] = []
        self.grad: list[bool] = []

    def next_token_logits(self, context: Tensor) -> Tensor:
        self.contexts.append(context.data.copy())
        self.grad.append(is_grad_enabled())
        logits = self.model.forward(context).data[:, -1, :]
        if self.shift:
            logits = logits.copy()
            logits[:, 0] += self.shift  # token 0 made far more likely
        return Tensor(logits)


def prompt(*rows: list[int]) -> Tensor:
    return Tensor(np.array(rows, dtype=np.int64))


def test_a_cache_gives_the_logits_and_the_model_is_not_called() -> None:
    model = Table()
    ids = prompt([0, 1, 2], [3, 4, 5])
    want_greedy = generate(model, ids, 9, do_sample=False).data
    want_sampled = generate(model, ids, 9, seed=3, top_k=4).data
    model.calls = 0
    twin = Table()  # the same weights: an exact cache
    cache = Recorder(twin)
    assert isinstance(cache, LogitsCache)
    np.testing.assert_array_equal(generate(model, ids, 9, do_sample=False, cache=cache).data,
                                  want_greedy)
    np.testing.assert_array_equal(generate(model, ids, 9, seed=3, top_k=4, cache=cache).data,
                                  want_sampled)
    assert model.calls == 0  # every step asked the cache
    assert len(cache.contexts) == 18 and not any(cache.grad)  # under no_grad


def test_the_cache_sees_the_cropped_growing_then_sliding_context() -> None:
    model = Table(block_size=5)
    cache = Recorder(Table(block_size=5))
    out = generate(model, prompt([1, 2, 3]), 5, do_sample=False, cache=cache).data
    assert [c.shape for c in cache.contexts] == [(1, 3), (1, 4), (1, 5), (1, 5), (1, 5)]
    for step, context in enumerate(cache.contexts):
        end = 3 + step
        np.testing.assert_array_equal(context, out[:, max(0, end - 5):end])


def test_the_cache_decides_the_tokens() -> None:
    model = Table()
    ids = prompt([1, 2])
    plain = generate(model, ids, 6, do_sample=False).data
    biased = generate(model, ids, 6, do_sample=False, cache=Recorder(Table(), shift=100.0)).data
    np.testing.assert_array_equal(biased[:, 2:], np.zeros((1, 6)))  # token 0 every step
    assert not np.array_equal(plain, biased)


def test_stop_tokens_and_modes_work_with_a_cache() -> None:
    model = Table()
    ids = prompt([0, 1], [2, 3])
    want = generate(model, ids, 8, do_sample=False, stop=4).data
    got = generate(model, ids, 8, do_sample=False, stop=4, cache=Recorder(Table())).data
    np.testing.assert_array_equal(got, want)
    assert model.training  # given back


def test_bad_caches_are_named() -> None:
    model = Table()
    ids = prompt([0, 1])

    class NoMethod:
        pass

    class Returns:
        def __init__(self, value) -> None:
            self.value = value

        def next_token_logits(self, context: Tensor):
            return self.value

    with pytest.raises(TypeError, match=r"generate: cache must be None or have a method "
                                        r"next_token_logits\(context\).*got NoMethod"):
        generate(model, ids, 2, cache=NoMethod())
    with pytest.raises(TypeError, match="cache must be None"):
        generate(model, prompt([0, 9]), 2, cache=3)  # checked before the ids' vocabulary
    with pytest.raises(TypeError, match=r"must return a Tensor of logits \(B, V\), got ndarray"):
        generate(model, ids, 2, cache=Returns(np.zeros((1, 7))))
    with pytest.raises(ShapeError, match=r"must map ids \(1, 2\) to logits \(1, V\), got "
                                         r"\(1, 2, 7\)"):
        generate(model, ids, 2, cache=Returns(Tensor(np.zeros((1, 2, 7)))))
    with pytest.raises(DTypeError, match="the cache's logits must be floating point"):
        generate(model, ids, 2, cache=Returns(Tensor(np.zeros((1, 7), np.int64))))
    with pytest.raises(ValueError, match="contain NaN"):
        generate(model, ids, 2, cache=Returns(Tensor(np.full((1, 7), np.nan))))
    assert model.calls == 0
