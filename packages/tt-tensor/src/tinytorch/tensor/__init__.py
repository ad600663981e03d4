"""tinytorch.tensor: a Tensor over a NumPy array, and its primitives.

Broadcasting, elementwise ops, reductions, shapes, matmul, views and strides.

    >>> from tinytorch.tensor import Tensor
    >>> x = Tensor([[1.0, 2.0], [3.0, 4.0]])
    >>> (x @ x.T + 1).sum(dim=1)
    tensor([18., 38.])

Every differentiable op runs through `apply` (the autograd extension point,
see `dispatch.py`); `PRIMITIVES` lists the op names an engine must handle.
`observe_ops` lets a profiler watch every primitive run (`observers.py`).
"""

from .__about__ import __version__
from ._checks import DTypeError, ShapeError
from .creation import (
    arange,
    eye,
    full,
    linspace,
    ones,
    ones_like,
    rand,
    randint,
    randn,
    zeros,
    zeros_like,
)
from .dispatch import ENTRY_POINT_GROUP, PRIMITIVES, GradEngine, apply, get_engine, set_engine
from .observers import OpEvent, observe_ops, observing, report_op
from .ops_binary import add, div, maximum, mul, pow, sub, where
from .ops_index import getitem
from .ops_join import cat, chunk, split, stack
from .ops_layout import clone, expand, flip, pad, t
from .ops_logical import all, any
from .ops_mask import masked_fill, tril, triu
from .ops_matmul import matmul
from .ops_reduce import ValuesIndices, amax, amin, argmax, argmin, max, mean, min, sum
from .ops_shape import contiguous, flatten, permute, reshape, squeeze, transpose, unsqueeze, view
from .ops_stats import logsumexp, std, var
from .ops_unary import abs, clamp, cos, erf, exp, log, neg, sin, sqrt, tanh
from .rng import default_generator, manual_seed
from .serialization import load, save
from .tensor import Tensor

__all__ = [
    "ENTRY_POINT_GROUP",
    "PRIMITIVES",
    "DTypeError",
    "GradEngine",
    "OpEvent",
    "ShapeError",
    "Tensor",
    "ValuesIndices",
    "__version__",
    "abs",
    "add",
    "all",
    "amax",
    "amin",
    "any",
    "apply",
    "arange",
    "argmax",
    "argmin",
    "cat",
    "chunk",
    "clamp",
    "clone",
    "contiguous",
    "cos",
    "default_generator",
    "div",
    "erf",
    "exp",
    "expand",
    "eye",
    "flatten",
    "flip",
    "full",
    "get_engine",
    "getitem",
    "linspace",
    "load",
    "log",
    "logsumexp",
    "manual_seed",
    "masked_fill",
    "matmul",
    "max",
    "maximum",
    "mean",
    "min",
    "mul",
    "neg",
    "observe_ops",
    "observing",
    "ones",
    "ones_like",
    "pad",
    "permute",
    "pow",
    "rand",
    "randint",
    "randn",
    "report_op",
    "reshape",
    "save",
    "set_engine",
    "sin",
    "split",
    "sqrt",
    "squeeze",
    "stack",
    "std",
    "sub",
    "sum",
    "t",
    "tanh",
    "transpose",
    "tril",
    "triu",
    "unsqueeze",
    "var",
    "view",
    "where",
    "zeros",
    "zeros_like",
]
