"""top_k_filter and top_p_filter: hand cases, ties, extremes, many rows, PyTorch, errors."""

from __future__ import annotations

import numpy as np
import pytest
from tinytorch.generation import top_k_filter, top_p_filter
from tinytorch.tensor import DTypeError, ShapeError, Tensor
from tt_testing import torch_or_skip

NEG = -np.inf


def logits_of(*probs: list[float]) -> Tensor:
    """float64 logits whose softmax is exactly the given rows (up to rounding)."""
    return Tensor(np.log(np.array(probs, dtype=np.float64)))


def kept(t: Tensor) -> np.ndarray:
    return np.isfinite(t.data)


def test_top_k_keeps_the_k_largest_and_their_values() -> None:
    x = Tensor(np.array([[1.0, 5.0, 3.0, 4.0, 2.0], [0.0, -1.0, 7.0, 2.0, 2.5]], np.float32))
    out = top_k_filter(x, 2)
    assert out.dtype == np.float32 and out.shape == (2, 5)
    np.testing.assert_array_equal(out.data, [[NEG, 5.0, NEG, 4.0, NEG], [NEG, NEG, 7.0, NEG, 2.5]])
    np.testing.assert_array_equal(top_k_filter(x, 1).data[0], [NEG, 5.0, NEG, NEG, NEG])
    np.testing.assert_array_equal(x.data[0], [1.0, 5.0, 3.0, 4.0, 2.0])  # input untouched


def test_top_k_of_at_least_the_vocabulary_keeps_everything() -> None:
    x = Tensor(np.array([[0.3, -2.0, NEG]]))
    np.testing.assert_array_equal(top_k_filter(x, 3).data, x.data)
    np.testing.assert_array_equal(top_k_filter(x, 50).data, x.data)


def test_top_k_keeps_every_tie_at_the_kth_value() -> None:
    x = Tensor(np.array([[2.0, 1.0, 2.0, 0.0, 1.0]]))
    np.testing.assert_array_equal(kept(top_k_filter(x, 2))[0], [1, 0, 1, 0, 0])
    np.testing.assert_array_equal(kept(top_k_filter(x, 3))[0], [1, 1, 1, 0, 1])  # ties at 1.0


def test_top_k_any_leading_shape_and_many_random_rows() -> None:
    x = np.random.default_rng(0).standard_normal((4, 3, 50))
    out = top_k_filter(Tensor(x), 7).data
    assert out.shape == (4, 3, 50)
    assert (np.isfinite(out).sum(-1) == 7).all()
    top7 = np.argsort(-x, axis=-1)[..., :7]
    mask = np.zeros_like(x, bool)
    np.put_along_axis(mask, top7, True, axis=-1)
    np.testing.assert_array_equal(np.isfinite(out), mask)
    np.testing.assert_array_equal(out[mask], x[mask])


def test_top_p_hand_cases() -> None:
    x = logits_of([0.5, 0.3, 0.2], [0.1, 0.6, 0.3])
    np.testing.assert_array_equal(kept(top_p_filter(x, 0.8)), [[1, 1, 0], [0, 1, 1]])
    np.testing.assert_array_equal(kept(top_p_filter(x, 0.5)), [[1, 0, 0], [0, 1, 0]])
    np.testing.assert_array_equal(kept(top_p_filter(x, 0.81)), [[1, 1, 1], [0, 1, 1]])
    np.testing.assert_array_equal(kept(top_p_filter(x, 0.6)), [[1, 1, 0], [0, 1, 0]])
    np.testing.assert_array_equal(kept(top_p_filter(x, 0.61)), [[1, 1, 0], [0, 1, 1]])
    out = top_p_filter(x, 0.8)
    assert out.dtype == np.float64
    np.testing.assert_array_equal(out.data[kept(out)], x.data[kept(out)])  # values as they were


def test_top_p_ties_keep_exactly_the_smallest_set_lower_id_first() -> None:
    x = logits_of([0.25, 0.25, 0.25, 0.25], [0.1, 0.4, 0.1, 0.4])
    np.testing.assert_array_equal(kept(top_p_filter(x, 0.5)), [[1, 1, 0, 0], [0, 1, 0, 1]])
    np.testing.assert_array_equal(kept(top_p_filter(x, 0.3)), [[1, 1, 0, 0], [0, 1, 0, 0]])
    np.testing.assert_array_equal(kept(top_p_filter(x, 0.85)), [[1, 1, 1, 1], [1, 1, 0, 1]])


