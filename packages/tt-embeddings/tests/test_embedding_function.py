"""embedding and its twin: hand values, repeated ids in backward, gradcheck, PyTorch, errors."""

from __future__ import annotations

import numpy as np
import pytest
from tinytorch.autograd import gradcheck
from tinytorch.embeddings import embedding, embedding_add_at
from tinytorch.tensor import DTypeError, ShapeError, Tensor
from tt_testing import assert_close, numerical_grad, torch_or_skip

LOOKUPS = [embedding, embedding_add_at]


def table(v: int, d: int, dtype=np.float64, seed: int = 0) -> np.ndarray:
    return np.random.default_rng(seed).standard_normal((v, d)).astype(dtype)


def loop_gradient(grad: np.ndarray, ids: np.ndarray, v: int, padding_idx=None) -> np.ndarray:
    """The gradient by definition, one output row at a time, in float64."""
    d = grad.shape[-1]
    out = np.zeros((v, d))
    for k, i in enumerate(ids.reshape(-1)):
        out[i] += grad.reshape(-1, d)[k]
    if padding_idx is not None:
        out[padding_idx] = 0.0
    return out


def backward(lookup, ids: np.ndarray, weight: np.ndarray, grad: np.ndarray, padding_idx=None):
    w = Tensor(weight.copy(), requires_grad=True)
    out = lookup(Tensor(ids), w, padding_idx)
    out.backward(Tensor(grad))
    return out, w.grad


# id patterns that take every path of the sorting backward: no repeats, many
# repeats of a small vocabulary, one id repeated hundreds of times beside
# singletons, a few long runs of different lengths, and everything equal
def patterns(v: int = 40, n: int = 300, seed: int = 0) -> dict[str, np.ndarray]:
    rng = np.random.default_rng(seed)
    return {
        "unique": rng.permutation(v)[:30],
        "character-level": rng.integers(0, 5, size=(6, 50)),
        "skewed": rng.permutation(np.concatenate([np.full(250, 7), np.arange(8, 40)])),
        "runs 30 20 10 5 3 2": rng.permutation(np.concatenate(
            [np.full(c, i) for i, c in enumerate((30, 20, 10, 5, 3, 2))] + [np.arange(6, 30)])),
        "all equal": np.full((3, 4, 5), 2),
        "uniform": rng.integers(0, v, size=(n,)),
        "zipf": np.minimum(rng.zipf(1.3, size=(10, 30)), v) - 1,
        "one id": np.array(3),
    }


def test_hand_values() -> None:
    weight = Tensor(np.arange(12.0).reshape(4, 3))
    out = embedding(Tensor(np.array([[2, 0], [2, 3]])), weight)
    assert out.shape == (2, 2, 3)
    assert_close(out, np.array([[[6, 7, 8], [0, 1, 2]], [[6, 7, 8], [9, 10, 11]]], dtype=float))
    assert_close(embedding(Tensor(np.array(1)), weight), np.array([3.0, 4.0, 5.0]))  # 0-d id


@pytest.mark.parametrize("lookup", LOOKUPS)
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("shape", [(), (7,), (3, 5), (2, 3, 4), (0,), (2, 0)])
def test_forward_is_a_gather_of_any_shape(lookup, dtype, shape) -> None:
    weight = table(9, 4, dtype)
    ids = np.random.default_rng(1).integers(0, 9, size=shape)
    out = lookup(Tensor(ids), Tensor(weight))
    assert out.shape == (*shape, 4) and out.dtype == dtype
    np.testing.assert_array_equal(out.data, weight[ids])


def test_int32_and_unsigned_ids_work() -> None:
    weight = table(6, 3)
    for dtype in (np.int32, np.int16, np.uint8, np.int64):
        ids = np.array([[5, 0, 5]], dtype=dtype)
        np.testing.assert_array_equal(embedding(Tensor(ids), Tensor(weight)).data,
                                      weight[ids.astype(np.int64)])


def test_gradient_hand_values_sum_repeats() -> None:
    ids = np.array([1, 3, 1, 1])
    grad = np.array([[1.0, 2.0], [10.0, 20.0], [100.0, 200.0], [1000.0, 2000.0]])
    for lookup in LOOKUPS:
        _, g = backward(lookup, ids, table(5, 2), grad)
        # row 1 was read three times: the sum of three gradients, not the last one
        assert_close(g, np.array([[0, 0], [1101, 2202], [0, 0], [10, 20], [0, 0]], dtype=float))


