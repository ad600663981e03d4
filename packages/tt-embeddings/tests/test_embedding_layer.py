"""Embedding, the layer: shapes, PyTorch's init, padding_idx, one-hot equivalence, PyTorch."""

from __future__ import annotations

import numpy as np
import pytest
from tinytorch.embeddings import Embedding
from tinytorch.layers import Module
from tinytorch.tensor import DTypeError, Tensor, manual_seed
from tt_testing import assert_close, torch_or_skip


def ids_of(*shape: int, high: int, seed: int = 0) -> Tensor:
    return Tensor(np.random.default_rng(seed).integers(0, high, size=shape))


def test_shapes_dtype_parameters_and_repr() -> None:
    layer = Embedding(65, 16)
    assert isinstance(layer, Module)
    assert layer.weight.shape == (65, 16) and layer.weight.dtype == np.float32
    assert layer.weight.requires_grad
    assert [name for name, _ in layer.named_parameters()] == ["weight"]
    assert layer(ids_of(4, 8, high=65)).shape == (4, 8, 16)
    assert repr(layer) == "Embedding(65, 16)"
    assert repr(Embedding(10, 3, padding_idx=0)) == "Embedding(10, 3, padding_idx=0)"
    double = Embedding(5, 2, dtype=np.float64)
    assert double.weight.dtype == np.float64
    assert double(ids_of(3, high=5)).dtype == np.float64


def test_init_is_standard_normal_and_seeded() -> None:
    manual_seed(0)
    w = Embedding(1000, 64).weight.data  # 64,000 draws
    # N(0, 1): the mean's standard error is 0.004, the std's about 0.003
    assert abs(w.mean()) < 0.02 and abs(w.std() - 1.0) < 0.02
    assert abs(np.mean(np.abs(w) < 1.0) - 0.6827) < 0.01  # one sigma, a normal's share
    manual_seed(7)
    a = Embedding(6, 4).weight.data.copy()
    manual_seed(7)
    b = Embedding(6, 4).weight.data
    np.testing.assert_array_equal(a, b)
    assert not np.array_equal(a, Embedding(6, 4).weight.data)  # the generator moved on


def test_padding_row_starts_at_zero_and_never_learns() -> None:
    manual_seed(1)
    layer = Embedding(6, 3, padding_idx=2, dtype=np.float64)
    np.testing.assert_array_equal(layer.weight.data[2], 0.0)
    assert np.all(layer.weight.data[[0, 1, 3, 4, 5]] != 0.0)
    ids = Tensor(np.array([[2, 2, 1], [4, 2, 1]]))
    out = layer(ids)
    np.testing.assert_array_equal(out.data[0, 0], 0.0)  # the padding token's vector
    out.backward(Tensor(np.ones((2, 3, 3))))
    grad = layer.weight.grad.data
    np.testing.assert_array_equal(grad[2], 0.0)
    np.testing.assert_array_equal(grad[1], 2.0)  # read twice
    np.testing.assert_array_equal(grad[4], 1.0)
    # a padding row you overwrite is read back as it is, but still gets no gradient
    layer.weight.data[2] = 5.0
    layer.weight.grad = None
    out = layer(ids)
    np.testing.assert_array_equal(out.data[0, 0], 5.0)
    out.sum().backward()
    np.testing.assert_array_equal(layer.weight.grad.data[2], 0.0)


def test_negative_padding_idx_counts_from_the_end() -> None:
    layer = Embedding(10, 3, padding_idx=-1)
    assert layer.padding_idx == 9
    np.testing.assert_array_equal(layer.weight.data[9], 0.0)


def test_reset_parameters_redraws_and_keeps_the_padding_row_zero() -> None:
    layer = Embedding(5, 4, padding_idx=0)
    before = layer.weight.data.copy()
    layer.reset_parameters()
    assert not np.array_equal(before, layer.weight.data)
    np.testing.assert_array_equal(layer.weight.data[0], 0.0)


