"""In-place ops without a gradient engine: values, identity, versions, views, errors.

The autograd side (leaf rule under no_grad, rebasing, version checks at
backward) is tested in tt-autograd's tests/test_inplace.py.
"""

from __future__ import annotations

import numpy as np
import pytest
from tinytorch.tensor import DTypeError, ShapeError, Tensor
from tt_testing import assert_close, torch_or_skip

OPS = [
    ("add_", "__iadd__", np.add),
    ("sub_", "__isub__", np.subtract),
    ("mul_", "__imul__", np.multiply),
    ("div_", "__itruediv__", np.divide),
]


@pytest.mark.parametrize(("method", "dunder", "npfn"), OPS, ids=[o[0] for o in OPS])
def test_binary_inplace_values_identity_and_version(rng, method, dunder, npfn):
    a = rng.standard_normal((2, 3)).astype(np.float32)
    b = rng.uniform(0.5, 2.0, (3,)).astype(np.float32)
    for call in (lambda t: getattr(t, method)(Tensor(b)), lambda t: getattr(t, dunder)(b),
                 lambda t: getattr(t, method)(2.0)):
        t = Tensor(a.copy())
        data = t.data
        assert t._version == 0
        out = call(t)
        assert out is t and t.data is data  # same object, same array
        assert t._version == 1
    t = Tensor(a.copy())
    getattr(t, method)(Tensor(b))
    assert_close(t, npfn(a, b))
    t = Tensor(a.copy())
    getattr(t, method)(2.0)
    assert t.dtype == np.float32
    assert_close(t, npfn(a, np.float32(2.0)))


def test_augmented_assignment_keeps_the_object():
    t = Tensor([1.0, 2.0])
    alias = t
    t += 1
    t *= Tensor([2.0, 3.0])
    t -= 0.5
    t /= 2
    assert t is alias
    assert_close(t, [1.75, 4.25])
    assert t._version == 4


def test_clamp_zero_fill_copy(rng):
    x = rng.standard_normal((3, 4)).astype(np.float32)
    t = Tensor(x.copy())
    assert t.clamp_(-0.5, 0.5) is t
    assert_close(t, np.clip(x, -0.5, 0.5))
    t.clamp_(max=0.0)
    assert_close(t, np.minimum(np.clip(x, -0.5, 0.5), 0.0))
    assert t.zero_() is t and not t.data.any()
    t.fill_(2.5)
    assert (t.data == 2.5).all()
    t.fill_(Tensor(1.5))
    assert (t.data == 1.5).all()
    t.copy_(Tensor([1.0, 2.0, 3.0, 4.0]))  # broadcast over the rows
    assert t.tolist() == [[1.0, 2.0, 3.0, 4.0]] * 3
    assert t._version == 6
    i = Tensor([0, 0])
    i.copy_(Tensor([1.7, -2.2]))  # cast to the target's dtype, as PyTorch
    assert i.dtype == np.int64 and i.tolist() == [1, -2]


def test_views_share_the_version_counter():
    base = Tensor(np.zeros((2, 3), dtype=np.float32))
    views = [base.reshape(6), base.T, base.transpose(0, 1), base.permute(1, 0), base[0],
             base[:, 1:], base.unsqueeze(0), base.flatten(), base[None].squeeze(0)]
    views[1].add_(1.0)  # through a view: every one sees it
    assert base._version == 1
    assert all(v._version == 1 for v in views)
    assert (base.data == 1.0).all()
    base.mul_(3.0)
    assert all(v._version == 2 for v in views)
    assert (views[0].data == 3.0).all()
    # copies have their own counter
    copies = [base[[0, 1]], base.T.contiguous(), base.T.reshape(6), base + 0, Tensor(base)]
    base.zero_()
    assert all(c._version == 0 for c in copies)
    # detach shares memory and version, as PyTorch's
    d = base.detach()
    d.add_(1.0)
    assert base._version == 4 and (base.data == 1.0).all()


