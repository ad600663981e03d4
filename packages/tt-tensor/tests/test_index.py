"""t[index] with ints, slices, steps, None, Ellipsis, integer and bool arrays; t[index] = v."""

from __future__ import annotations

import numpy as np
import pytest
from tinytorch.tensor import Tensor, getitem
from tt_testing import assert_close, torch_or_skip

X = np.arange(60, dtype=np.float32).reshape(3, 4, 5)
IDX_INT = np.array([2, 0, 2])
IDX_BOOL = np.array([True, False, True])

INDICES = [
    ("int", lambda T: 1),
    ("negative int", lambda T: -1),
    ("tuple of ints", lambda T: (1, 2)),
    ("all ints", lambda T: (1, 2, 3)),
    ("slice", lambda T: slice(1, 3)),
    ("slice step", lambda T: (slice(None), slice(0, 4, 2))),
    ("mixed", lambda T: (0, slice(1, None), 2)),
    ("none", lambda T: (None, 1)),
    ("ellipsis", lambda T: (Ellipsis, 1)),
    ("ellipsis none", lambda T: (1, Ellipsis, None)),
    ("int array", lambda T: T(IDX_INT)),
    ("int list", lambda T: [0, 2]),
    ("bool mask", lambda T: T(IDX_BOOL)),
    ("two int arrays", lambda T: (T(np.array([0, 2])), T(np.array([1, 3])))),
    ("array and slice", lambda T: (slice(None), T(np.array([3, 0])))),
    ("gather rows", lambda T: (T(np.arange(3)), T(np.array([0, 3, 1])), 4)),
]


def _as_numpy(index):
    if isinstance(index, tuple):
        return tuple(_as_numpy(i) for i in index)
    return index.data if isinstance(index, Tensor) else index


@pytest.mark.parametrize(("name", "make"), INDICES)
def test_matches_numpy(name, make):
    t = Tensor(X)
    index = make(Tensor)
    expected = np.asarray(X[_as_numpy(index)])
    out = t[index]
    assert isinstance(out.data, np.ndarray) and out.dtype == np.float32
    assert_close(out, expected)
    assert_close(getitem(t, index), expected)


@pytest.mark.parametrize(("name", "make"), INDICES)
def test_matches_torch(name, make):
    torch = torch_or_skip()
    index = make(Tensor)
    torch_index = make(lambda a: torch.from_numpy(np.asarray(a)))
    assert_close(Tensor(X)[index], torch.from_numpy(X)[torch_index])


def test_basic_index_is_a_view_advanced_is_a_copy():
    t = Tensor(X)
    assert np.shares_memory(t[1:, ::2].data, t.data)
    assert np.shares_memory(t[0].data, t.data)
    assert not np.shares_memory(t[Tensor(IDX_INT)].data, t.data)
    assert t[:, ::2].stride() == (20, 10, 1)


def test_negative_step_is_allowed():
    assert Tensor([1.0, 2.0, 3.0])[::-1].tolist() == [3.0, 2.0, 1.0]


def test_mask_from_comparison():
    t = Tensor([[1.0, -2.0], [-3.0, 4.0]])
    assert t[t > 0].tolist() == [1.0, 4.0]


@pytest.mark.parametrize(
    ("index", "err", "match"),
    [
        (5, IndexError, r"getitem: index 5 is out of bounds .* \(tensor of shape \(3, 4, 5\)\)"),
        ((0, 0, 0, 0), IndexError, r"too many indices.*\(3, 4, 5\)"),
        ([0.5], IndexError, "must be integer or bool, got dtype float32"),  # as a Tensor
        (1.5, IndexError, "float"),
    ],
)
def test_errors(index, err, match):
    if isinstance(index, list):
        index = Tensor(index)  # built here: collection must not need a working Tensor
    with pytest.raises(err, match=match):
        Tensor(X)[index]


def test_setitem():
    t = Tensor(np.zeros((2, 3), dtype=np.float32))
    t[0] = 1.0
    t[1, Tensor([0, 2])] = Tensor([5.0, 6.0])
    t[t > 5.5] = -1.0
    assert t.tolist() == [[1.0, 1.0, 1.0], [5.0, 0.0, -1.0]]
    with pytest.raises(RuntimeError, match=r"setitem: a leaf Variable that requires grad"):
        Tensor([1.0], requires_grad=True)[0] = 2.0
    with pytest.raises(IndexError, match=r"setitem: .*\(2, 3\)"):
        t[7] = 0.0
