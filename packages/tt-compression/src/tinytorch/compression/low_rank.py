"""Low-rank factorisation: replace a Linear's (out, in) weight by two thin matrices.

The singular value decomposition writes any matrix as W = U diag(s) V^T
with s sorted from large to small. Keeping the r largest singular values,

    W ~ (U_r diag(s_r)) @ V_r^T = u @ v,   u (out, r), v (r, in),

is the best rank-r approximation (Eckart-Young): its Frobenius error is
sqrt(s_{r+1}^2 + ... + s_n^2), exactly the dropped singular values. The
layer then stores r * (in + out) numbers instead of in * out, and costs
two thin matmuls, 2 N r (in + out) FLOPs instead of 2 N in out: a saving
whenever r < in * out / (in + out).

How to choose r: the "energy" of W is the sum of its squared singular
values (its squared Frobenius norm); keep the smallest r that holds a
fraction `energy` of it. Trained layers often have fast-decaying spectra,
so 90 % of the energy sits in a small r; random matrices do not.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from tinytorch.layers import Linear, Module, Parameter
from tinytorch.tensor import ShapeError, Tensor

from ._layers import replace_layers


def rank_for_energy(singular_values: np.ndarray, energy: float) -> int:
    """Smallest r such that the r largest singular values hold `energy` of the squared sum."""
    if not 0.0 < energy <= 1.0:
        raise ValueError(f"low_rank: energy must be in (0, 1], got {energy!r}")
    ### BEGIN SOLUTION
    squares = np.sort(np.asarray(singular_values, dtype=np.float64))[::-1] ** 2
    total = squares.sum()
    if total == 0.0:
        return 1  # an all-zero matrix: rank 1 (of zeros) represents it exactly
    held = np.cumsum(squares) / total
    # a small tolerance so that energy=1.0 is reached despite rounding in the cumsum
    return int(np.searchsorted(held, energy - 1e-12) + 1)
    ### END SOLUTION


class LowRankLinear(Module):
    """`y = (x @ v.T) @ u.T + bias`: a Linear whose weight is the product u @ v of rank `rank`.

    `u` has shape (out_features, rank), `v` (rank, in_features), both
    Parameters (it can be fine-tuned); `bias` (out_features,) or None.
    `LowRankLinear.from_linear(linear, rank)` fills them from the SVD of a
    trained Linear. Cost: rank * (in + out) (+ out) parameters and
    2 N rank (in + out) FLOPs forward.
    """

    def __init__(self, in_features: int, out_features: int, rank: int, bias: bool = True,
                 dtype: Any = None) -> None:
        super().__init__()
        for name, value in (("in_features", in_features), ("out_features", out_features),
                            ("rank", rank)):
            if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < 1:
                raise ValueError(f"LowRankLinear: {name} must be a positive int, got {value!r}")
        if rank > min(in_features, out_features):
            raise ValueError(f"LowRankLinear: rank={rank} exceeds min(in_features, "
                             f"out_features) = {min(in_features, out_features)}")
        dt = np.dtype(np.float32 if dtype is None else dtype)
        self.in_features, self.out_features, self.rank = (int(in_features), int(out_features),
                                                          int(rank))
        self.u = Parameter(np.zeros((self.out_features, self.rank), dtype=dt))
        self.v = Parameter(np.zeros((self.rank, self.in_features), dtype=dt))
        if bias:
            self.bias = Parameter(np.zeros((self.out_features,), dtype=dt))
        else:
            self.register_parameter("bias", None)

    @classmethod
    def from_linear(cls, linear: Linear, rank: int) -> LowRankLinear:
        """The best rank-`rank` approximation of `linear` (truncated SVD), bias copied."""
        if not isinstance(linear, Linear):
            raise TypeError(f"LowRankLinear.from_linear: expected a Linear, got "
                            f"{type(linear).__name__}")
        w = linear.weight.data
        layer = cls(linear.in_features, linear.out_features, rank,
                    bias=linear.bias is not None, dtype=w.dtype)
        ### BEGIN SOLUTION
        u, s, vt = np.linalg.svd(w.astype(np.float64), full_matrices=False)
        layer.u.data[...] = u[:, :rank] * s[:rank]  # the singular values go into u
        layer.v.data[...] = vt[:rank]
        ### END SOLUTION
        if linear.bias is not None:
            layer.bias.data[...] = linear.bias.data
        return layer

    def dense_weight(self) -> np.ndarray:
        """The (out, in) matrix u @ v this layer represents (for inspection)."""
        return self.u.data @ self.v.data

    def forward(self, x: Tensor) -> Tensor:
        """(..., in_features) -> (..., out_features) through the rank-r bottleneck."""
        if not isinstance(x, Tensor):
            raise TypeError(f"LowRankLinear: expected a Tensor input, got {type(x).__name__}")
        if x.ndim == 0 or x.shape[-1] != self.in_features:
            raise ShapeError(f"LowRankLinear: input of shape {tuple(x.shape)} does not end in "
                             f"in_features={self.in_features}")
        ### BEGIN SOLUTION
        h = x @ self.v.transpose(0, 1)  # (..., in) @ (in, r): the bottleneck
        y = h @ self.u.transpose(0, 1)  # (..., r) @ (r, out)
        return y + self.bias if self.bias is not None else y
        ### END SOLUTION

    def extra_repr(self) -> str:
        return (f"in_features={self.in_features}, out_features={self.out_features}, "
                f"rank={self.rank}, bias={self.bias is not None}")


def low_rank(model: Module, energy: float = 0.9, always: bool = False) -> Module:
    """A COPY of `model` with each Linear replaced by a LowRankLinear holding `energy`.

    Each Linear's rank is the smallest r whose singular values hold
    `energy` (in (0, 1]) of the squared sum (`rank_for_energy`). A Linear
    whose factorisation would not be smaller (r * (in + out) >= in * out)
    is kept as it is, unless `always=True`. The original is untouched.

    Cost: one SVD per Linear, O(in * out * min(in, out)).
    """
    rank_for_energy(np.ones(1), energy)  # checks energy before any work

    def convert(_: str, layer: Any) -> Module | None:
        if not isinstance(layer, Linear):
            return None
        ### BEGIN SOLUTION
        s = np.linalg.svd(layer.weight.data.astype(np.float64), compute_uv=False)
        r = rank_for_energy(s, energy)
        if not always and r * (layer.in_features + layer.out_features) >= layer.weight.data.size:
            return None
        return LowRankLinear.from_linear(layer, r)
        ### END SOLUTION

    return replace_layers(model, convert)
