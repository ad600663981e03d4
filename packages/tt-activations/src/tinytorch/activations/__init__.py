"""tinytorch.activations: ReLU, Sigmoid, Tanh, GELU, Softmax, LogSoftmax, numerically stable.

Each activation comes twice: a function (`relu(x)`, `softmax(x, dim=-1)`)
and a small layer object with the same behaviour (`ReLU()`, `Softmax(dim=-1)`)
for use in `Sequential`. All are built only from tinytorch.tensor
primitives, so they are differentiable as soon as tt-autograd is installed.
"""

from .__about__ import __version__
from .gelu import GELU, gelu
from .relu import ReLU, relu
from .sigmoid import Sigmoid, sigmoid
from .softmax import LogSoftmax, Softmax, log_softmax, softmax
from .tanh import Tanh, tanh

__all__ = [
    "GELU",
    "LogSoftmax",
    "ReLU",
    "Sigmoid",
    "Softmax",
    "Tanh",
    "__version__",
    "gelu",
    "log_softmax",
    "relu",
    "sigmoid",
    "softmax",
    "tanh",
]
