"""SparseLinear and SparseConv2d: pruned layers stored in CSR, and `to_sparse(model)`.

A pruned model saved as it is takes exactly as many bytes as before: each
zero is still a float32. These layers keep only the non-zeros (csr.py) and
implement the compressed-state protocol of module 22's storage
(`compressed_state()` / `load_compressed_state(arrays)`), so
`save_model(to_sparse(pruned))` writes the CSR arrays, and the file
shrinks. Forward decompresses the weight and runs the dense product: the
same numbers as the pruned dense layer; the saving is in storage, not time.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from tinytorch.layers import Linear, Module
from tinytorch.spatial import Conv2d, conv2d
from tinytorch.tensor import ShapeError, Tensor

from ._layers import replace_layers
from .csr import check_csr, csr_from_dense, csr_to_dense


class _SparseWeight(Module):
    """What both sparse layers share: a CSR weight of shape (rows, cols), a float32 bias."""

    rows: int
    cols: int
    weight_shape: tuple[int, ...]

    def _init_storage(self, bias: bool) -> None:
        self._set_csr(*csr_from_dense(np.zeros((self.rows, self.cols), dtype=np.float32)))
        # a plain float32 array, not a Parameter: these layers are a storage format for
        # inference (fine-tune the dense model under Pruning, then convert)
        self.bias = np.zeros((self.rows,), dtype=np.float32) if bias else None

    def _set_csr(self, values: np.ndarray, indices: np.ndarray, indptr: np.ndarray) -> None:
        self.values, self.indices, self.indptr = values, indices, indptr

    def _load_dense(self, weight: np.ndarray, bias: Any) -> None:
        self._set_csr(*csr_from_dense(np.asarray(weight).reshape(self.rows, self.cols)))
        if bias is not None:
            self.bias = np.asarray(bias.data, dtype=np.float32).copy()

    @property
    def nnz(self) -> int:
        """Number of stored (non-zero) weights."""
        return len(self.values)

    def sparsity(self) -> float:
        """Fraction of the dense weight's entries that are not stored."""
        return 1.0 - self.nnz / (self.rows * self.cols)

    def dense_weight(self) -> np.ndarray:
        """The weight as a dense float32 array of the original layer's shape."""
        return csr_to_dense(self.values, self.indices, self.indptr,
                            (self.rows, self.cols)).reshape(self.weight_shape)

    def compressed_state(self) -> dict[str, np.ndarray]:
        """The arrays that represent this layer in a saved model: CSR triple (+ bias)."""
        state = {"values": self.values, "indices": self.indices, "indptr": self.indptr}
        if self.bias is not None:
            state["bias"] = self.bias
        return state

    def load_compressed_state(self, arrays: dict[str, np.ndarray]) -> None:
        """Restore from `compressed_state()` arrays, checked first (a file is untrusted)."""
        op = f"{type(self).__name__}.load_compressed_state"
        expected = {"values", "indices", "indptr"} | ({"bias"} if self.bias is not None else set())
        if set(arrays) != expected:
            raise KeyError(f"{op}: expected keys {sorted(expected)}, got {sorted(arrays)}")
        values, indices, indptr = (np.asarray(arrays[k]) for k in ("values", "indices", "indptr"))
        check_csr(values, indices, indptr, (self.rows, self.cols), op)
        if self.bias is not None:
            bias = np.asarray(arrays["bias"])
            if bias.shape != (self.rows,):
                raise ShapeError(f"{op}: bias has shape {bias.shape}, expected ({self.rows},)")
            self.bias = bias.astype(np.float32)
        self._set_csr(values.astype(np.float32), indices, indptr)

    def _weight_for(self, x: Tensor) -> Tensor:
        return Tensor(self.dense_weight().astype(x.dtype, copy=False))

    def _bias_for(self, x: Tensor) -> Tensor | None:
        return None if self.bias is None else Tensor(self.bias.astype(x.dtype, copy=False))


