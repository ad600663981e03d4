"""Pooling: hand values, ties and overlaps, the loop twins, gradients, PyTorch, errors."""

from __future__ import annotations

import numpy as np
import pytest
from tinytorch.autograd import gradcheck
from tinytorch.spatial import (
    adaptive_avg_pool2d,
    avg_pool2d,
    avg_pool2d_loops,
    max_pool2d,
    max_pool2d_loops,
)
from tinytorch.tensor import DTypeError, ShapeError, Tensor
from tt_testing import assert_close, torch_or_skip

# (kernel_size, stride, padding)
WINDOWS = [
    pytest.param(2, None, 0, id="2x2"),
    pytest.param(3, 1, 1, id="3x3-overlap-pad1"),
    pytest.param(3, 2, 1, id="3x3-stride2-pad1"),
    pytest.param((2, 3), (1, 2), (1, 0), id="pairs"),
    pytest.param(3, None, 0, id="3x3-uncovered-edge"),
]
POOLS = [
    pytest.param(max_pool2d, max_pool2d_loops, "max_pool2d", id="max"),
    pytest.param(avg_pool2d, avg_pool2d_loops, "avg_pool2d", id="avg"),
]


def ties(shape=(2, 3, 7, 8), seed=0) -> np.ndarray:
    """Small integers: many windows hold their maximum twice or more."""
    return np.random.default_rng(seed).integers(0, 3, shape).astype(np.float64)


def test_hand_computed_values() -> None:
    x = Tensor(np.arange(16.0).reshape(1, 1, 4, 4))
    assert_close(max_pool2d(x, 2), np.array([[[[5.0, 7.0], [13.0, 15.0]]]]))
    assert_close(avg_pool2d(x, 2), np.array([[[[2.5, 4.5], [10.5, 12.5]]]]))
    # zero padding counts in the mean; -inf padding never wins the max
    assert_close(avg_pool2d(x, 2, padding=1)[0, 0, 0], np.array([0.0, 0.75, 0.75]))
    neg = Tensor(-np.ones((1, 1, 2, 2)))
    assert_close(max_pool2d(neg, 2, stride=1, padding=1), -np.ones((1, 1, 3, 3)))


def test_max_gradient_goes_to_the_first_maximum_in_scan_order() -> None:
    x = Tensor(np.zeros((1, 1, 2, 4)), requires_grad=True)
    x.data[0, 0, 1, 3] = 0.0  # all equal: both windows tie everywhere
    max_pool2d(x, 2).backward(Tensor(np.array([[[[3.0, 5.0]]]])))
    assert_close(x.grad, np.array([[[[3.0, 0.0, 5.0, 0.0], [0.0, 0.0, 0.0, 0.0]]]]))
    y = Tensor(np.array([[[[1.0, 2.0], [2.0, 0.0]]]]), requires_grad=True)
    max_pool2d(y, 2).sum().backward()  # tie between (0, 1) and (1, 0): row-major first
    assert_close(y.grad, np.array([[[[0.0, 1.0], [0.0, 0.0]]]]))


def test_overlapping_windows_add_their_gradients() -> None:
    x = Tensor(np.ones((1, 1, 3, 3)), requires_grad=True)
    max_pool2d(x, 2, stride=1).sum().backward()
    # four windows, all ties: each gives its gradient to its own top-left cell
    assert_close(x.grad, np.array([[[[1.0, 1.0, 0.0], [1.0, 1.0, 0.0], [0.0, 0.0, 0.0]]]]))
    z = Tensor(np.array([[[[0.0, 0.0, 0.0], [0.0, 9.0, 0.0], [0.0, 0.0, 0.0]]]]),
               requires_grad=True)
    max_pool2d(z, 2, stride=1).sum().backward()  # the centre wins all four windows
    assert z.grad.data[0, 0, 1, 1] == 4.0 and z.grad.data.sum() == 4.0
    a = Tensor(np.ones((1, 1, 3, 3)), requires_grad=True)
    avg_pool2d(a, 2, stride=1).sum().backward()
    assert_close(a.grad, np.array([[[[1, 2, 1], [2, 4, 2], [1, 2, 1]]]]) / 4.0)


@pytest.mark.parametrize(("fast", "loops", "name"), POOLS)
@pytest.mark.parametrize(("kernel", "stride", "padding"), WINDOWS)
def test_vectorised_equals_the_loops(fast, loops, name, kernel, stride, padding) -> None:
    x = Tensor(ties())
    assert_close(fast(x, kernel, stride, padding), loops(x, kernel, stride, padding), rtol=1e-12)


