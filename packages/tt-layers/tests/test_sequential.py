"""Sequential: order, indexing, len, plain callables as layers."""

from __future__ import annotations

import numpy as np
import pytest
from tinytorch.layers import Linear, Module, Sequential
from tinytorch.tensor import Tensor, manual_seed


class Double:
    """A plain callable layer (not a Module), like the activation objects."""

    def __call__(self, x: Tensor) -> Tensor:
        return x * 2

    def __repr__(self) -> str:
        return "Double()"


def test_forward_chains_in_order() -> None:
    manual_seed(0)
    first, second = Linear(3, 4), Linear(4, 2)
    model = Sequential(first, Double(), second)
    x = Tensor(np.random.default_rng(0).normal(size=(5, 3)).astype(np.float32))
    np.testing.assert_allclose(model(x).data, second(first(x) * 2).data, rtol=1e-6)


def test_indexing_len_iter() -> None:
    a, b, c = Linear(1, 2), Double(), Linear(2, 3)
    model = Sequential(a, b, c)
    assert len(model) == 3
    assert model[0] is a and model[1] is b and model[-1] is c
    assert list(model) == [a, b, c]
    sub = model[1:]
    assert isinstance(sub, Sequential) and len(sub) == 2 and sub[1] is c
    with pytest.raises(IndexError, match="index 3 is out of range for 3 layers"):
        model[3]
    with pytest.raises(TypeError, match="index must be an int"):
        model["0"]


def test_plain_callables_have_no_parameters_but_show_in_repr() -> None:
    model = Sequential(Linear(2, 2), Double())
    assert [n for n, _ in model.named_parameters()] == ["0.weight", "0.bias"]
    assert repr(model) == (
        "Sequential(\n"
        "  (0): Linear(in_features=2, out_features=2, bias=True)\n"
        "  (1): Double()\n"
        ")"
    )
    model.eval()  # a non-Module child is skipped, not an error
    assert not model[0].training


def test_nested_sequential_names() -> None:
    model = Sequential(Sequential(Linear(1, 1)), Linear(1, 1))
    assert [n for n, _ in model.named_parameters()] == [
        "0.0.weight", "0.0.bias", "1.weight", "1.bias",
    ]
    assert isinstance(model[0], Module)


def test_append_and_bad_layer() -> None:
    model = Sequential()
    assert len(model) == 0
    model.append(Linear(1, 1))
    assert len(model) == 1
    with pytest.raises(TypeError, match="layer 1 must be a Module or a callable"):
        model.append(3)
    x = Tensor(np.ones((2, 3), dtype=np.float32))
    assert Sequential()(x) is x
