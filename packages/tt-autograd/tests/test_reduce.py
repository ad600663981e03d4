"""Gradients of sum, mean, amax and amin: dims, dim tuples, keepdim, ties."""

import numpy as np
import pytest
from tinytorch.autograd import gradcheck
from tinytorch.tensor import Tensor
from tt_testing import assert_close, torch_or_skip


def t(*shape, seed=0):
    data = np.asarray(np.random.default_rng(seed).uniform(-1.0, 1.0, shape))
    return Tensor(data, requires_grad=True)


DIMS = [None, 0, -1, (0, 2), (2, 0), (1,), ()]


@pytest.mark.parametrize("op", ["sum", "mean", "amax", "amin"])
@pytest.mark.parametrize("dim", DIMS, ids=str)
@pytest.mark.parametrize("keepdim", [False, True])
def test_reduction_gradcheck(op, dim, keepdim):
    x = t(2, 3, 4)  # random values: no ties
    assert gradcheck(lambda a: getattr(a, op)(dim=dim, keepdim=keepdim), (x,))


@pytest.mark.parametrize("op", ["sum", "mean", "max", "min", "amax", "amin"])
def test_reduction_of_0d(op):
    assert gradcheck(lambda a: getattr(a, op)(), (t(),))


def test_mean_gradient_is_one_over_n():
    x = t(2, 3, 4)
    x.mean(dim=(0, 2)).sum().backward()
    assert_close(x.grad, np.full((2, 3, 4), 1 / 8))


def test_max_ties_split_evenly():
    x = Tensor(np.array([[1.0, 3.0, 3.0], [2.0, 2.0, 2.0]]), requires_grad=True)
    x.amax(dim=1).sum().backward()
    assert_close(x.grad, [[0.0, 0.5, 0.5], [1 / 3, 1 / 3, 1 / 3]])


def test_min_ties_over_all_elements():
    x = Tensor(np.array([[0.0, 1.0], [0.0, 0.0]]), requires_grad=True)
    (x.min() * 6.0).backward()
    assert_close(x.grad, [[2.0, 0.0], [2.0, 2.0]])


@pytest.mark.parametrize("dim", [None, 0, 1, (0, 1)], ids=str)
@pytest.mark.parametrize("keepdim", [False, True])
def test_max_min_ties_match_torch_amax(dim, keepdim):
    torch = torch_or_skip()
    data = np.array([[1.0, 3.0, 3.0], [3.0, 2.0, 3.0]])
    for ours, theirs in (("amax", torch.amax), ("amin", torch.amin)):
        x = Tensor(data, requires_grad=True)
        tx = torch.tensor(data, requires_grad=True)
        tdim = () if dim is None else dim
        out, tout = getattr(x, ours)(dim=dim, keepdim=keepdim), theirs(tx, tdim, keepdim)
        weights = np.arange(1.0, 1.0 + tout.numel()).reshape(tuple(tout.shape))
        (out * Tensor(weights)).sum().backward()
        (tout * torch.tensor(weights)).sum().backward()
        assert_close(x.grad, tx.grad)
