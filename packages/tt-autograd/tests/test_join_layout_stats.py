"""Gradients of the ops PyTorch users reach for: finite differences (float64) and PyTorch.

cat expand pad clone sin cos are primitives with their own rules; stack split
chunk flip masked_fill tril triu var std logsumexp are composites, whose
gradients come from the rules of the primitives they are built from.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
import tinytorch.tensor as tt
from tinytorch.autograd import gradcheck
from tinytorch.tensor import Tensor
from tt_testing import assert_close, torch_or_skip


def t(*shape, low=-1.0, high=1.0, seed=0):
    data = np.asarray(np.random.default_rng(seed).uniform(low, high, shape))
    return Tensor(data, requires_grad=True)


MASK = np.array([[True, False, False, True]])  # (1, 4), broadcasts against (3, 4)

# name -> (tinytorch fn, torch fn, input shapes)
CASES = {
    "cat": (lambda a, b: tt.cat([a, b, a], 1), lambda a, b: __import__("torch").cat([a, b, a], 1),
            [(2, 3), (2, 1)]),
    "stack": (lambda a, b: tt.stack([a, b], -1),
              lambda a, b: __import__("torch").stack([a, b], -1), [(2, 3), (2, 3)]),
    "split": (lambda a: a.split([1, 3], 1)[1] * a.split(2, 1)[0].sum(),
              lambda a: a.split([1, 3], 1)[1] * a.split(2, 1)[0].sum(), [(3, 4)]),
    "chunk": (lambda a: a.chunk(3, 0)[0] - 2 * a.chunk(3, 0)[2][:1],
              lambda a: a.chunk(3, 0)[0] - 2 * a.chunk(3, 0)[2][:1], [(5, 2)]),
    "masked_fill": (lambda a: a.masked_fill(MASK, 2.0) * a,
                    lambda a: a.masked_fill(__import__("torch").from_numpy(MASK), 2.0) * a,
                    [(3, 4)]),
    "tril": (lambda a: a.tril(-1), lambda a: a.tril(-1), [(2, 3, 4)]),
    "triu": (lambda a: a.triu(1), lambda a: a.triu(1), [(3, 4)]),
    "var": (lambda a: a.var(dim=1), lambda a: a.var(dim=1), [(3, 4)]),
    "var_all_c0": (lambda a: a.var(correction=0), lambda a: a.var(correction=0), [(3, 4)]),
    "std": (lambda a: a.std(dim=(0, 2), keepdim=True), lambda a: a.std(dim=(0, 2), keepdim=True),
            [(2, 3, 4)]),
    "logsumexp": (lambda a: (a * 30).logsumexp(1), lambda a: (a * 30).logsumexp(1), [(3, 4)]),
    "sin": (lambda a: a.sin(), lambda a: a.sin(), [(3, 4)]),
    "cos": (lambda a: a.cos(), lambda a: a.cos(), [(3, 4)]),
    "flip": (lambda a: a.flip(0, 2) * a, lambda a: a.flip(0, 2) * a, [(2, 3, 2)]),
    "expand": (lambda a: a.expand(2, 3, 4) * 2, lambda a: a.expand(2, 3, 4) * 2, [(3, 1)]),
    "expand_as": (lambda a, b: a.expand_as(b) * b, lambda a, b: a.expand_as(b) * b,
                  [(1, 4), (3, 4)]),
    "pad": (lambda a: tt.pad(a, (1, -1, 2, 0), value=5.0) ** 2,
            lambda a: __import__("torch").nn.functional.pad(a, (1, -1, 2, 0), value=5.0) ** 2,
            [(3, 4)]),
    "clone": (lambda a: a.clone() * a, lambda a: a.clone() * a, [(3, 4)]),
    "t": (lambda a: a.t() @ a, lambda a: a.t() @ a, [(3, 2)]),
}


@pytest.mark.parametrize("name", list(CASES))
def test_gradcheck(name):
    fn, _, shapes = CASES[name]
    inputs = [t(*s, seed=i) for i, s in enumerate(shapes)]
    assert gradcheck(fn, inputs)


@pytest.mark.parametrize("name", list(CASES))
def test_gradients_match_torch(name):
    torch = torch_or_skip()
    fn, torch_fn, shapes = CASES[name]
    inputs = [t(*s, seed=i) for i, s in enumerate(shapes)]
    theirs = [torch.tensor(x.numpy(), requires_grad=True) for x in inputs]
    out, expected = fn(*inputs), torch_fn(*theirs)
    assert_close(out, expected.detach(), rtol=1e-10, atol=1e-12)
    weight = np.random.default_rng(9).normal(size=out.shape)
    (out * Tensor(weight)).sum().backward()
    (expected * torch.from_numpy(weight)).sum().backward()
    for mine, ref in zip(inputs, theirs, strict=True):
        assert_close(mine.grad, ref.grad, rtol=1e-10, atol=1e-12)


def test_gradients_by_hand_without_torch():
    a, b = Tensor([1.0, 2.0], requires_grad=True), Tensor([3.0], requires_grad=True)
    (tt.cat([a, b]) * Tensor([1.0, 2.0, 3.0])).sum().backward()
    assert a.grad.tolist() == [1.0, 2.0] and b.grad.tolist() == [3.0]

    x = Tensor([[1.0, 2.0]], requires_grad=True)
    x.expand(3, 2).sum().backward()
    assert x.grad.tolist() == [[3.0, 3.0]]

    x = Tensor([[1.0, 2.0, 3.0]], requires_grad=True)
    (tt.pad(x, (1, -1)) * Tensor([[10.0, 20.0, 30.0]])).sum().backward()
    assert x.grad.tolist() == [[20.0, 30.0, 0.0]]  # the cropped element gets 0

    x = Tensor([0.0, math.pi / 2], requires_grad=True)
    (x.sin() + x.cos()).sum().backward()
    assert x.grad.tolist() == pytest.approx([1.0, -1.0])

    x = Tensor([[1.0, 2.0], [3.0, 4.0]], requires_grad=True)
    (x.tril() * Tensor([[1.0, 2.0], [3.0, 4.0]])).sum().backward()
    assert x.grad.tolist() == [[1.0, 0.0], [3.0, 4.0]]

    x = Tensor([0.0, math.log(3.0)], requires_grad=True)
    x.logsumexp(0).backward()
    assert x.grad.tolist() == pytest.approx([0.25, 0.75])  # softmax

    x = Tensor([1.0, 3.0], requires_grad=True)
    x.var().backward()  # var = (x0 - x1)**2 / 2 with correction 1
    assert x.grad.tolist() == pytest.approx([-2.0, 2.0])


def test_logsumexp_gradient_with_infinite_inputs_is_finite():
    x = Tensor([[-math.inf, 0.0], [1000.0, 1000.0]], requires_grad=True)
    x.logsumexp(1).sum().backward()
    assert x.grad.tolist() == [[0.0, 1.0], [0.5, 0.5]]


def test_cat_gradient_keeps_each_inputs_dtype():
    a = Tensor(np.ones(2, np.float32), requires_grad=True)
    b = Tensor(np.ones(2, np.float64), requires_grad=True)
    out = tt.cat([a, b])
    assert out.dtype == np.float64
    out.sum().backward()
    assert a.grad.dtype == np.float32 and b.grad.dtype == np.float64


def test_masked_fill_gradient_reaches_a_tensor_value():
    x = Tensor([1.0, 2.0, 3.0], requires_grad=True)
    v = Tensor(5.0, requires_grad=True)
    x.masked_fill(np.array([True, False, True]), v).sum().backward()
    assert x.grad.tolist() == [0.0, 1.0, 0.0] and v.grad.item() == 2.0
