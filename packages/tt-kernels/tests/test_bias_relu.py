"""bias_relu: equal to its composite twin, NumPy and PyTorch; gradcheck; one node; errors."""

from __future__ import annotations

import numpy as np
import pytest
from tinytorch.autograd import gradcheck
from tinytorch.kernels import BiasReLUFunction, bias_relu, bias_relu_composite
from tinytorch.tensor import DTypeError, ShapeError, Tensor, observe_ops
from tt_testing import assert_close, torch_or_skip


def leaves(shape=(6, 5), dtype=np.float64, seed=0):
    rng = np.random.default_rng(seed)
    x = Tensor(rng.standard_normal(shape).astype(dtype), requires_grad=True)
    b = Tensor((0.5 * rng.standard_normal(shape[-1])).astype(dtype), requires_grad=True)
    return x, b


def test_hand_values_and_gradients() -> None:
    x = Tensor(np.array([[-1.0, 0.5, 2.0], [0.25, -3.0, -0.5]]), requires_grad=True)
    b = Tensor(np.array([0.5, -0.5, 1.0]), requires_grad=True)
    out = bias_relu(x, b)
    assert out.data.tolist() == [[0.0, 0.0, 3.0], [0.75, 0.0, 0.5]]
    out.backward(Tensor(np.array([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]])))
    # the gradient passes where x + b > 0 only; at exactly 0 (0.5 - 0.5) it is 0
    assert x.grad.data.tolist() == [[0.0, 0.0, 3.0], [4.0, 0.0, 6.0]]
    assert b.grad.data.tolist() == [4.0, 0.0, 9.0]


@pytest.mark.parametrize("shape", [(6, 5), (2, 3, 4), (7,)], ids=["2d", "3d", "1d"])
def test_equals_the_composite_twin(shape) -> None:
    results = []
    for fn in (bias_relu, bias_relu_composite):
        x, b = leaves(shape)
        g = np.random.default_rng(1).standard_normal(shape)
        out = fn(x, b)
        out.backward(Tensor(g))
        results.append((out.data, x.grad.data, b.grad.data))
    for fast, twin in zip(*results, strict=True):
        assert_close(fast, twin, rtol=1e-12, atol=1e-14)
    x, b = leaves(shape)
    assert_close(results[0][0], np.maximum(x.data + b.data, 0.0), rtol=1e-12, atol=1e-14)


def test_gradcheck_float64() -> None:
    rng = np.random.default_rng(3)
    # keep x + bias away from the kink at 0, where the derivative jumps
    raw = rng.uniform(0.2, 2.0, size=(4, 6)) * rng.choice([-1.0, 1.0], size=(4, 6))
    x = Tensor(raw, requires_grad=True)
    b = Tensor(np.zeros(6), requires_grad=True)
    assert gradcheck(bias_relu, (x, b))


def test_only_one_input_needs_a_gradient() -> None:
    x, b = leaves()
    bias_relu(x, Tensor(b.data)).sum().backward()
    assert x.grad is not None
    x2, b2 = leaves()
    bias_relu(Tensor(x2.data), b2).sum().backward()
    assert x2.grad is None
    assert_close(b2.grad.data, (x2.data + b2.data > 0).sum(axis=0).astype(float))


def test_one_primitive_against_several() -> None:
    x, b = leaves()
    seen: list[str] = []
    with observe_ops(lambda event: seen.append(event.op)):
        bias_relu(x, b)
    assert seen == [BiasReLUFunction.__name__]
    seen.clear()
    with observe_ops(lambda event: seen.append(event.op)):
        bias_relu_composite(x, b)
    assert len(seen) >= 2  # add, then relu's where (its comparison is no graph op)


def test_float32_stays_float32_and_matches_torch() -> None:
    x, b = leaves((5, 4), np.float32)
    out = bias_relu(x, b)
    out.sum().backward()
    assert out.dtype == np.float32 and x.grad.dtype == np.float32 and b.grad.dtype == np.float32
    torch = torch_or_skip()
    xt = torch.from_numpy(x.data.copy()).requires_grad_(True)
    bt = torch.from_numpy(b.data.copy()).requires_grad_(True)
    yt = torch.relu(xt + bt)
    yt.sum().backward()
    assert_close(out.data, yt.detach().numpy())
    assert_close(x.grad.data, xt.grad.numpy())
    assert_close(b.grad.data, bt.grad.numpy())


def test_errors_name_the_problem() -> None:
    x, b = leaves((3, 4))
    with pytest.raises(ShapeError, match=r"bias_relu: bias of shape \(3,\) does not fit x of "
                                         r"shape \(3, 4\): expected a bias of shape \(4,\)"):
        bias_relu(x, Tensor(np.zeros(3)))
    with pytest.raises(ShapeError, match="bias_relu"):
        bias_relu(x, Tensor(np.zeros((1, 4))))
    with pytest.raises(DTypeError, match="bias is float32 but x is float64"):
        bias_relu(x, Tensor(np.zeros(4, dtype=np.float32)))
    with pytest.raises(DTypeError, match="x must be floating point"):
        bias_relu(Tensor(np.zeros((3, 4), dtype=np.int64)), b)
    with pytest.raises(TypeError, match="bias_relu: bias must be a Tensor"):
        bias_relu(x, np.zeros(4))
    with pytest.raises(ShapeError, match="bias_relu_composite"):
        bias_relu_composite(x, Tensor(np.zeros(5)))
