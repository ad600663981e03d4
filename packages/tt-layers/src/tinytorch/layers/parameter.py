"""Parameter: a Tensor that a Module learns."""

from __future__ import annotations

from typing import Any

import numpy as np
from tinytorch.tensor import Tensor


class Parameter(Tensor):
    """A Tensor that is a learnable weight of a `Module`.

    What makes it special is only its type: assigning a `Parameter` to a
    Module attribute (`self.weight = Parameter(...)`) registers it, so
    `module.parameters()` finds it and an optimizer can update it. It
    requires a gradient by default, and always holds floating-point numbers
    (integers are converted to float32): a gradient step on an integer
    weight would be meaningless.

    `data` may be a Tensor (its array is used, not copied), a NumPy array or
    anything `np.asarray` takes. Cost: no copy unless a dtype conversion is
    needed.
    """

    def __init__(self, data: Any = None, requires_grad: bool = True) -> None:
        ### BEGIN SOLUTION
        if data is None:
            data = np.zeros((0,), dtype=np.float32)
        array = data.data if isinstance(data, Tensor) else np.asarray(data)
        if array.dtype.kind != "f":
            if array.dtype.kind not in "biu":
                raise TypeError(
                    f"Parameter: data must hold numbers, got dtype {array.dtype}"
                )
            array = array.astype(np.float32)
        super().__init__(array, requires_grad=requires_grad)
        ### END SOLUTION

    def __repr__(self) -> str:
        return "Parameter containing:\n" + super().__repr__()
