"""Gradients of indexing: ints, slices, steps, None, Ellipsis, integer arrays, bool masks."""

import numpy as np
import pytest
from tinytorch.autograd import gradcheck
from tinytorch.tensor import Tensor
from tt_testing import assert_close, torch_or_skip


def t(*shape, seed=0):
    data = np.asarray(np.random.default_rng(seed).uniform(-1.0, 1.0, shape))
    return Tensor(data, requires_grad=True)


MASK = np.array([[True, False, True, False], [False, False, True, True], [True] * 4])

INDICES = [
    1,
    -1,
    (1, 2),
    slice(1, None),
    (slice(None), slice(None, None, 2)),
    (slice(None, None, -1), slice(1, 3)),
    (None, Ellipsis, 1),
    (Ellipsis, None),
    [0, 2, 0, 0],  # repeated rows
    np.array([[0, 1], [1, 0]]),
    (np.array([0, 0, 2]), np.array([1, 1, 3])),  # the same element twice
    (slice(None), [3, 3, 0]),
    MASK,  # a 2-D bool mask: picks elements, gives a 1-D result
]


@pytest.mark.parametrize("index", INDICES, ids=repr)
def test_getitem_gradcheck(index):
    assert gradcheck(lambda a: a[index] * 2.0, (t(3, 4),))


def test_bool_mask_on_one_axis():
    assert gradcheck(lambda a: a[:, MASK[1]], (t(3, 4),))
    assert gradcheck(lambda a: a[MASK[:, 0]], (t(3, 4),))


def test_mask_from_a_comparison():
    x = t(3, 4)
    mask = x > 0
    x[mask].sum().backward()
    assert_close(x.grad, (x.data > 0).astype(np.float64))


def test_repeated_integer_indices_add_up():
    x = t(4)
    x[[0, 0, 0, 2]].sum().backward()
    assert_close(x.grad, [3.0, 0.0, 1.0, 0.0])


def test_gather_pattern_like_cross_entropy():
    x = t(3, 5)
    rows, cols = np.arange(3), np.array([4, 0, 4])
    x[rows, cols].sum().backward()
    expected = np.zeros((3, 5))
    expected[rows, cols] = 1.0
    assert_close(x.grad, expected)


def test_index_with_tensor():
    x = t(5)
    x[Tensor(np.array([1, 1, 4]))].sum().backward()
    assert_close(x.grad, [0.0, 2.0, 0.0, 0.0, 1.0])


@pytest.mark.parametrize("index", INDICES, ids=repr)
def test_getitem_matches_torch(index):
    torch = torch_or_skip()
    x = t(3, 4)
    tx = torch.tensor(x.data, requires_grad=True)
    tindex = index
    if isinstance(index, list) or isinstance(index, np.ndarray):
        tindex = torch.as_tensor(np.asarray(index))
    elif isinstance(index, tuple):
        tindex = tuple(
            torch.as_tensor(np.asarray(p)) if isinstance(p, (list, np.ndarray)) else p
            for p in index
        )
    if isinstance(tindex, tuple) and any(
        isinstance(p, slice) and p.step is not None and p.step < 0 for p in tindex
    ):
        pytest.skip("torch has no negative slice steps")
    out, tout = x[index], tx[tindex]
    w = np.random.default_rng(1).normal(size=tuple(tout.shape))
    (out * Tensor(w)).sum().backward()
    (tout * torch.tensor(w)).sum().backward()
    assert_close(x.grad, tx.grad)
