"""cat stack split chunk: values, dtypes, views, errors, the recorded primitives."""

from __future__ import annotations

import numpy as np
import pytest
from tinytorch.tensor import ShapeError, Tensor, cat, chunk, split, stack
from tt_testing import assert_close, torch_or_skip


def _a(*shape, start=0):
    n = int(np.prod(shape))
    return np.arange(start, start + n, dtype=np.float32).reshape(shape)


def test_cat_values_by_hand():
    out = cat([Tensor([[1.0, 2.0]]), Tensor([[3.0, 4.0], [5.0, 6.0]])])
    assert out.tolist() == [[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]]
    out = cat([Tensor([[1.0], [2.0]]), Tensor([[3.0, 4.0], [5.0, 6.0]])], dim=-1)
    assert out.tolist() == [[1.0, 3.0, 4.0], [2.0, 5.0, 6.0]]


@pytest.mark.parametrize("dim", [0, 1, 2, -1])
def test_cat_matches_numpy(dim):
    a, b = _a(2, 3, 4), _a(2, 3, 4, start=100)
    assert_close(cat([Tensor(a), Tensor(b), Tensor(a)], dim), np.concatenate([a, b, a], dim))


def test_cat_dtype_promotion_like_pytorch():
    f32, f64, i64 = Tensor([1.0]), Tensor(np.array([2.0])), Tensor([3])
    assert cat([f32, i64]).dtype == np.float32
    assert cat([f32, f64]).dtype == np.float64
    assert cat([i64, i64]).dtype == np.int64
    assert cat([f32, i64]).tolist() == [1.0, 3.0]


def test_cat_errors_name_op_and_shapes():
    with pytest.raises(ShapeError, match=r"cat: tensors 0 and 1 have shapes \(2, 3\) and "
                       r"\(2, 4\); all dimensions except dim 0 must match"):
        cat([Tensor(_a(2, 3)), Tensor(_a(2, 4))])
    with pytest.raises(RuntimeError, match="same number of dimensions"):
        cat([Tensor(_a(2, 3)), Tensor(_a(3))])
    with pytest.raises(ValueError, match="non-empty"):
        cat([])
    with pytest.raises(TypeError, match="list or tuple"):
        cat(Tensor(_a(2)))
    with pytest.raises(ShapeError, match="0-d"):
        cat([Tensor(1.0), Tensor(2.0)])
    with pytest.raises(IndexError, match="cat: dim 2"):
        cat([Tensor(_a(2, 3))], dim=2)


def test_cat_records_one_primitive(engine):
    a, b = Tensor(_a(2), requires_grad=True), Tensor(_a(3))
    out = cat([a, b])
    assert engine.ops == ["cat"]
    _, rec_out, inputs, attrs = engine.records[0]
    assert rec_out is out and inputs == (a, b) and attrs == {"dim": 0}


def test_stack_values_and_dims():
    a, b = _a(2, 3), _a(2, 3, start=6)
    for dim in (0, 1, 2, -1):
        out = stack([Tensor(a), Tensor(b)], dim)
        assert_close(out, np.stack([a, b], dim))
    assert stack([Tensor(1.0), Tensor(2.0)]).tolist() == [1.0, 2.0]
    with pytest.raises(ShapeError, match=r"stack: .*\(2, 3\) at entry 0 and \(3, 2\) at entry 1"):
        stack([Tensor(a), Tensor(a.T.copy())])


def test_split_sizes_and_views():
    x = Tensor(_a(5, 2))
    parts = split(x, 2)
    assert [p.shape for p in parts] == [(2, 2), (2, 2), (1, 2)]
    assert parts[2].tolist() == [[8.0, 9.0]]
    assert all(np.shares_memory(p.data, x.data) for p in parts)
    parts = x.split([1, 4])
    assert [p.shape for p in parts] == [(1, 2), (4, 2)]
    cols = x.split(1, dim=-1)
    assert [c.tolist() for c in cols] == [[[0.0], [2.0], [4.0], [6.0], [8.0]],
                                          [[1.0], [3.0], [5.0], [7.0], [9.0]]]


def test_split_errors():
    x = Tensor(_a(5, 2))
    with pytest.raises(ShapeError, match=r"sections \[2, 2\] add up to 4.*size 5"):
        split(x, [2, 2])
    with pytest.raises(ValueError, match="split_size must be positive"):
        split(x, 0)
    with pytest.raises(TypeError, match="split_size_or_sections"):
        split(x, 1.5)


def test_chunk_follows_pytorch_sizes():
    x = Tensor(_a(5))
    assert [c.tolist() for c in chunk(x, 4)] == [[0.0, 1.0], [2.0, 3.0], [4.0]]
    assert [c.shape for c in Tensor(_a(6)).chunk(4)] == [(2,), (2,), (2,)]
    assert [c.shape for c in chunk(Tensor(np.zeros(0)), 3)] == [(0,), (0,), (0,)]
    assert [c.shape for c in Tensor(_a(2, 6)).chunk(3, dim=1)] == [(2, 2)] * 3
    with pytest.raises(ValueError, match="chunks must be a positive int"):
        chunk(x, 0)


def test_split_and_chunk_are_getitem_slices(engine):
    x = Tensor(_a(4, 2), requires_grad=True)
    x.chunk(2)
    assert engine.ops == ["getitem", "getitem"]
    assert engine.records[1][3] == {"index": (slice(2, 4),)}


def test_join_ops_match_torch():
    torch = torch_or_skip()
    a, b = _a(2, 3), _a(2, 3, start=10)
    ta, tb = torch.from_numpy(a), torch.from_numpy(b)
    assert_close(cat([Tensor(a), Tensor(b)], 1), torch.cat([ta, tb], 1))
    assert_close(stack([Tensor(a), Tensor(b)], 1), torch.stack([ta, tb], 1))
    for mine, theirs in zip(split(Tensor(a), [1, 2], 1), torch.split(ta, [1, 2], 1), strict=True):
        assert_close(mine, theirs)
    for n in (1, 2, 3, 4):
        mine = chunk(Tensor(_a(7, 2)), n)
        theirs = torch.chunk(torch.from_numpy(_a(7, 2)), n)
        assert [m.shape for m in mine] == [tuple(t.shape) for t in theirs]
