"""Gradients of matmul (1-D, 2-D, batched, broadcast batches) and of the shape ops."""

import numpy as np
import pytest
from tinytorch.autograd import gradcheck
from tinytorch.tensor import Tensor
from tt_testing import assert_close, torch_or_skip


def t(*shape, seed=0):
    data = np.asarray(np.random.default_rng(seed).uniform(-1.0, 1.0, shape))
    return Tensor(data, requires_grad=True)


MATMUL_SHAPES = [
    ((3, 4), (4, 5)),  # matrix @ matrix
    ((4,), (4, 5)),  # vector @ matrix
    ((3, 4), (4,)),  # matrix @ vector
    ((4,), (4,)),  # dot product
    ((2, 3, 4), (2, 4, 5)),  # batched
    ((2, 3, 4), (4, 5)),  # batch against one matrix
    ((4, 3), (2, 3, 5)),  # one matrix against a batch
    ((2, 1, 3, 4), (5, 4, 2)),  # broadcast batch dims: (2, 5, 3, 2)
    ((4,), (2, 4, 5)),  # vector against a batch
    ((2, 3, 4), (4,)),  # batch against a vector
]


@pytest.mark.parametrize("shapes", MATMUL_SHAPES, ids=str)
def test_matmul_gradcheck(shapes):
    a, b = t(*shapes[0]), t(*shapes[1], seed=1)
    assert gradcheck(lambda x, y: x @ y, (a, b))


@pytest.mark.parametrize("shapes", MATMUL_SHAPES, ids=str)
def test_matmul_matches_torch(shapes):
    torch = torch_or_skip()
    a, b = t(*shapes[0]), t(*shapes[1], seed=1)
    ta = torch.tensor(a.data, requires_grad=True)
    tb = torch.tensor(b.data, requires_grad=True)
    out, tout = a @ b, ta @ tb
    w = np.random.default_rng(2).normal(size=tuple(tout.shape))
    (out * Tensor(w)).sum().backward()
    (tout * torch.tensor(w)).sum().backward()
    assert_close(a.grad, ta.grad, rtol=1e-10, atol=1e-12)
    assert_close(b.grad, tb.grad, rtol=1e-10, atol=1e-12)


def test_matmul_one_side_constant():
    a, b = t(3, 4), t(4, 2, seed=1)
    a.requires_grad = False
    (a @ b).sum().backward()
    assert a.grad is None
    assert_close(b.grad, a.data.T @ np.ones((3, 2)))


@pytest.mark.parametrize(
    "name, fn",
    [
        ("reshape", lambda a: a.reshape(4, 6)),
        ("reshape -1", lambda a: a.reshape(-1)),
        ("view", lambda a: a.view(6, 4)),
        ("transpose", lambda a: a.transpose(1, 2)),
        ("transpose neg", lambda a: a.transpose(-1, 0)),
        ("permute", lambda a: a.permute(1, 2, 0)),
        ("permute neg", lambda a: a.permute(-1, 0, 1)),
        ("contiguous", lambda a: a.permute(2, 0, 1).contiguous()),
        ("flatten", lambda a: a.flatten(1)),
        ("squeeze/unsqueeze", lambda a: a.unsqueeze(1).squeeze(1)),
        ("chain", lambda a: a.permute(2, 1, 0).reshape(12, 2).transpose(0, 1) * 2.0),
    ],
)
def test_shape_ops_gradcheck(name, fn):
    assert gradcheck(fn, (t(2, 3, 4),))


def test_permute_uses_inverse_permutation():
    x = t(2, 3, 4)
    w = np.random.default_rng(3).normal(size=(4, 2, 3))
    (x.permute(2, 0, 1) * Tensor(w)).sum().backward()
    assert_close(x.grad, np.transpose(w, (1, 2, 0)))
