"""sample: follows the distribution (chi-square, seeded), never draws weight 0, is seeded."""

from __future__ import annotations

import numpy as np
import pytest
from tinytorch.generation import sample
from tinytorch.tensor import DTypeError, Tensor, manual_seed

# the 0.999 quantile of chi-square with 5 degrees of freedom
CHI2_5_999 = 20.515


def test_shape_dtype_and_range() -> None:
    probs = Tensor(np.full((3, 4, 7), 1 / 7))
    out = sample(probs, np.random.default_rng(0))
    assert out.shape == (3, 4, 1) and out.dtype == np.int64
    assert out.data.min() >= 0 and out.data.max() < 7


def test_frequencies_follow_the_probabilities() -> None:
    p = np.array([0.05, 0.1, 0.15, 0.2, 0.2, 0.3])
    n = 20000
    draws = sample(Tensor(np.tile(p, (n, 1))), np.random.default_rng(5)).data[:, 0]
    counts = np.bincount(draws, minlength=6)
    chi2 = ((counts - n * p) ** 2 / (n * p)).sum()
    assert chi2 < CHI2_5_999, (counts, chi2)
    np.testing.assert_allclose(counts / n, p, atol=0.015)


def test_a_biased_sampler_would_fail_the_same_check() -> None:
    # the check above has power: the draws of a shifted distribution fail it
    p = np.array([0.05, 0.1, 0.15, 0.2, 0.2, 0.3])
    q = np.array([0.07, 0.1, 0.15, 0.2, 0.2, 0.28])
    n = 20000
    counts = np.bincount(sample(Tensor(np.tile(q, (n, 1))), np.random.default_rng(5)).data[:, 0],
                         minlength=6)
    assert ((counts - n * p) ** 2 / (n * p)).sum() > CHI2_5_999


def test_unnormalised_weights_and_zero_weights() -> None:
    w = np.array([[0.0, 3.0, 0.0, 1.0, 0.0]])
    draws = sample(Tensor(np.tile(w, (8000, 1))), np.random.default_rng(1)).data[:, 0]
    assert set(np.unique(draws)) == {1, 3}  # weight 0 is never drawn, even at the ends
    assert abs(np.mean(draws == 1) - 0.75) < 0.02
    one = Tensor(np.array([[0.0, 0.0, 1.0, 0.0]], np.float32))
    assert sample(one, np.random.default_rng(2)).data[0, 0] == 2


def test_the_same_generator_seed_gives_the_same_draws() -> None:
    probs = Tensor(np.random.default_rng(3).dirichlet(np.ones(9), size=50))
    a = sample(probs, np.random.default_rng(11)).data
    b = sample(probs, np.random.default_rng(11)).data
    np.testing.assert_array_equal(a, b)
    assert not np.array_equal(a, sample(probs, np.random.default_rng(12)).data)


def test_no_generator_uses_tinytorchs_default_generator() -> None:
    probs = Tensor(np.full((40, 10), 0.1))
    manual_seed(4)
    a = sample(probs).data
    manual_seed(4)
    np.testing.assert_array_equal(a, sample(probs).data)
    assert not np.array_equal(a, sample(probs).data)  # the generator moved on


def test_bad_probs_are_named_errors() -> None:
    with pytest.raises(ValueError, match="sample: probs must be finite and >= 0"):
        sample(Tensor(np.array([[0.5, -0.1, 0.6]])), np.random.default_rng(0))
    with pytest.raises(ValueError, match="sums to 0"):
        sample(Tensor(np.zeros((2, 3))), np.random.default_rng(0))
    with pytest.raises(DTypeError, match="floating point"):
        sample(Tensor(np.array([[1, 2]])), np.random.default_rng(0))
    with pytest.raises(TypeError, match=r"numpy\.random\.Generator"):
        sample(Tensor(np.array([[1.0]])), 0)