def test_setitem_bumps_the_version_and_writes_through_views():
    t = Tensor(np.zeros((2, 3), dtype=np.float32))
    row = t[1]
    t[1, 2] = 5.0
    row[0] = 7.0
    assert t.tolist() == [[0.0, 0.0, 0.0], [7.0, 0.0, 5.0]]
    assert t._version == 2 and row._version == 2


def test_shape_and_dtype_rules():
    t = Tensor([1.0, 2.0, 3.0])
    with pytest.raises(ShapeError, match=r"add_: output with shape \(3,\) doesn't match the "
                                         r"broadcast shape \(2, 3\)"):
        t.add_(Tensor(np.ones((2, 3), np.float32)))
    with pytest.raises(ValueError, match=r"mul_: shapes \(3,\) and \(2,\) cannot be broadcast"):
        t.mul_(Tensor([1.0, 2.0]))
    i = Tensor([1, 2])
    with pytest.raises(DTypeError, match="add_: result type float32 can't be cast to the "
                                         "desired output type int64"):
        i += 0.5
    with pytest.raises(TypeError, match=r"div_: .*int64"):
        i /= 2
    i += 3  # integers stay integers
    assert i.tolist() == [4, 5] and i.dtype == np.int64
    with pytest.raises(RuntimeError, match="fill_: only supports a 0-d value tensor"):
        t.fill_(Tensor([1.0, 2.0]))
    with pytest.raises(ShapeError, match=r"copy_: source of shape \(2,\) cannot be broadcast"):
        t.copy_(Tensor([1.0, 2.0]))
    assert t.tolist() == [1.0, 2.0, 3.0] and t._version == 0  # failures change nothing


def test_leaf_that_requires_grad_is_protected_without_an_engine():
    # No engine installed: nothing records, so in-place on such a leaf is refused.
    w = Tensor([1.0, 2.0], requires_grad=True)
    for call in (lambda: w.add_(1.0), lambda: w.zero_(), lambda: w.__setitem__(0, 3.0)):
        with pytest.raises(RuntimeError, match="a leaf Variable that requires grad is being "
                                               "used in an in-place operation"):
            call()
    assert w.tolist() == [1.0, 2.0] and w._version == 0


def test_recorded_inplace_reaches_the_engine(engine):
    # The engine sees the op name, the changed tensor as `out`, and a copy of
    # its old value (same node) as input 0.
    w = Tensor([1.0, 2.0], requires_grad=True)
    y = Tensor([10.0, 20.0])
    y.add_(w)
    op, out, inputs, attrs = engine.records[-1]
    assert op == "add" and out is y and inputs[1] is w and attrs == {}
    assert inputs[0].tolist() == [10.0, 20.0] and inputs[0].data is not y.data
    assert y.tolist() == [11.0, 22.0] and y._version == 1


def test_inplace_matches_torch(rng):
    torch = torch_or_skip()
    a = rng.standard_normal((3, 4)).astype(np.float32)
    b = rng.uniform(0.5, 2.0, (4,)).astype(np.float32)
    t, tt_ = Tensor(a.copy()), torch.from_numpy(a.copy())
    t.add_(Tensor(b)).mul_(2.0).sub_(Tensor(b)).div_(3.0).clamp_(-0.3, 0.7)
    tt_.add_(torch.from_numpy(b)).mul_(2.0).sub_(torch.from_numpy(b)).div_(3.0).clamp_(-0.3, 0.7)
    assert_close(t, tt_.numpy())
    t[0, 1:3] = 9.0
    tt_[0, 1:3] = 9.0
    assert_close(t, tt_.numpy())
    assert t._version == tt_._version


def test_read_only_memory_is_refused():
    t = Tensor(np.broadcast_to(np.ones(3, dtype=np.float32), (2, 3)))  # one row, seen twice
    for call in (lambda: t.add_(1.0), lambda: t.__setitem__(0, 2.0), lambda: t.zero_()):
        with pytest.raises(RuntimeError, match="cannot write into this tensor in place"):
            call()
    assert t._version == 0
