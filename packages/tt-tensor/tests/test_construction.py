"""Tensor(...): dtype rules, copies, requires_grad, attributes, conversions."""

from __future__ import annotations

import numpy as np
import pytest
from tinytorch.tensor import Tensor
from tt_testing import torch_or_skip


@pytest.mark.parametrize(
    ("data", "dtype"),
    [
        (1.5, np.float32),
        ([1.0, 2.0], np.float32),
        ([[1, 2], [3, 4.5]], np.float32),
        (3, np.int64),
        ([1, 2, 3], np.int64),
        (True, np.bool_),
        ([True, False], np.bool_),
        (np.zeros(2, dtype=np.float64), np.float64),
        (np.zeros(2, dtype=np.float32), np.float32),
        (np.zeros(2, dtype=np.int32), np.int32),
        (np.float64(2.0), np.float64),
    ],
)
def test_dtype_inference(data, dtype):
    t = Tensor(data)
    assert t.dtype == np.dtype(dtype)
    np.testing.assert_array_equal(t.data, np.asarray(data))


@pytest.mark.parametrize("data", [1.5, [1.0, 2.0], 3, [1, 2], True, [[1, 2], [3, 4.5]]])
def test_dtype_matches_torch(data):
    torch = torch_or_skip()
    expected = str(torch.tensor(data).dtype).replace("torch.", "")
    assert str(Tensor(data).dtype) == expected


def test_data_is_ndarray_with_shape():
    t = Tensor([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]])
    assert isinstance(t.data, np.ndarray)
    assert t.shape == (2, 3) and t.ndim == 2 and len(t) == 2
    assert t.size() == (2, 3) and t.size(0) == 2 and t.size(-1) == 3
    with pytest.raises(IndexError, match=r"Tensor\.size: dim 2 is out of range"):
        t.size(2)


def test_dtype_argument_casts():
    t = Tensor([1, 2], dtype=np.float64)
    assert t.dtype == np.float64
    assert Tensor([1.7], dtype="int64").data.tolist() == [1]


def test_tensor_input_is_copied_array_is_wrapped():
    a = np.ones(3, dtype=np.float32)
    wrapped = Tensor(a)
    assert wrapped.data is a  # like torch.from_numpy: no copy
    copied = Tensor(wrapped)
    copied.data[0] = 5.0
    assert wrapped.data[0] == 1.0
    assert not copied.requires_grad


def test_data_is_settable():
    t = Tensor([1.0, 2.0])
    t.data = np.array([3.0, 4.0], dtype=np.float32)
    assert t.tolist() == [3.0, 4.0]


@pytest.mark.parametrize("bad", [["a", "b"], [[1, 2], [3]], None, 1 + 2j])
def test_bad_data_is_rejected(bad):
    with pytest.raises((TypeError, ValueError), match="Tensor"):
        Tensor(bad)


def test_bad_dtype_is_rejected():
    with pytest.raises(TypeError, match="not a dtype"):
        Tensor([1.0], dtype="nonsense")


def test_requires_grad_needs_float():
    assert Tensor([1.0], requires_grad=True).requires_grad
    with pytest.raises(RuntimeError, match="int64"):
        Tensor([1, 2], requires_grad=True)
    t = Tensor([1, 2])
    with pytest.raises(RuntimeError, match="int64"):
        t.requires_grad = True
    with pytest.raises(RuntimeError, match="bool"):
        Tensor([True]).requires_grad_()
    f = Tensor([1.0])
    assert f.requires_grad_() is f and f.requires_grad
    f.requires_grad = False
    assert not f.requires_grad


def test_grad_slot():
    t = Tensor([1.0, 2.0], requires_grad=True)
    assert t.grad is None and t.is_leaf and t.grad_fn is None
    t.grad = Tensor([0.5, 0.5])
    assert t.grad.tolist() == [0.5, 0.5]
    t.grad = None
    assert t.grad is None
    with pytest.raises(ValueError, match=r"\(3,\).*\(2,\)"):
        t.grad = Tensor([1.0, 2.0, 3.0])
    with pytest.raises(TypeError, match="Tensor or None"):
        t.grad = np.zeros(2)


