"""tinytorch.layers: Module, Parameter, Linear, Sequential, init, state_dict.

`Module` is the base class of every model: it finds its Parameters and
sub-Modules by attribute assignment, names them (`"0.weight"`), switches
train/eval mode, and saves and restores weights (`state_dict`,
`load_state_dict`). `Linear` and `Sequential` are the first layers built on
it; `init` holds the initialisation schemes (Xavier, Kaiming, ...).
"""

from . import init
from .__about__ import __version__
from .linear import Linear
from .module import IncompatibleKeys, Module
from .parameter import Parameter
from .sequential import Sequential

__all__ = [
    "IncompatibleKeys",
    "Linear",
    "Module",
    "Parameter",
    "Sequential",
    "__version__",
    "init",
]
