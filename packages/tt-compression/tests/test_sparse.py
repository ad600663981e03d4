"""Sparse storage: CSR by hand, sparse layers equal the pruned dense ones, the FILE shrinks."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from tinytorch.activations import ReLU
from tinytorch.compression import (
    SparseConv2d,
    SparseLinear,
    csr_from_dense,
    csr_matmul,
    csr_to_dense,
    index_dtype,
    load_model_arrays,
    magnitude_prune,
    model_arrays,
    save_model,
    to_sparse,
)
from tinytorch.layers import Linear, Sequential
from tinytorch.spatial import Conv2d, Flatten, MaxPool2d
from tinytorch.tensor import ShapeError, Tensor, manual_seed
from tt_testing import assert_close


def test_csr_of_the_docstring_example_by_hand() -> None:
    m = np.array([[0, 5, 0, 0], [0, 0, 0, 0], [1, 0, 0, 2]], dtype=np.float32)
    values, indices, indptr = csr_from_dense(m)
    np.testing.assert_array_equal(values, [5, 1, 2])
    np.testing.assert_array_equal(indices, [1, 0, 3])
    np.testing.assert_array_equal(indptr, [0, 1, 1, 3])
    assert values.dtype == np.float32 and indices.dtype == np.uint8 and indptr.dtype == np.uint8
    np.testing.assert_array_equal(csr_to_dense(values, indices, indptr, (3, 4)), m)


def test_index_dtype_is_the_smallest_that_fits() -> None:
    assert index_dtype(255) == np.uint8
    assert index_dtype(256) == np.uint16
    assert index_dtype(65535) == np.uint16
    assert index_dtype(65536) == np.uint32
    _, indices, indptr = csr_from_dense(np.ones((2, 300), dtype=np.float32))
    assert indices.dtype == np.uint16  # column 299 needs two bytes
    assert indptr.dtype == np.uint16  # nnz = 600


def test_csr_matmul_touches_only_nonzeros_and_equals_dense() -> None:
    rng = np.random.default_rng(0)
    w = rng.standard_normal((7, 9)) * (rng.random((7, 9)) < 0.3)
    w[2] = 0.0  # an empty row: reduceat must not borrow its neighbour's sum
    x = rng.standard_normal((5, 9))
    assert_close(csr_matmul(x, *csr_from_dense(w), rows=7), x @ w.T, rtol=1e-6, atol=1e-6)
    empty = csr_from_dense(np.zeros((3, 9)))
    np.testing.assert_array_equal(csr_matmul(x, *empty, rows=3), np.zeros((5, 3)))


def pruned_linear(in_features=20, out_features=6, sparsity=0.9, bias=True) -> Linear:
    manual_seed(0)
    layer = Linear(in_features, out_features, bias=bias)
    magnitude_prune(Sequential(layer), sparsity)
    return layer


@pytest.mark.parametrize("bias", [True, False])
def test_sparse_linear_equals_the_pruned_dense_layer(bias: bool) -> None:
    dense = pruned_linear(bias=bias)
    sparse = SparseLinear.from_dense(dense)
    assert sparse.nnz == np.count_nonzero(dense.weight.data) == 12  # 10 % of 120
    assert sparse.sparsity() == pytest.approx(0.9)
    np.testing.assert_array_equal(sparse.dense_weight(), dense.weight.data)
    x = np.random.default_rng(1).standard_normal((2, 3, 20)).astype(np.float32)
    assert_close(sparse(Tensor(x)), dense(Tensor(x)), rtol=1e-6, atol=1e-6)
    assert "nnz=12" in repr(sparse)


def test_gradient_reaches_the_input_and_no_parameters_are_kept() -> None:
    dense = pruned_linear()
    sparse = SparseLinear.from_dense(dense)
    assert list(sparse.parameters()) == []  # a storage format: fine-tune the dense model
    x = np.random.default_rng(1).standard_normal((4, 20)).astype(np.float32)
    grads = []
    for layer in (dense, sparse):
        xt = Tensor(x, requires_grad=True)
        (layer(xt) ** 2).sum().backward()
        grads.append(xt.grad.data)
    assert_close(grads[1], grads[0], rtol=1e-5, atol=1e-5)


def small_cnn(seed: int = 0) -> Sequential:
    manual_seed(seed)
    return Sequential(Conv2d(2, 4, 3, stride=2, padding=1), ReLU(), MaxPool2d(2),
                      Flatten(), Linear(4 * 2 * 2, 3))


def test_to_sparse_copies_a_cnn_and_keeps_its_outputs() -> None:
    model = small_cnn()
    magnitude_prune(model, 0.7)
    sparse = to_sparse(model)
    assert isinstance(sparse[0], SparseConv2d) and isinstance(sparse[4], SparseLinear)
    assert isinstance(model[0], Conv2d) and isinstance(model[4], Linear)  # original untouched
    assert (sparse[0].stride, sparse[0].padding) == ((2, 2), (1, 1))
    x = Tensor(np.random.default_rng(2).standard_normal((3, 2, 8, 8)).astype(np.float32))
    assert_close(sparse(x), model(x), rtol=1e-5, atol=1e-6)
    model[0].weight.data[...] = 0.0  # the copy does not share the original's arrays
    assert sparse[0].nnz > 0


def test_nested_layers_are_converted() -> None:
    manual_seed(0)
    model = Sequential(Sequential(Linear(4, 4), ReLU()), Linear(4, 2))
    sparse = to_sparse(model)
    assert isinstance(sparse[0][0], SparseLinear) and isinstance(sparse[1], SparseLinear)


def test_compressed_state_round_trips_through_model_arrays() -> None:
    model = small_cnn()
    magnitude_prune(model, 0.8)
    sparse = to_sparse(model)
    arrays = model_arrays(sparse)
    assert set(arrays) == {f"{i}.{k}" for i in (0, 4) for k in ("values", "indices", "indptr",
                                                                 "bias")}
    fresh = Sequential(SparseConv2d(2, 4, 3, stride=2, padding=1), ReLU(), MaxPool2d(2),
                       Flatten(), SparseLinear(16, 3))
    assert fresh[4].nnz == 0
    load_model_arrays(fresh, arrays)
    x = Tensor(np.random.default_rng(3).standard_normal((2, 2, 8, 8)).astype(np.float32))
    assert_close(fresh(x), model(x), rtol=1e-5, atol=1e-6)


def test_load_compressed_state_refuses_inconsistent_arrays() -> None:
    state = SparseLinear.from_dense(pruned_linear()).compressed_state()
    layer = SparseLinear(20, 6)
    bad_index = dict(state, indices=np.full_like(state["indices"], 20))
    with pytest.raises(ValueError, match=r"column index is outside 0\.\.19"):
        layer.load_compressed_state(bad_index)
    with pytest.raises(ShapeError, match="indptr has 3 entries, expected rows \\+ 1 = 7"):
        layer.load_compressed_state(dict(state, indptr=np.array([0, 1, 2], dtype=np.uint8)))
    with pytest.raises(ValueError, match="indptr must rise from 0 to nnz=12"):
        layer.load_compressed_state(dict(state, indptr=state["indptr"][::-1].copy()))
    with pytest.raises(KeyError, match="expected keys"):
        layer.load_compressed_state({"values": state["values"]})
    with pytest.raises(ShapeError, match=r"bias has shape \(5,\)"):
        layer.load_compressed_state(dict(state, bias=np.zeros(5, dtype=np.float32)))
    assert layer.nnz == 0  # nothing was loaded by the failed attempts


def test_the_file_shrinks_only_when_stored_sparse(tmp_path: Path) -> None:
    manual_seed(0)
    model = Sequential(Linear(64, 128), ReLU(), Linear(128, 10))
    dense_bytes = save_model(model, tmp_path / "dense.npz")
    magnitude_prune(model, 0.9)
    zeroed_bytes = save_model(model, tmp_path / "zeroed.npz")
    sparse_bytes = save_model(to_sparse(model), tmp_path / "sparse.npz")
    assert zeroed_bytes == dense_bytes  # zeros are still float32s: np.savez keeps every one
    assert dense_bytes == (tmp_path / "dense.npz").stat().st_size
    # 10 % of the weights at 4 + 1 bytes (uint8 column indices) each, plus pointers and bias
    assert sparse_bytes < 0.25 * dense_bytes


def test_errors() -> None:
    with pytest.raises(TypeError, match=r"SparseLinear\.from_dense: expected a Linear"):
        SparseLinear.from_dense(Conv2d(1, 1, 1))
    with pytest.raises(TypeError, match=r"SparseConv2d\.from_dense: expected a Conv2d"):
        SparseConv2d.from_dense(Linear(1, 1))
    with pytest.raises(ValueError, match="SparseLinear: in_features must be a positive int"):
        SparseLinear(0, 3)
    with pytest.raises(ShapeError, match=r"SparseLinear: input of shape \(2, 5\) does not end"):
        SparseLinear(4, 3)(Tensor(np.ones((2, 5), dtype=np.float32)))
    with pytest.raises(ShapeError, match=r"SparseConv2d: input of shape .* has 3 channels"):
        SparseConv2d(2, 4, 3)(Tensor(np.ones((1, 3, 5, 5), dtype=np.float32)))
    with pytest.raises(ShapeError, match="csr_from_dense: expected a 2-D array"):
        csr_from_dense(np.ones(3))
