"""reshape view transpose permute contiguous flatten squeeze unsqueeze .T, strides."""

from __future__ import annotations

import numpy as np
import pytest
from tinytorch.tensor import (
    Tensor,
    contiguous,
    flatten,
    permute,
    reshape,
    squeeze,
    transpose,
    unsqueeze,
    view,
)
from tt_testing import assert_close, torch_or_skip


def _t(*shape):
    return Tensor(np.arange(int(np.prod(shape)), dtype=np.float32).reshape(shape))


@pytest.mark.parametrize(
    ("new", "expected"),
    [((3, 4), (3, 4)), ((-1,), (12,)), ((2, -1, 3), (2, 2, 3)), ((12, 1), (12, 1))],
)
def test_reshape(new, expected):
    t = _t(2, 6)
    for out in (t.reshape(*new), t.reshape(new), reshape(t, list(new)), t.view(*new), view(t, new)):
        assert out.shape == expected
        assert_close(out, t.data.reshape(expected))


def test_reshape_is_a_view_when_possible():
    t = _t(2, 6)
    r = t.reshape(3, 4)
    assert np.shares_memory(r.data, t.data)
    tt = t.T.reshape(12)  # non-contiguous: a copy
    assert not np.shares_memory(tt.data, t.data)
    assert_close(tt, t.data.T.reshape(12))


@pytest.mark.parametrize(
    ("new", "match"),
    [
        ((4, 4), r"reshape: cannot reshape a tensor of shape \(2, 6\) \(12 elements\) into "
                 r"\(4, 4\) \(16 elements\)"),
        ((-1, -1), "only one dimension can be -1"),
        ((5, -1), r"into \(5, -1\)"),
        ((-2, 6), "cannot reshape"),
    ],
)
def test_reshape_errors(new, match):
    with pytest.raises(ValueError, match=match):
        _t(2, 6).reshape(*new)


def test_view_refuses_non_contiguous_like_torch():
    t = _t(2, 3)
    with pytest.raises(RuntimeError, match=r"view: .*shape \(3, 2\) with stride \(1, 3\)"):
        t.T.view(6)
    assert t.T.contiguous().view(6).tolist() == [0.0, 3.0, 1.0, 4.0, 2.0, 5.0]
    assert t.T.view(3, 2).shape == (3, 2)  # no change of layout: allowed


def test_view_agrees_with_torch_on_which_views_work():
    torch = torch_or_skip()
    base_np = np.arange(24, dtype=np.float32).reshape(2, 3, 4)
    base_torch = torch.from_numpy(base_np.copy())
    cases = [
        (lambda t: t.transpose(0, 1), (6, 4)),
        (lambda t: t.transpose(1, 2), (2, 12)),
        (lambda t: t.transpose(1, 2), (2, 4, 3)),
        (lambda t: t.permute(2, 0, 1), (4, 6)),
        (lambda t: t[:, :, :2], (2, 6)),
        (lambda t: t[:, 1:, :], (2, 8)),
    ]
    for make, shape in cases:
        try:
            make(base_torch).view(*shape)
            torch_ok = True
        except RuntimeError:
            torch_ok = False
        try:
            ours = make(Tensor(base_np)).view(*shape)
            ours_ok = True
        except RuntimeError:
            ours_ok = False
        assert ours_ok == torch_ok, (shape, torch_ok)
        if ours_ok:
            assert_close(ours, make(base_torch).reshape(*shape))


def test_transpose_and_T():
    t = _t(2, 3, 4)
    out = t.transpose(0, -1)
    assert out.shape == (4, 3, 2)
    assert_close(out, np.swapaxes(t.data, 0, 2))
    assert np.shares_memory(out.data, t.data)
    assert_close(transpose(t, 1, 2), np.swapaxes(t.data, 1, 2))
    m = _t(2, 3)
    assert m.T.shape == (3, 2)
    assert_close(m.T, m.data.T)
    v = _t(3)
    assert v.T is v
    with pytest.raises(ValueError, match=r"Tensor.T: .*\(2, 3, 4\).*permute"):
        _ = t.T
    with pytest.raises(IndexError, match="transpose: dim 3 is out of range"):
        t.transpose(0, 3)


