"""Softmax and log-softmax along a dimension, shifted by the maximum for stability."""

from __future__ import annotations

from tinytorch.tensor import Tensor

from ._checks import as_tensor, normalize_dim
from ._layer import Activation


def _shifted(x: Tensor, dim: int, op: str) -> tuple[Tensor, int]:
    """`x - max(x, dim)` with the max taken as a constant, and `dim` normalised.

    Softmax does not change when the same number is subtracted from every
    entry along `dim`, so subtracting the maximum costs nothing in exactness
    and makes every exponent <= 0: `exp` can no longer overflow, and the
    largest term becomes exactly exp(0) = 1, so the sum is >= 1 and its log
    cannot be -inf. The max is a constant (no gradient flows through it):
    its true gradient contribution is zero anyway, because the shift cancels.
    A 0-d tensor is a distribution over one value, as in PyTorch: softmax 1,
    log-softmax 0 (dim must then be 0 or -1).
    """
    ### BEGIN SOLUTION
    d = normalize_dim(dim, max(x.ndim, 1), x.shape, op)  # a 0-d tensor takes 0 or -1
    m = x.detach().amax(dim=d, keepdim=True)  # (..., 1, ...), outside the graph
    return x - m, d
    ### END SOLUTION


def softmax(x: Tensor, dim: int = -1) -> Tensor:
    """Softmax along `dim`: `exp(x_i) / sum_j exp(x_j)`, entries in (0, 1) summing to 1.

    Why: turns a vector of scores (logits) into a probability distribution.
    `dim` defaults to -1, the last dimension (the class or vocabulary axis in
    (N, C) and (B, T, V) layouts); PyTorch makes you pass it, we document the
    default instead.

    Stable: the maximum along `dim` is subtracted first (see `_shifted`), so
    inputs of 1e4 or -1e4 give exact, finite results.

    Cost: one exp per element, a max and a sum along `dim`, one division per
    element; the output is a new tensor the size of `x`.
    """
    ### BEGIN SOLUTION
    x = as_tensor(x, "softmax")
    s, d = _shifted(x, dim, "softmax")
    e = s.exp()  # in (0, 1], the max entry is exactly 1
    return e / e.sum(dim=d, keepdim=True)
    ### END SOLUTION


def log_softmax(x: Tensor, dim: int = -1) -> Tensor:
    """Log of the softmax along `dim`: `x_i - log(sum_j exp(x_j))`, computed directly.

    Why not `softmax(x).log()`: a probability that underflows to 0 gives
    log(0) = -inf, although its log is an ordinary number (for logits
    (0, -200) it is -200). Computing `s - log(sum(exp(s)))` on the shifted
    logits `s` keeps every entry finite; this is the form cross-entropy needs.

    Cost: as `softmax`, with a log per reduced row instead of the division.
    """
    ### BEGIN SOLUTION
    x = as_tensor(x, "log_softmax")
    s, d = _shifted(x, dim, "log_softmax")
    return s - s.exp().sum(dim=d, keepdim=True).log()
    ### END SOLUTION


class Softmax(Activation):
    """`softmax` along `dim` (default -1, the last dimension) as a layer object."""

    def __init__(self, dim: int = -1) -> None:
        self.dim = dim

    def forward(self, x: Tensor) -> Tensor:
        """Apply `softmax` to `x` along this layer's `dim`."""
        return softmax(x, dim=self.dim)

    def extra_repr(self) -> str:
        return f"dim={self.dim}"


class LogSoftmax(Activation):
    """`log_softmax` along `dim` (default -1, the last dimension) as a layer object."""

    def __init__(self, dim: int = -1) -> None:
        self.dim = dim

    def forward(self, x: Tensor) -> Tensor:
        """Apply `log_softmax` to `x` along this layer's `dim`."""
        return log_softmax(x, dim=self.dim)

    def extra_repr(self) -> str:
        return f"dim={self.dim}"
