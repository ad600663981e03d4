"""tinytorch.autograd: reverse-mode autodiff, Function, no_grad, gradcheck.

Importing this package installs its gradient engine into tt-tensor
(`set_engine`). It is also registered under the entry-point group
`tinytorch.engine`, so `loss.backward()` finds it even in a script that never
imports `tinytorch.autograd`.

    from tinytorch.tensor import Tensor
    import tinytorch.autograd  # optional: the entry point loads it on demand

    w = Tensor([[1.0, 2.0]], requires_grad=True)
    loss = (w * w).sum()
    loss.backward()          # w.grad == 2 * w
"""

from tinytorch.tensor import set_engine

from .__about__ import __version__
from .engine import Engine, backward
from .function import Function, FunctionCtx
from .grad_mode import enable_grad, is_grad_enabled, no_grad, set_grad_enabled
from .gradcheck import GradcheckError, gradcheck
from .rules import RULES

__all__ = [
    "RULES",
    "Engine",
    "Function",
    "FunctionCtx",
    "GradcheckError",
    "__version__",
    "backward",
    "enable_grad",
    "gradcheck",
    "is_grad_enabled",
    "no_grad",
    "set_grad_enabled",
]

set_engine(Engine())