@pytest.mark.parametrize("name", list(patterns()))
@pytest.mark.parametrize("padding_idx", [None, 2, -1])
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_fast_backward_equals_the_add_at_twin_and_the_loop(name, padding_idx, dtype) -> None:
    ids = patterns()[name]
    v = 40
    weight = table(v, 6, dtype, seed=2)
    grad = np.random.default_rng(3).standard_normal((*ids.shape, 6)).astype(dtype)
    out, fast = backward(embedding, ids, weight, grad, padding_idx)
    out_twin, twin = backward(embedding_add_at, ids, weight, grad, padding_idx)
    expected = loop_gradient(grad.astype(np.float64), ids, v,
                             None if padding_idx is None else padding_idx % v)
    assert fast.dtype == dtype and twin.dtype == dtype
    np.testing.assert_array_equal(out.data, out_twin.data)
    tol = dict(rtol=1e-5, atol=1e-4) if dtype == np.float32 else dict(rtol=1e-12, atol=1e-12)
    assert_close(fast, expected, **tol)
    assert_close(twin, expected, **tol)
    assert_close(fast, twin, **tol)


def test_many_random_batches_equal_the_twin() -> None:
    # a seeded sweep over vocabulary sizes and batch sizes, repeats of every kind
    rng = np.random.default_rng(4)
    for _ in range(60):
        v = int(rng.integers(1, 70))
        n = int(rng.integers(1, 400))
        if rng.random() < 0.5:
            ids = rng.integers(0, v, size=n)
        else:  # a heavy head of few ids, as in text
            ids = np.minimum(rng.zipf(1.1 + rng.random(), size=n), v) - 1
        weight = table(v, 3, seed=int(rng.integers(1000)))
        grad = rng.standard_normal((n, 3))
        padding = int(rng.integers(v)) if rng.random() < 0.3 else None
        _, fast = backward(embedding, ids, weight, grad, padding)
        _, twin = backward(embedding_add_at, ids, weight, grad, padding)
        assert_close(fast, twin, rtol=1e-12, atol=1e-12)
        assert_close(fast, loop_gradient(grad, ids, v, padding), rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize("v, n", [(5000, 400), (131_072, 600)])
def test_large_vocabularies_with_few_repeats(v, n) -> None:
    # mostly singletons (a GPT-2-sized vocabulary), and one beyond 16-bit ids
    rng = np.random.default_rng(8)
    ids = rng.integers(0, v, size=n)
    ids[:5] = ids[5]  # at least one id six times
    ids[10:14] = [3, 3 + v // 2, 3, 3 + v // 2]  # 65539, 3: same low 16 bits
    weight = table(v, 2, seed=9)
    grad = rng.standard_normal((n, 2))
    _, fast = backward(embedding, ids, weight, grad, padding_idx=int(ids[7]))
    _, twin = backward(embedding_add_at, ids, weight, grad, padding_idx=int(ids[7]))
    expected = loop_gradient(grad, ids, v, padding_idx=int(ids[7]))
    assert_close(fast, expected, rtol=1e-12, atol=1e-12)
    assert_close(twin, expected, rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize("lookup", LOOKUPS)
@pytest.mark.parametrize("padding_idx", [None, 4])
def test_gradcheck(lookup, padding_idx) -> None:
    ids = Tensor(np.array([[0, 3, 3, 1], [3, 0, 2, 3]]))  # repeats; row 4 is never read
    weight = Tensor(table(5, 3), requires_grad=True)
    assert gradcheck(lambda w: lookup(ids, w, padding_idx), (weight,))


@pytest.mark.parametrize("lookup", LOOKUPS)
def test_a_padding_row_that_is_read_gets_zero_instead_of_its_derivative(lookup) -> None:
    # PyTorch's rule, on purpose not the true derivative: finite differences see row 0
    ids = np.array([[0, 3, 3, 1], [3, 0, 2, 3]])
    weight = table(5, 3)
    r = np.random.default_rng(7).standard_normal((2, 4, 3))
    (numeric,) = numerical_grad(lambda w: float(np.sum(w[ids] * r)), weight)
    _, analytic = backward(lookup, ids, weight, r, padding_idx=0)
    assert np.abs(numeric[0]).max() > 0.1
    np.testing.assert_array_equal(analytic.data[0], 0.0)
    assert_close(analytic.data[1:], numeric[1:], rtol=1e-6, atol=1e-8)


def test_gradient_flows_through_a_model_and_the_ids_get_none() -> None:
    ids = Tensor(np.array([[1, 2, 1]]))
    weight = Tensor(table(4, 2), requires_grad=True)
    loss = (embedding(ids, weight) * embedding(ids, weight)).sum()  # sum of squared rows
    loss.backward()
    expected = np.zeros((4, 2))
    expected[1] = 2 * 2 * weight.data[1]  # read twice in each factor
    expected[2] = 2 * weight.data[2]
    assert_close(weight.grad, expected, rtol=1e-12, atol=1e-12)
    assert ids.grad is None


def test_a_frozen_table_records_no_gradient() -> None:
    weight = Tensor(table(4, 2))
    out = embedding(Tensor(np.array([1, 1])), weight)
    assert not out.requires_grad and weight.grad is None


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("padding_idx", [None, 1, -2])
def test_against_pytorch(dtype, padding_idx) -> None:
    torch = torch_or_skip()
    rng = np.random.default_rng(5)
    for v in (7, 65):
        ids = rng.integers(0, v, size=(4, 16))
        ids[0, :3] = 1  # the padding row is read too
        weight = table(v, 8, dtype, seed=6)
        grad = rng.standard_normal((4, 16, 8)).astype(dtype)
        out, g = backward(embedding, ids, weight, grad, padding_idx)
        tw = torch.tensor(weight, requires_grad=True)
        tout = torch.nn.functional.embedding(torch.from_numpy(ids), tw, padding_idx)
        tout.backward(torch.from_numpy(grad))
        np.testing.assert_array_equal(out.data, tout.detach().numpy())
        tol = 1e-5 if dtype == np.float32 else 1e-12
        assert_close(g, tw.grad, rtol=tol, atol=tol)


# ----------------------------------------------------------------------------- errors


@pytest.mark.parametrize("lookup", LOOKUPS)
def test_an_id_out_of_range_is_named_with_its_position_and_the_size(lookup) -> None:
    name = lookup.__name__
    weight = Tensor(table(65, 4), requires_grad=True)
    ids = np.zeros((2, 8), dtype=np.int64)
    ids[1, 3] = 70
    with pytest.raises(IndexError, match=rf"{name}: id 70 at position \(1, 3\) of the ids "
                                         r"\(shape \(2, 8\)\) is out of range for a table of "
                                         r"65 embeddings: ids must be in \[0, 65\)"):
        lookup(Tensor(ids), weight)
    ids[1, 3] = 65  # one past the end
    with pytest.raises(IndexError, match="id 65 at position"):
        lookup(Tensor(ids), weight)
    ids[1, 3] = 0
    ids[0, 5] = -1  # NumPy would silently read the last row
    with pytest.raises(IndexError, match=r"id -1 at position \(0, 5\)"):
        lookup(Tensor(ids), weight)
    with pytest.raises(IndexError, match=r"id 99 at position \(\)"):
        lookup(Tensor(np.array(99)), weight)
    assert weight.grad is None


@pytest.mark.parametrize("lookup", LOOKUPS)
def test_non_integer_ids_are_refused(lookup) -> None:
    weight = Tensor(table(5, 2))
    for ids in (np.array([[1.0, 2.0]], dtype=np.float32), np.array([True, False])):
        with pytest.raises(DTypeError, match=r"ids must be an integer tensor \(int64 or int32\), "
                                             f"got dtype {ids.dtype}"):
            lookup(Tensor(ids), weight)
    with pytest.raises(TypeError, match="input must be a Tensor of integer ids, got list"):
        lookup([1, 2], weight)


@pytest.mark.parametrize("lookup", LOOKUPS)
def test_padding_idx_out_of_range(lookup) -> None:
    weight = Tensor(table(5, 2))
    ids = Tensor(np.array([0, 1]))
    for bad in (5, -6, 100):
        with pytest.raises(ValueError, match=rf"padding_idx={bad} is out of range for 5 "
                                             r"embeddings: it must be in \[-5, 5\)"):
            lookup(ids, weight, bad)
    with pytest.raises(TypeError, match="padding_idx must be an int or None"):
        lookup(ids, weight, 1.0)


def test_a_weight_that_is_not_a_2d_float_table() -> None:
    ids = Tensor(np.array([0]))
    with pytest.raises(ShapeError, match=r"weight must be a 2-D Tensor \(num_embeddings, "
                                         r"embedding_dim\), got \(5,\)"):
        embedding(ids, Tensor(np.zeros(5)))
    with pytest.raises(DTypeError, match="weight must be floating point, got dtype int64"):
        embedding(ids, Tensor(np.zeros((5, 2), dtype=np.int64)))


def test_changing_the_ids_in_place_before_backward_is_caught() -> None:
    ids = Tensor(np.array([0, 1, 1]))
    weight = Tensor(table(3, 2), requires_grad=True)
    out = embedding(ids, weight)
    ids[0] = 2  # the saved ids would now be wrong
    with pytest.raises(RuntimeError):
        out.sum().backward()
