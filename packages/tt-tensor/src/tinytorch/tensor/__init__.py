"""tinytorch.tensor: a Tensor over a NumPy array, and its primitives.

Broadcasting, elementwise ops, reductions, shapes, matmul, views and strides.

    >>> from tinytorch.tensor import Tensor
    >>> x = Tensor([[1.0, 2.0], [3.0, 4.0]])
    >>> (x @ x.T + 1).sum(dim=1)
    tensor([18., 38.])

Every differentiable op runs through `apply` (the autograd extension point,
see `dispatch.py`); `PRIMITIVES` lists the op names an engine must handle.
"""

from .__about__ import __version__
from .creation import arange, full, ones, ones_like, rand, randn, zeros, zeros_like
from .dispatch import ENTRY_POINT_GROUP, PRIMITIVES, GradEngine, apply, get_engine, set_engine
from .ops_binary import add, div, maximum, mul, pow, sub, where
from .ops_index import getitem
from .ops_matmul import matmul
from .ops_reduce import argmax, argmin, max, mean, min, sum
from .ops_shape import contiguous, flatten, permute, reshape, squeeze, transpose, unsqueeze, view
from .ops_unary import abs, clamp, erf, exp, log, neg, sqrt, tanh
from .rng import default_generator, manual_seed
from .tensor import Tensor

__all__ = [
    "ENTRY_POINT_GROUP",
    "PRIMITIVES",
    "GradEngine",
    "Tensor",
    "__version__",
    "abs",
    "add",
    "apply",
    "arange",
    "argmax",
    "argmin",
    "clamp",
    "contiguous",
    "default_generator",
    "div",
    "erf",
    "exp",
    "flatten",
    "full",
    "get_engine",
    "getitem",
    "log",
    "manual_seed",
    "matmul",
    "max",
    "maximum",
    "mean",
    "min",
    "mul",
    "neg",
    "ones",
    "ones_like",
    "permute",
    "pow",
    "rand",
    "randn",
    "reshape",
    "set_engine",
    "sqrt",
    "squeeze",
    "sub",
    "sum",
    "tanh",
    "transpose",
    "unsqueeze",
    "view",
    "where",
    "zeros",
    "zeros_like",
]
