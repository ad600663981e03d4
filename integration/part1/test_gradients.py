"""Part I, across packages: the modules written before autograd are differentiable.

Activations, losses and Linear are built only from tt-tensor primitives, so
installing tt-autograd must give each of them correct gradients without a
line changed. Checked by finite differences in float64 (`gradcheck`) and, where
PyTorch is installed, against its gradients.
"""

from __future__ import annotations

import numpy as np
import pytest
from tinytorch import activations as A
from tinytorch import losses as L
from tinytorch.autograd import gradcheck
from tinytorch.layers import Linear, Sequential
from tinytorch.tensor import Tensor
from tt_testing import assert_close, torch_or_skip

pytestmark = pytest.mark.requires("tt-autograd")

RNG = np.random.default_rng(0)


def leaf(*shape: int, scale: float = 1.0) -> Tensor:
    return Tensor(RNG.standard_normal(shape) * scale, dtype=np.float64, requires_grad=True)


ACTIVATIONS = {
    "relu": lambda x: A.relu(x),
    "sigmoid": lambda x: A.sigmoid(x),
    "tanh": lambda x: A.tanh(x),
    "gelu": lambda x: A.gelu(x),
    "gelu_tanh": lambda x: A.GELU(approximate="tanh")(x),
    "softmax": lambda x: A.softmax(x, dim=1),
    "log_softmax": lambda x: A.log_softmax(x, dim=0),
}


@pytest.mark.parametrize("name", sorted(ACTIVATIONS))
def test_activation_gradients_match_finite_differences(name: str) -> None:
    x = leaf(3, 4, scale=2.0)
    x.data[np.abs(x.data) < 1e-3] = 0.5  # keep ReLU's kink out of the finite differences
    weights = Tensor(RNG.standard_normal((3, 4)), dtype=np.float64)  # a non-uniform upstream
    assert gradcheck(lambda t: (ACTIVATIONS[name](t) * weights).sum(), (x,))


@pytest.mark.parametrize("name", sorted(ACTIVATIONS))
def test_activation_gradients_are_finite_at_extremes(name: str) -> None:
    x = Tensor(np.array([[-1e4, -100.0, 0.0, 100.0, 1e4]], np.float32), requires_grad=True)
    ACTIVATIONS[name](x).sum().backward()
    assert np.all(np.isfinite(x.grad.numpy())), f"{name}: non-finite gradient {x.grad}"


@pytest.mark.parametrize("reduction", ["mean", "sum"])
def test_losses_gradients_match_finite_differences(reduction: str) -> None:
    logits, pred, target = leaf(5, 4), leaf(5, 3), Tensor(RNG.standard_normal((5, 3)))
    classes = np.array([0, 3, 1, 1, 2])
    probs = Tensor(RNG.uniform(0.1, 0.9, (5, 3)), dtype=np.float64, requires_grad=True)
    labels = Tensor(RNG.integers(0, 2, (5, 3)).astype(np.float64))
    assert gradcheck(lambda z: L.CrossEntropyLoss(reduction=reduction)(z, classes), (logits,))
    assert gradcheck(lambda p: L.MSELoss(reduction=reduction)(p, target), (pred,))
    assert gradcheck(lambda p: L.BCELoss(reduction=reduction)(p, labels), (probs,))
    assert gradcheck(lambda z: L.BCEWithLogitsLoss(reduction=reduction)(z, labels), (pred,))


def test_linear_and_sequential_gradients() -> None:
    model = Sequential(Linear(4, 6, dtype=np.float64), A.Tanh(), Linear(6, 3, dtype=np.float64))
    x = leaf(5, 4)
    params = list(model.parameters())
    assert gradcheck(lambda x_, *ps: (model(x_) ** 2).sum(), (x, *params))


def test_mlp_gradients_equal_pytorch() -> None:
    torch = torch_or_skip()
    x = RNG.standard_normal((8, 5)).astype(np.float32)
    y = RNG.integers(0, 3, 8)
    model = Sequential(Linear(5, 7), A.ReLU(), Linear(7, 3))
    ref = torch.nn.Sequential(torch.nn.Linear(5, 7), torch.nn.ReLU(), torch.nn.Linear(7, 3))
    with torch.no_grad():
        for (_name, p), q in zip(model.named_parameters(), ref.parameters(), strict=False):
            q.copy_(torch.from_numpy(p.data))
    L.CrossEntropyLoss()(model(Tensor(x)), y).backward()
    torch.nn.functional.cross_entropy(ref(torch.from_numpy(x)), torch.from_numpy(y)).backward()
    for (_name, p), q in zip(model.named_parameters(), ref.parameters(), strict=False):
        assert_close(p.grad, q.grad, rtol=1e-4, atol=1e-6)