def test_top_p_one_keeps_all_and_tiny_p_keeps_only_the_top_token() -> None:
    x = Tensor(np.array([[0.0, 3.0, -50.0, 1.0, NEG]], np.float32))
    np.testing.assert_array_equal(top_p_filter(x, 1.0).data, x.data)
    np.testing.assert_array_equal(kept(top_p_filter(x, 1e-12))[0], [0, 1, 0, 0, 0])
    one_hot = Tensor(np.array([[NEG, 0.0, NEG]]))
    np.testing.assert_array_equal(kept(top_p_filter(one_hot, 0.3))[0], [0, 1, 0])


def test_top_p_is_the_smallest_prefix_reaching_p_on_random_rows() -> None:
    rng = np.random.default_rng(1)
    x = rng.standard_normal((200, 30)) * 2.0
    for p in (0.05, 0.3, 0.9, 0.999):
        out = kept(top_p_filter(Tensor(x), p))
        probs = np.exp(x) / np.exp(x).sum(-1, keepdims=True)
        for row, mask in zip(probs, out, strict=True):
            order = np.argsort(-row)
            n = int(mask.sum())
            assert set(np.flatnonzero(mask)) == set(order[:n])  # a prefix of the most likely
            assert row[order[:n]].sum() >= p - 1e-12  # reaches p
            assert row[order[: n - 1]].sum() < p  # and one fewer does not


def test_filters_agree_with_pytorch() -> None:
    torch = torch_or_skip()
    x = np.random.default_rng(2).standard_normal((16, 40))
    tx = torch.tensor(x)
    kth = torch.topk(tx, 5, dim=-1).values[..., -1:]
    want_k = tx.masked_fill(tx < kth, float("-inf")).numpy()
    np.testing.assert_array_equal(top_k_filter(Tensor(x), 5).data, want_k)
    # Hugging Face's TopPLogitsWarper: sort ascending, drop the tokens whose cumulative mass <= 1-p
    for p in (0.1, 0.5, 0.9):
        sorted_logits, sorted_idx = torch.sort(tx, descending=False)
        cum = sorted_logits.softmax(dim=-1).cumsum(dim=-1)
        remove_sorted = cum <= (1 - p)
        remove_sorted[..., -1:] = False
        remove = remove_sorted.scatter(1, sorted_idx, remove_sorted)
        want_p = tx.masked_fill(remove, float("-inf")).numpy()
        np.testing.assert_array_equal(top_p_filter(Tensor(x), p).data, want_p)


@pytest.mark.parametrize("k", [0, -1])
def test_top_k_below_one_is_a_named_error(k: int) -> None:
    with pytest.raises(ValueError, match=r"top_k_filter: k must be >= 1"):
        top_k_filter(Tensor(np.zeros((1, 3))), k)


@pytest.mark.parametrize("p", [0.0, -0.1, 1.5, float("nan")])
def test_top_p_outside_zero_one_is_a_named_error(p: float) -> None:
    with pytest.raises(ValueError, match=r"top_p_filter: p must be in \(0, 1\]"):
        top_p_filter(Tensor(np.zeros((1, 3))), p)


def test_bad_logits_are_named_errors() -> None:
    with pytest.raises(DTypeError, match="top_k_filter: logits must be floating point"):
        top_k_filter(Tensor(np.array([[1, 2]])), 1)
    with pytest.raises(ShapeError, match="top_p_filter: logits must have shape"):
        top_p_filter(Tensor(np.array(1.0)), 0.5)
    with pytest.raises(ValueError, match="NaN"):
        top_k_filter(Tensor(np.array([[np.nan, 1.0]])), 1)
    with pytest.raises(ValueError, match="all -inf"):
        top_p_filter(Tensor(np.array([[NEG, NEG]])), 0.5)
    with pytest.raises(TypeError, match="k must be an int"):
        top_k_filter(Tensor(np.zeros((1, 3))), 2.0)
    with pytest.raises(TypeError, match="logits must be a Tensor"):
        top_k_filter(np.zeros((1, 3)), 2)