class SparseLinear(_SparseWeight):
    """A Linear layer whose weight (out, in) is stored in CSR: `y = x @ W.T + b`.

    `SparseLinear(in_features, out_features)` starts with no non-zeros
    (for loading); `SparseLinear.from_dense(linear)` keeps the non-zeros of
    a (pruned) Linear. Arrays: `values` (nnz,) float32, `indices` (nnz,)
    column of each value in the smallest unsigned type for in_features,
    `indptr` (out + 1,), and a float32 `bias` array (not a Parameter).

    Cost: storage nnz * (4 + index bytes) + (out + 1) * pointer bytes + 4 * out;
    forward decompresses (out * in writes) and then costs what Linear does.
    Gradients flow to the input only: the layer has no Parameters
    (fine-tune the dense model under `Pruning`, then convert).
    """

    def __init__(self, in_features: int, out_features: int, bias: bool = True) -> None:
        super().__init__()
        for name, value in (("in_features", in_features), ("out_features", out_features)):
            if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < 1:
                raise ValueError(f"SparseLinear: {name} must be a positive int, got {value!r}")
        self.in_features, self.out_features = int(in_features), int(out_features)
        self.rows, self.cols = self.out_features, self.in_features
        self.weight_shape = (self.rows, self.cols)
        self._init_storage(bias)

    @classmethod
    def from_dense(cls, linear: Linear) -> SparseLinear:
        """A SparseLinear holding the non-zero weights of `linear` (a copy)."""
        if not isinstance(linear, Linear):
            raise TypeError(f"SparseLinear.from_dense: expected a Linear, got "
                            f"{type(linear).__name__}")
        layer = cls(linear.in_features, linear.out_features, bias=linear.bias is not None)
        layer._load_dense(linear.weight.data, linear.bias)
        return layer

    def forward(self, x: Tensor) -> Tensor:
        """(..., in_features) -> (..., out_features), as the dense Linear."""
        if not isinstance(x, Tensor):
            raise TypeError(f"SparseLinear: expected a Tensor input, got {type(x).__name__}")
        if x.ndim == 0 or x.shape[-1] != self.in_features:
            raise ShapeError(f"SparseLinear: input of shape {tuple(x.shape)} does not end in "
                             f"in_features={self.in_features}")
        ### BEGIN SOLUTION
        y = x @ self._weight_for(x).transpose(0, 1)
        return y + self._bias_for(x) if self.bias is not None else y
        ### END SOLUTION

    def extra_repr(self) -> str:
        return (f"in_features={self.in_features}, out_features={self.out_features}, "
                f"nnz={self.nnz}, sparsity={self.sparsity():.3f}")


class SparseConv2d(_SparseWeight):
    """A Conv2d whose weight (out, in/groups, kH, kW) is stored in CSR as (out, in/groups*kH*kW).

    Arguments as Conv2d (`padding` an int, a pair, "same" or "valid");
    `SparseConv2d.from_dense(conv)` copies a (pruned) Conv2d. Forward
    decompresses the filters and calls tt-spatial's `conv2d`: the same
    numbers as the dense layer, storage nnz * (4 + index bytes) + pointers.
    """

    def __init__(self, in_channels: int, out_channels: int, kernel_size: Any, stride: Any = 1,
                 padding: Any = 0, dilation: Any = 1, groups: int = 1, bias: bool = True) -> None:
        super().__init__()
        # a Conv2d checks and normalises the geometry once; its own weights are not kept
        geometry = Conv2d(in_channels, out_channels, kernel_size, stride, padding, dilation,
                          groups, bias=False)
        for name in ("in_channels", "out_channels", "kernel_size", "stride", "padding",
                     "dilation", "groups"):
            setattr(self, name, getattr(geometry, name))
        self.weight_shape = tuple(geometry.weight.shape)
        self.rows = self.out_channels
        self.cols = int(np.prod(self.weight_shape[1:]))
        self._init_storage(bias)

    @classmethod
    def from_dense(cls, conv: Conv2d) -> SparseConv2d:
        """A SparseConv2d holding the non-zero filter weights of `conv` (a copy)."""
        if not isinstance(conv, Conv2d):
            raise TypeError(f"SparseConv2d.from_dense: expected a Conv2d, got "
                            f"{type(conv).__name__}")
        layer = cls(conv.in_channels, conv.out_channels, conv.kernel_size, conv.stride,
                    conv.padding, conv.dilation, conv.groups, bias=conv.bias is not None)
        layer._load_dense(conv.weight.data, conv.bias)
        return layer

    def forward(self, x: Tensor) -> Tensor:
        """(N, in_channels, H, W) -> (N, out_channels, OH, OW), as the dense Conv2d."""
        if not isinstance(x, Tensor):
            raise TypeError(f"SparseConv2d: expected a Tensor input, got {type(x).__name__}")
        if x.ndim in (3, 4) and x.shape[-3] != self.in_channels:
            raise ShapeError(f"SparseConv2d: input of shape {tuple(x.shape)} has {x.shape[-3]} "
                             f"channels, expected in_channels={self.in_channels}")
        ### BEGIN SOLUTION
        return conv2d(x, self._weight_for(x), self._bias_for(x), self.stride, self.padding,
                      self.dilation, self.groups)
        ### END SOLUTION

    def extra_repr(self) -> str:
        return (f"{self.in_channels}, {self.out_channels}, kernel_size={self.kernel_size}, "
                f"stride={self.stride}, padding={self.padding!r}, nnz={self.nnz}, "
                f"sparsity={self.sparsity():.3f}")


def to_sparse(model: Module) -> Module:
    """A COPY of `model` with every Linear and Conv2d (however deep) stored sparse (CSR).

    Use it on a pruned model, after fine-tuning: `save_model(to_sparse(m))`
    writes only the non-zeros. The original model is untouched. Other
    layers are copied as they are.

    Cost: one pass over every weight; the file is smaller than the dense
    one only at high sparsity (see csr.py for the break-even).
    """
    def convert(_: str, layer: Any) -> Module | None:
        if isinstance(layer, Linear):
            return SparseLinear.from_dense(layer)
        if isinstance(layer, Conv2d):
            return SparseConv2d.from_dense(layer)
        return None

    return replace_layers(model, convert)