def test_a_lookup_is_a_one_hot_matrix_product() -> None:
    # what an embedding saves: onehot(ids) @ weight, forward and backward, without the matrix
    layer = Embedding(7, 5, dtype=np.float64)
    ids = np.array([[3, 0, 3, 6], [6, 6, 1, 3]])
    onehot = np.eye(7)[ids]  # (2, 4, 7)
    out = layer(Tensor(ids))
    assert_close(out, onehot @ layer.weight.data, rtol=1e-12, atol=1e-12)
    grad = np.random.default_rng(2).standard_normal((2, 4, 5))
    out.backward(Tensor(grad))
    assert_close(layer.weight.grad, np.einsum("btv,btd->vd", onehot, grad),
                 rtol=1e-12, atol=1e-12)


def test_a_gradient_step_moves_only_the_rows_that_were_read() -> None:
    layer = Embedding(8, 4, dtype=np.float64)
    before = layer.weight.data.copy()
    loss = (layer(Tensor(np.array([1, 5, 5]))) ** 2).sum()
    loss.backward()
    layer.weight.data -= 0.1 * layer.weight.grad.data
    moved = np.any(layer.weight.data != before, axis=1)
    np.testing.assert_array_equal(np.flatnonzero(moved), [1, 5])
    after = (layer(Tensor(np.array([1, 5, 5]))) ** 2).sum().item()
    assert after < loss.item()


@pytest.mark.parametrize("args, message", [
    ((0, 4), "Embedding: num_embeddings must be a positive int, got 0"),
    ((5, -1), "Embedding: embedding_dim must be a positive int, got -1"),
    ((5.0, 4), "Embedding: num_embeddings must be a positive int, got 5.0"),
])
def test_bad_sizes(args, message) -> None:
    with pytest.raises(ValueError, match=message):
        Embedding(*args)


def test_bad_padding_idx_and_dtype() -> None:
    with pytest.raises(ValueError, match=r"Embedding: padding_idx=65 is out of range for 65 "
                                         r"embeddings: it must be in \[-65, 65\)"):
        Embedding(65, 8, padding_idx=65)
    with pytest.raises(TypeError, match="Embedding: dtype must be a floating-point type"):
        Embedding(5, 2, dtype=np.int64)


def test_out_of_range_and_float_ids_through_the_layer() -> None:
    layer = Embedding(65, 8)
    with pytest.raises(IndexError, match=r"id 65 at position \(0, 2\).*table of 65 embeddings"):
        layer(Tensor(np.array([[1, 2, 65]])))
    with pytest.raises(DTypeError, match="ids must be an integer tensor"):
        layer(Tensor(np.array([[1.0, 2.0]])))


@pytest.mark.parametrize("padding_idx", [None, 0])
def test_equals_torch_nn_embedding_with_its_state_dict(padding_idx) -> None:
    torch = torch_or_skip()
    torch.manual_seed(0)
    ref = torch.nn.Embedding(65, 16, padding_idx=padding_idx)
    layer = Embedding(65, 16, padding_idx=padding_idx)
    layer.load_state_dict({k: v.detach().numpy() for k, v in ref.state_dict().items()})
    ids = np.random.default_rng(3).integers(0, 65, size=(4, 32))
    ids[:, -4:] = 0  # padded ends
    grad = np.random.default_rng(4).standard_normal((4, 32, 16)).astype(np.float32)
    out = layer(Tensor(ids))
    out.backward(Tensor(grad))
    tout = ref(torch.from_numpy(ids))
    tout.backward(torch.from_numpy(grad))
    np.testing.assert_array_equal(out.data, tout.detach().numpy())
    assert_close(layer.weight.grad, ref.weight.grad, rtol=1e-5, atol=1e-5)


def test_init_statistics_match_pytorch() -> None:
    torch = torch_or_skip()
    torch.manual_seed(0)
    ref = torch.nn.Embedding(500, 64, padding_idx=3).weight.detach().numpy()
    ours = Embedding(500, 64, padding_idx=3).weight.data
    np.testing.assert_array_equal(ref[3], 0.0)
    np.testing.assert_array_equal(ours[3], 0.0)
    assert abs(ours.std() - ref.std()) < 0.03 and abs(ours.mean() - ref.mean()) < 0.03
