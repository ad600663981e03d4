"""The backward pass: topological order, accumulation, graph freeing, memory, depth."""

import gc
import sys
import weakref

import numpy as np
import pytest
from tinytorch.autograd import backward
from tinytorch.tensor import Tensor, apply
from tt_testing import assert_close


def t(*shape, seed=0, dtype=np.float64):
    data = np.asarray(np.random.default_rng(seed).uniform(-1.0, 1.0, shape), dtype=dtype)
    return Tensor(data, requires_grad=True)


def test_record_marks_output():
    a, b = t(3), t(3, seed=1)
    c = a * b
    assert c.requires_grad and not c.is_leaf and c.grad_fn is not None
    assert a.is_leaf and a.grad_fn is None


def test_unknown_primitive_is_refused_when_recorded():
    with pytest.raises(NotImplementedError, match="frobnicate"):
        apply("frobnicate", np.negative, t(3))


def test_node_used_twice_sums_contributions():
    a = Tensor(np.array([1.0, -2.0, 3.0]), requires_grad=True)
    b = a + a  # b = 2a
    c = (b * b).sum()  # c = 4 a^2
    c.backward()
    assert_close(a.grad, 8 * a.data)


def test_diamond_graph():
    x = Tensor(np.array(2.0), requires_grad=True)
    y = x * 3.0
    z = y.exp() + y * y + y  # y feeds three consumers
    z.backward()
    assert_close(x.grad, np.array(3.0 * (np.exp(6.0) + 2 * 6.0 + 1)))


def test_gradients_accumulate_over_two_backward_calls():
    x = t(2, 3)
    (x * 2.0).sum().backward()
    (x * x).sum().backward()
    assert_close(x.grad, 2.0 + 2 * x.data)


def test_leaf_gradients_are_not_shared_arrays():
    a, b = t(3), t(3, seed=1)
    (a + b).sum().backward()
    a.grad.data[0] = 100.0
    assert b.grad.data[0] == 1.0


def test_grad_has_leaf_dtype_float32():
    x = t(2, 3, dtype=np.float32)
    (x * Tensor(np.ones((2, 3)))).sum().backward()  # float32 * float64 is float64
    assert x.grad.dtype == np.float32
    assert isinstance(x.grad, Tensor) and not x.grad.requires_grad


def test_intermediate_tensors_get_no_grad():
    x = t(3)
    y = x * 2.0
    y.sum().backward()
    assert y.grad is None and x.grad is not None


def test_constant_inputs_get_no_grad():
    x, c = t(3), Tensor(np.ones(3))
    (x * c).sum().backward()
    assert c.grad is None and not c.requires_grad


def test_backward_non_scalar_needs_gradient():
    y = t(2, 3) * 2.0
    with pytest.raises(RuntimeError, match=r"scalar outputs.*\(2, 3\)"):
        y.backward()


def test_backward_one_element_non_0d_is_implicit():
    x = t(1, 1)
    (x * 3.0).backward()
    assert_close(x.grad, [[3.0]])


def test_backward_with_explicit_gradient():
    x = t(2, 3)
    g = np.arange(6.0).reshape(2, 3)
    (x * 2.0).backward(Tensor(g))
    assert_close(x.grad, 2 * g)


def test_backward_gradient_of_wrong_shape():
    y = t(2, 3) * 2.0
    with pytest.raises(RuntimeError, match=r"\(3, 2\).*\(2, 3\)"):
        y.backward(Tensor(np.ones((3, 2))))


def test_backward_on_tensor_without_grad():
    with pytest.raises(RuntimeError, match="does not require grad"):
        Tensor(np.ones(3)).sum().backward()


def test_backward_on_a_leaf():
    x = Tensor(np.array(2.0), requires_grad=True)
    x.backward()
    assert_close(x.grad, np.array(1.0))


def test_second_backward_through_freed_graph_raises():
    x = t(3)
    y = (x.exp() * 2.0).sum()
    y.backward()
    with pytest.raises(RuntimeError, match="second time"):
        y.backward()


def test_backward_through_partly_freed_graph_raises():
    x = t(3)
    h = x.exp()
    h.sum().backward()
    with pytest.raises(RuntimeError, match="retain_graph"):
        (h * 2.0).sum().backward()


def test_retain_graph_allows_second_backward():
    x = t(3)
    y = (x.exp() * 2.0).sum()
    backward(y, retain_graph=True)
    backward(y)
    assert_close(x.grad, 4.0 * np.exp(x.data))
    with pytest.raises(RuntimeError, match="second time"):
        backward(y)


def test_tensor_backward_forwards_retain_graph():
    x = t(3)
    y = (x.exp() * 2.0).sum()
    y.backward(retain_graph=True)
    y.backward()
    assert_close(x.grad, 4.0 * np.exp(x.data))


def test_deep_chain_has_no_recursion_limit():
    depth = 10_000
    assert depth > sys.getrecursionlimit()
    x = Tensor(np.array(1.0), requires_grad=True)
    y = x
    for _ in range(depth):
        y = y * 1.0001
    y.backward()
    assert_close(x.grad, np.array(1.0001**depth), rtol=1e-9)


def _count_live(kind: type) -> int:
    gc.collect()
    return sum(1 for o in gc.get_objects() if type(o) is kind)


def test_graph_memory_does_not_grow_over_training_steps():
    rng = np.random.default_rng(0)
    x = Tensor(rng.normal(size=(8, 4)).astype(np.float32))
    y = Tensor(rng.normal(size=(8, 1)).astype(np.float32))
    w1 = Tensor(rng.normal(size=(4, 16)).astype(np.float32) * 0.5, requires_grad=True)
    b1 = Tensor(np.zeros(16, dtype=np.float32), requires_grad=True)
    w2 = Tensor(rng.normal(size=(16, 1)).astype(np.float32) * 0.5, requires_grad=True)
    params = (w1, b1, w2)

    def step() -> float:
        h = (x @ w1 + b1).tanh()
        loss = ((h @ w2 - y) ** 2).mean()
        loss.backward()
        for p in params:
            p.data = p.data - 0.01 * p.grad.data
            p.grad = None
        return loss.item()

    first = step()
    node_type = type(((w1 * 1.0).sum()).grad_fn)
    for _ in range(100):
        step()
    nodes_early, tensors_early = _count_live(node_type), _count_live(Tensor)
    for _ in range(4900):
        last = step()
    assert last < first  # it trained
    assert _count_live(node_type) <= nodes_early
    assert _count_live(Tensor) <= tensors_early


def test_backward_frees_saved_arrays():
    """After backward the output keeps its grad_fn, but the saved arrays are dropped."""
    x = t(1000)
    big = x.exp()  # its node saves the output array
    loss = (big * 2.0).sum()
    alive = weakref.ref(big.data)
    del big
    gc.collect()
    assert alive() is not None  # the graph holds it until backward
    loss.backward()
    gc.collect()
    assert alive() is None
    assert loss.grad_fn is not None


def test_retain_graph_keeps_saved_arrays():
    x = t(1000)
    big = x.exp()
    loss = (big * 2.0).sum()
    alive = weakref.ref(big.data)
    del big
    backward(loss, retain_graph=True)
    gc.collect()
    assert alive() is not None
