"""Compressed Sparse Row (CSR): the storage that makes a pruned weight matrix really smaller.

A (rows, cols) matrix with nnz non-zeros is kept as three arrays:

    values  (nnz,)     the non-zero values, row after row (float32)
    indices (nnz,)     the column of each value
    indptr  (rows + 1) row r's values are values[indptr[r]:indptr[r + 1]]

    [[0, 5, 0, 0],        values  = [5, 1, 2]
     [0, 0, 0, 0],   ->   indices = [1, 0, 3]
     [1, 0, 0, 2]]        indptr  = [0, 1, 1, 3]

Bytes: nnz * (4 + index bytes) + (rows + 1) * pointer bytes, against
rows * cols * 4 dense. Index and pointer arrays take the smallest unsigned
type that holds their largest value: a column index below 256 needs one
byte, so at 90 % sparsity a 64-input layer costs 0.1 * (4 + 1) = 0.5 bytes
per weight instead of 4. CSR pays off only when few values are left: at
50 % sparsity with 4-byte indices it is no smaller than dense.
"""

from __future__ import annotations

import numpy as np
from tinytorch.tensor import ShapeError


def index_dtype(largest: int) -> np.dtype:
    """The smallest unsigned integer dtype that holds 0..largest (uint8, 16, 32 or 64)."""
    return np.min_scalar_type(max(int(largest), 0))


def csr_from_dense(matrix: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(values float32, indices, indptr) of a 2-D array; exact zeros are dropped."""
    if matrix.ndim != 2:
        raise ShapeError(f"csr_from_dense: expected a 2-D array, got shape {matrix.shape}")
    ### BEGIN SOLUTION
    rows, cols = np.nonzero(matrix)  # row-major order: row by row, columns ascending
    values = matrix[rows, cols].astype(np.float32)
    counts = np.bincount(rows, minlength=matrix.shape[0])
    indptr = np.concatenate([[0], np.cumsum(counts)])
    return (values, cols.astype(index_dtype(matrix.shape[1] - 1)),
            indptr.astype(index_dtype(len(values))))
    ### END SOLUTION


def csr_to_dense(values: np.ndarray, indices: np.ndarray, indptr: np.ndarray,
                 shape: tuple[int, int]) -> np.ndarray:
    """The dense float32 (rows, cols) matrix of a CSR triple (scatter the values back)."""
    ### BEGIN SOLUTION
    dense = np.zeros(shape, dtype=np.float32)
    rows = np.repeat(np.arange(shape[0]), np.diff(indptr.astype(np.int64)))
    dense[rows, indices.astype(np.int64)] = values
    return dense
    ### END SOLUTION


def csr_matmul(x: np.ndarray, values: np.ndarray, indices: np.ndarray, indptr: np.ndarray,
               rows: int) -> np.ndarray:
    """`x @ W.T` for W (rows, cols) in CSR, touching only the non-zeros: (N, cols) -> (N, rows).

    Each non-zero w[r, c] adds x[:, c] * w[r, c] to output column r: one
    gather of the needed input columns, one multiply, one segmented sum per
    row (`np.add.reduceat`). Work: N * nnz multiply-adds instead of
    N * rows * cols, so it wins over dense BLAS only when nnz is very small
    compared with what BLAS does per second; in NumPy the gather's memory
    traffic usually loses to BLAS at 90 % sparsity (the layers here
    decompress and use BLAS; this kernel is the teaching twin, tested equal).
    """
    ### BEGIN SOLUTION
    ptr = indptr.astype(np.int64)
    out = np.zeros((x.shape[0], rows), dtype=np.result_type(x.dtype, np.float32))
    if len(values) == 0:
        return out
    products = x[:, indices.astype(np.int64)] * values  # (N, nnz)
    nonempty = np.flatnonzero(np.diff(ptr) > 0)
    out[:, nonempty] = np.add.reduceat(products, ptr[nonempty], axis=1)
    return out
    ### END SOLUTION


def check_csr(values: np.ndarray, indices: np.ndarray, indptr: np.ndarray,
              shape: tuple[int, int], op: str) -> None:
    """Refuse a CSR triple that does not describe a `shape` matrix (loaded data is untrusted)."""
    rows, cols = shape
    for name, arr in (("values", values), ("indices", indices), ("indptr", indptr)):
        if arr.ndim != 1:
            raise ShapeError(f"{op}: {name} must be 1-D, got shape {arr.shape}")
    if values.dtype.kind != "f":
        raise TypeError(f"{op}: values must be floating point, got {values.dtype}")
    for name, arr in (("indices", indices), ("indptr", indptr)):
        if arr.dtype.kind not in "iu":
            raise TypeError(f"{op}: {name} must be integers, got {arr.dtype}")
    if len(indptr) != rows + 1:
        raise ShapeError(f"{op}: indptr has {len(indptr)} entries, expected rows + 1 = {rows + 1}")
    if len(indices) != len(values):
        raise ShapeError(f"{op}: {len(indices)} indices for {len(values)} values")
    ptr = indptr.astype(np.int64)
    if ptr[0] != 0 or ptr[-1] != len(values) or np.any(np.diff(ptr) < 0):
        raise ValueError(f"{op}: indptr must rise from 0 to nnz={len(values)}")
    if len(indices) and (indices.astype(np.int64).min() < 0
                         or indices.astype(np.int64).max() >= cols):
        raise ValueError(f"{op}: a column index is outside 0..{cols - 1}")