def test_item_numpy_detach():
    t = Tensor([[2.5]], requires_grad=True)
    assert t.item() == 2.5 and isinstance(t.item(), float)
    assert Tensor(3).item() == 3 and isinstance(Tensor(3).item(), int)
    assert t.numpy() is t.data
    d = t.detach()
    assert d.data is t.data and not d.requires_grad and d.is_leaf
    with pytest.raises(ValueError, match=r"shape \(2,\) \(2 elements\)"):
        Tensor([1.0, 2.0]).item()


def test_python_conversions():
    assert float(Tensor(2.5)) == 2.5
    assert int(Tensor([7])) == 7
    assert bool(Tensor([1.0])) and not bool(Tensor(0.0))
    with pytest.raises(RuntimeError, match="ambiguous"):
        bool(Tensor([1.0, 2.0]))
    assert f"{Tensor(2.0):.3f}" == "2.000"
    np.testing.assert_array_equal(np.asarray(Tensor([1, 2])), [1, 2])


def test_len_and_iter():
    t = Tensor([[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]])
    assert len(t) == 3
    rows = list(t)
    assert [r.tolist() for r in rows] == [[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]]
    with pytest.raises(TypeError, match="0-d"):
        len(Tensor(1.0))
    with pytest.raises(TypeError, match="0-d"):
        iter(Tensor(1.0))


def test_hashable_despite_elementwise_eq():
    a, b = Tensor([1.0]), Tensor([1.0])
    d = {a: "a", b: "b"}
    assert d[a] == "a" and d[b] == "b" and len({a, b}) == 2
    assert (a == b).dtype == np.bool_
    assert (a == None) is False  # noqa: E711
    assert (a != None) is True  # noqa: E711


def test_to_and_casts():
    t = Tensor([1.5, 2.5])
    assert t.to(np.float32) is t
    assert t.double().dtype == np.float64
    assert t.long().tolist() == [1, 2]
    assert Tensor([1, 2]).float().dtype == np.float32
    with pytest.raises(RuntimeError, match="detach"):
        Tensor([1.0], requires_grad=True).double()


@pytest.mark.parametrize(
    ("args", "kwargs", "text"),
    [
        (([[1.0, 2.0]],), {"requires_grad": True}, "tensor([[1., 2.]], requires_grad=True)"),
        (([1, 2, 3],), {}, "tensor([1, 2, 3])"),
        ((3.0,), {}, "tensor(3.)"),
        (([0.5, 1.0],), {}, "tensor([0.5000, 1.0000])"),
        (([1.0],), {"dtype": np.float64}, "tensor([1.], dtype=float64)"),
        (([True, False],), {}, "tensor([ True, False])"),
        (([[1.0], [2.0]],), {}, "tensor([[1.],\n        [2.]])"),
    ],
)
def test_repr(args, kwargs, text):
    assert repr(Tensor(*args, **kwargs)) == text


def test_repr_like_torch():
    torch = torch_or_skip()
    for data in ([[1.0, 2.0], [3.0, 4.0]], [1, 2, 3], [0.25, 1.5]):
        assert repr(Tensor(data)) == repr(torch.tensor(data))


def test_backward_without_engine_says_what_to_install():
    t = Tensor([1.0], requires_grad=True)
    with pytest.raises(RuntimeError, match="tt-autograd"):
        t.backward()


def test_memory_attributes():
    t = Tensor(np.zeros((2, 3), dtype=np.float32))
    assert t.element_size() == 4 and t.nbytes == 24
    assert t.stride() == (3, 1) and t.stride(0) == 3 and t.stride(-1) == 1
    assert t.is_contiguous()
    assert Tensor(np.zeros(2)).element_size() == 8