@pytest.mark.parametrize(("fast", "loops", "name"), POOLS)
@pytest.mark.parametrize(("kernel", "stride", "padding"), WINDOWS)
def test_gradcheck(fast, loops, name, kernel, stride, padding) -> None:
    # distinct values (no ties): max is differentiable there
    x = np.random.default_rng(1).permutation(2 * 2 * 6 * 7).reshape(2, 2, 6, 7) / 10.0
    assert gradcheck(lambda t: fast(t, kernel, stride, padding), (Tensor(x, requires_grad=True),))


@pytest.mark.parametrize(("fast", "loops", "name"), POOLS)
@pytest.mark.parametrize(("kernel", "stride", "padding"), WINDOWS)
def test_against_pytorch_with_ties(fast, loops, name, kernel, stride, padding) -> None:
    torch = torch_or_skip()
    x = ties(seed=2).astype(np.float32)
    xt = Tensor(x.copy(), requires_grad=True)
    out = fast(xt, kernel, stride, padding)
    r = np.random.default_rng(3).standard_normal(out.shape).astype(np.float32)
    (out * Tensor(r)).sum().backward()
    tx = torch.tensor(x, requires_grad=True)
    tout = getattr(torch.nn.functional, name)(tx, kernel, stride, padding)
    (tout * torch.from_numpy(r)).sum().backward()
    assert out.dtype == np.float32
    assert_close(out, tout, rtol=1e-6)
    assert_close(xt.grad, tx.grad, rtol=1e-5, atol=1e-6)


def test_unbatched_input() -> None:
    x = ties((3, 6, 6))
    for fn in (max_pool2d, avg_pool2d, max_pool2d_loops, avg_pool2d_loops):
        out = fn(Tensor(x), 2)
        assert out.shape == (3, 3, 3)
        assert_close(out, fn(Tensor(x[None]), 2).data[0])
    assert adaptive_avg_pool2d(Tensor(x), 1).shape == (3, 1, 1)


def test_output_size_must_be_positive() -> None:
    x = Tensor(np.zeros((1, 1, 2, 5)))
    for fn in (max_pool2d, avg_pool2d, max_pool2d_loops):
        with pytest.raises(ShapeError, match=r"output size would be 0x1.*at least 1x1"):
            fn(x, 3)
    assert max_pool2d(x, 3, padding=1).shape == (1, 1, 1, 2)


def test_bad_arguments_are_named() -> None:
    x = Tensor(np.zeros((1, 1, 6, 6)))
    with pytest.raises(ValueError, match=r"padding .* must be at most half the kernel"):
        max_pool2d(x, 2, padding=2)
    with pytest.raises(ValueError, match="kernel_size must be >= 1"):
        avg_pool2d(x, 0)
    with pytest.raises(ValueError, match="stride must be >= 1"):
        max_pool2d(x, 2, stride=0)
    with pytest.raises(ShapeError, match="expected a 4-D input"):
        max_pool2d(Tensor(np.zeros((6, 6))), 2)
    with pytest.raises(DTypeError, match="floating point"):
        avg_pool2d(Tensor(np.zeros((1, 1, 4, 4), dtype=np.int64)), 2)


def test_adaptive_avg_pool_hand_values_and_gradient() -> None:
    x = Tensor(np.arange(20.0).reshape(1, 1, 4, 5), requires_grad=True)
    out = adaptive_avg_pool2d(x, (2, 2))
    # rows {0,1},{2,3}; columns {0,1,2},{2,3,4} (PyTorch's overlapping split of 5 into 2)
    assert_close(out, np.array([[[[3.5, 5.5], [13.5, 15.5]]]]))
    assert_close(adaptive_avg_pool2d(x, 1), np.full((1, 1, 1, 1), 9.5))
    assert_close(adaptive_avg_pool2d(x, (None, 1)), x.data.mean(axis=3, keepdims=True))
    t = Tensor(np.random.default_rng(4).standard_normal((2, 2, 5, 7)), requires_grad=True)
    assert gradcheck(lambda a: adaptive_avg_pool2d(a, (3, 4)), (t,))
    with pytest.raises(ValueError, match="output_size must hold positive ints"):
        adaptive_avg_pool2d(x, 0)


@pytest.mark.parametrize("size", [1, (3, 4), (4, 2), (5, 7), (None, 3)])
def test_adaptive_against_pytorch(size) -> None:
    torch = torch_or_skip()
    x = np.random.default_rng(5).standard_normal((2, 3, 5, 7)).astype(np.float32)
    xt = Tensor(x.copy(), requires_grad=True)
    out = adaptive_avg_pool2d(xt, size)
    out.sum().backward()
    tx = torch.tensor(x, requires_grad=True)
    tout = torch.nn.functional.adaptive_avg_pool2d(tx, size)
    tout.sum().backward()
    assert_close(out, tout, rtol=1e-5, atol=1e-6)
    assert_close(xt.grad, tx.grad, rtol=1e-5, atol=1e-6)