def test_permute():
    t = _t(2, 3, 4)
    for out in (t.permute(2, 0, 1), t.permute((2, 0, 1)), permute(t, -1, 0, 1)):
        assert out.shape == (4, 2, 3)
        assert_close(out, np.transpose(t.data, (2, 0, 1)))
        assert np.shares_memory(out.data, t.data)
    with pytest.raises(ValueError, match=r"permute: dims \(0, 0, 1\) are not a permutation"):
        t.permute(0, 0, 1)
    with pytest.raises(ValueError, match=r"permute: got 2 dims \(0, 1\) for a tensor of shape"):
        t.permute(0, 1)


def test_contiguous():
    t = _t(2, 3)
    assert contiguous(t) is t and t.contiguous() is t
    tt = t.T
    assert not tt.is_contiguous()
    c = tt.contiguous()
    assert c.is_contiguous() and c.stride() == (2, 1)
    assert_close(c, t.data.T)


def test_flatten_squeeze_unsqueeze():
    t = _t(2, 3, 4)
    assert t.flatten().shape == (24,)
    assert flatten(t, 1).shape == (2, 12)
    assert t.flatten(0, 1).shape == (6, 4)
    assert Tensor(1.0).flatten().shape == (1,)
    u = unsqueeze(t, 0)
    assert u.shape == (1, 2, 3, 4) and t.unsqueeze(-1).shape == (2, 3, 4, 1)
    assert t.unsqueeze(1).shape == (2, 1, 3, 4)
    s = _t(1, 3, 1)
    assert s.squeeze().shape == (3,) and squeeze(s, 0).shape == (3, 1)
    assert s.squeeze(1).shape == (1, 3, 1)  # size 3: kept, as in PyTorch
    assert s.squeeze((0, 2)).shape == (3,)
    with pytest.raises(ValueError, match="start_dim"):
        t.flatten(2, 1)


def test_shape_helpers_match_torch():
    torch = torch_or_skip()
    x = np.arange(24, dtype=np.float32).reshape(1, 2, 3, 4)
    t, tt = Tensor(x), torch.from_numpy(x)
    assert t.flatten(1, 2).shape == tuple(tt.flatten(1, 2).shape)
    assert t.squeeze().shape == tuple(tt.squeeze().shape)
    assert t.unsqueeze(-2).shape == tuple(tt.unsqueeze(-2).shape)


VIEWS = [
    ("plain", lambda t: t),
    ("T", lambda t: t[0].T),
    ("transpose", lambda t: t.transpose(0, 2)),
    ("permute", lambda t: t.permute(1, 2, 0)),
    ("row", lambda t: t[1]),
    ("step", lambda t: t[:, ::2]),
    ("cols", lambda t: t[..., 1:3]),
    ("newaxis", lambda t: t[:, None, 1]),
    ("reshape", lambda t: t.reshape(4, 6)),
    ("contiguous", lambda t: t.transpose(0, 1).contiguous()),
]


@pytest.mark.parametrize(("name", "make"), VIEWS)
def test_strides_and_contiguity_match_torch(name, make):
    torch = torch_or_skip()
    x = np.arange(24, dtype=np.float32).reshape(2, 3, 4)
    ours, theirs = make(Tensor(x)), make(torch.from_numpy(x))
    assert ours.shape == tuple(theirs.shape)
    # the stride of a size-1 dimension is never used to step, so NumPy and
    # PyTorch may pick different values for it (None gives 0 in NumPy)
    big = [d for d, n in enumerate(ours.shape) if n != 1]
    assert [ours.stride(d) for d in big] == [theirs.stride(d) for d in big]
    assert ours.is_contiguous() == theirs.is_contiguous()
    assert ours.element_size() == theirs.element_size()
    assert_close(ours, theirs)


@pytest.mark.parametrize(
    ("name", "make", "stride", "contiguous_"),
    [
        ("T", lambda t: t[0].T, (1, 4), False),
        ("step", lambda t: t[:, ::2], (12, 8, 1), False),
        ("permute", lambda t: t.permute(1, 2, 0), (4, 1, 12), False),
        ("row", lambda t: t[1], (4, 1), True),
    ],
)
def test_strides_without_torch(name, make, stride, contiguous_):
    x = Tensor(np.arange(24, dtype=np.float32).reshape(2, 3, 4))
    out = make(x)
    assert out.stride() == stride and out.is_contiguous() == contiguous_
    assert np.shares_memory(out.data, x.data)
