"""Linear follows PyTorch's dtype rule: the input must have the layer's dtype."""

from __future__ import annotations

import numpy as np
import pytest
from tinytorch.layers import Linear
from tinytorch.tensor import DTypeError, Tensor
from tt_testing import torch_or_skip


def test_float64_input_to_float32_layer_raises() -> None:
    layer = Linear(3, 2)  # float32 weights
    x = Tensor(np.ones((4, 3), dtype=np.float64))
    for kind in (DTypeError, RuntimeError, TypeError):
        with pytest.raises(kind, match="matmul: expected both operands to have the same "
                                       "dtype, got float64 and float32"):
            layer(x)


def test_matching_dtype_keeps_it() -> None:
    layer = Linear(3, 2)
    assert layer(Tensor(np.ones((4, 3), dtype=np.float32))).dtype == np.float32


def test_pytorch_refuses_it_too() -> None:
    torch = torch_or_skip()
    layer = torch.nn.Linear(3, 2)
    with pytest.raises(RuntimeError):
        layer(torch.ones(4, 3, dtype=torch.float64))
