"""expand pad clone flip t numel dim: values, views, errors, the recorded primitives."""

from __future__ import annotations

import numpy as np
import pytest
from tinytorch.tensor import ShapeError, Tensor, clone, expand, flip, pad, t
from tt_testing import assert_close, torch_or_skip


def _a(*shape):
    return np.arange(int(np.prod(shape)), dtype=np.float32).reshape(shape)


def test_expand_is_a_read_only_view():
    x = Tensor([[1.0], [2.0]])
    out = x.expand(2, 3)
    assert out.tolist() == [[1.0, 1.0, 1.0], [2.0, 2.0, 2.0]]
    assert np.shares_memory(out.data, x.data) and out.stride() == (1, 0)
    assert not out.data.flags.writeable
    assert expand(x, (4, -1, 3)).shape == (4, 2, 3)
    assert x.expand_as(Tensor(np.zeros((5, 2, 3)))).shape == (5, 2, 3)


def test_expand_errors():
    x = Tensor(_a(2, 3))
    with pytest.raises(ShapeError, match=r"expand: the expanded size 4 must match the existing "
                       r"size 3 at non-singleton dimension 1"):
        x.expand(2, 4)
    with pytest.raises(ShapeError, match="at least the number of dimensions"):
        x.expand(3)
    with pytest.raises(ShapeError, match="-1 is not allowed"):
        x.expand(-1, 2, 3)


def test_pad_pytorch_order_last_dim_first():
    x = Tensor(_a(2, 3))
    out = pad(x, (1, 0))
    assert out.tolist() == [[0.0, 0.0, 1.0, 2.0], [0.0, 3.0, 4.0, 5.0]]
    out = pad(x, (0, 1, 1, 0), value=9.0)  # last dim: (0, 1); rows: (1, 0)
    assert out.tolist() == [[9.0, 9.0, 9.0, 9.0], [0.0, 1.0, 2.0, 9.0], [3.0, 4.0, 5.0, 9.0]]
    assert pad(x, (-1, 1)).tolist() == [[1.0, 2.0, 0.0], [4.0, 5.0, 0.0]]  # negative crops
    assert pad(Tensor([1, 2]), (1, 1), value=7).tolist() == [7, 1, 2, 7]
    assert pad(Tensor([1, 2]), (1, 1)).dtype == np.int64


def test_pad_errors():
    x = Tensor(_a(2, 3))
    with pytest.raises(ValueError, match="even length"):
        pad(x, (1,))
    with pytest.raises(ValueError, match="pads 3 dimensions"):
        pad(x, (1, 1, 1, 1, 1, 1))
    with pytest.raises(ShapeError, match="negative size"):
        pad(x, (-2, -2))
    with pytest.raises(NotImplementedError, match="reflect"):
        pad(x, (1, 1), mode="reflect")
    with pytest.raises(ValueError, match="unknown mode"):
        pad(x, (1, 1), mode="mirror")


def test_pad_records_widths_in_numpy_order(engine):
    x = Tensor(_a(2, 3), requires_grad=True)
    pad(x, (1, 2))
    assert engine.ops == ["pad"]
    attrs = engine.records[0][3]
    assert attrs["pad"] == ((0, 0), (1, 2)) and attrs["value"] == 0.0


def test_clone_copies_and_records(engine):
    x = Tensor(_a(2, 3), requires_grad=True)
    c = clone(x)
    assert engine.ops == ["clone"]
    assert not np.shares_memory(c.data, x.data) and c.tolist() == x.tolist()
    xt = Tensor(_a(3, 2)).T
    assert xt.clone().stride() == xt.stride()  # keeps the memory order, as PyTorch


def test_flip_values_copy_and_errors():
    x = Tensor(_a(2, 3))
    assert flip(x, (0,)).tolist() == [[3.0, 4.0, 5.0], [0.0, 1.0, 2.0]]
    assert x.flip(1).tolist() == [[2.0, 1.0, 0.0], [5.0, 4.0, 3.0]]
    assert x.flip(0, 1).tolist() == x.flip([-1, -2]).tolist() == [[5.0, 4.0, 3.0], [2.0, 1.0, 0.0]]
    out = x.flip(0)
    assert out.is_contiguous() and all(s > 0 for s in out.stride())
    with pytest.raises(ValueError, match="more than once"):
        x.flip(0, -2)
    with pytest.raises(IndexError, match="flip: dim 2"):
        x.flip(2)


def test_t_numel_dim():
    x = Tensor(_a(2, 3))
    assert t(x).shape == (3, 2) and x.t().tolist() == _a(2, 3).T.tolist()
    v = Tensor([1.0, 2.0])
    assert v.t() is v
    with pytest.raises(ShapeError, match=r"t: expects a tensor with at most 2 dimensions"):
        Tensor(_a(2, 3, 4)).t()
    assert x.numel() == 6 and Tensor(1.0).numel() == 1 and Tensor(np.zeros((0, 3))).numel() == 0
    assert x.dim() == 2 and Tensor(1.0).dim() == 0


def test_layout_ops_match_torch():
    torch = torch_or_skip()
    import torch.nn.functional as F

    a = _a(2, 3, 4)
    ta = torch.from_numpy(a)
    assert_close(pad(Tensor(a), (1, -1, 0, 2), value=3.0), F.pad(ta, (1, -1, 0, 2), value=3.0))
    assert_close(Tensor(a).flip(0, 2), ta.flip(0, 2))
    assert_close(Tensor(a[:, :1]).expand(5, -1, 3, 4), ta[:, :1].expand(5, -1, 3, 4))
    assert_close(Tensor(a[0]).t(), ta[0].t())
