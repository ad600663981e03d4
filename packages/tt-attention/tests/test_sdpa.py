"""scaled_dot_product_attention and its composite twin: NumPy reference, gradcheck, PyTorch,
masks, fully masked rows, dropout, errors."""

from __future__ import annotations

import numpy as np
import pytest
from tinytorch.attention import (
    causal_mask,
    scaled_dot_product_attention,
    scaled_dot_product_attention_composite,
)
from tinytorch.autograd import gradcheck
from tinytorch.tensor import DTypeError, ShapeError, Tensor, manual_seed
from tt_testing import assert_close, torch_or_skip

FNS = [scaled_dot_product_attention, scaled_dot_product_attention_composite]


def qkv(shape_q=(2, 3, 4, 5), s=6, ev=7, seed=0, dtype=np.float64):
    rng = np.random.default_rng(seed)
    q = rng.standard_normal(shape_q).astype(dtype)
    k = rng.standard_normal((*shape_q[:-2], s, shape_q[-1])).astype(dtype)
    v = rng.standard_normal((*shape_q[:-2], s, ev)).astype(dtype)
    return q, k, v


def reference(q, k, v, blocked=None, bias=None, scale=None):
    """Attention by definition in float64 NumPy, one query row at a time."""
    scale = 1 / np.sqrt(q.shape[-1]) if scale is None else scale
    scores = q @ np.swapaxes(k, -1, -2) * scale
    if bias is not None:
        scores = scores + bias
    if blocked is not None:
        scores = np.where(blocked, -np.inf, scores)
    scores = np.broadcast_to(scores, np.broadcast_shapes(scores.shape, (*v.shape[:-2], 1, 1)))
    out = np.zeros((*scores.shape[:-1], v.shape[-1]))
    vb = np.broadcast_to(v, scores.shape[:-2] + v.shape[-2:])
    for idx in np.ndindex(scores.shape[:-1]):
        row = scores[idx]
        if np.all(row == -np.inf):
            continue  # a fully masked row: zeros
        w = np.exp(row - row.max())
        out[idx] = (w / w.sum()) @ vb[idx[:-1]]
    return out


def run(fn, q, k, v, grad_seed=1, **kw):
    Q, K, V = (Tensor(x.copy(), requires_grad=True) for x in (q, k, v))
    out = fn(Q, K, V, **kw)
    g = np.random.default_rng(grad_seed).standard_normal(out.shape)
    out.backward(Tensor(g.astype(out.data.dtype)))
    return out.data, Q.grad.data, K.grad.data, V.grad.data


@pytest.mark.parametrize("fn", FNS)
def test_values_equal_the_definition(fn):
    q, k, v = qkv()
    assert_close(fn(Tensor(q), Tensor(k), Tensor(v)), reference(q, k, v), rtol=1e-10, atol=1e-12)
    assert_close(fn(Tensor(q), Tensor(k), Tensor(v), scale=0.3), reference(q, k, v, scale=0.3),
                 rtol=1e-10, atol=1e-12)


def test_hand_values_one_query():
    # scores with scale 1: [0, ln 3] -> weights [1/4, 3/4]; values 4 and 8 -> 7
    q = Tensor(np.array([[1.0]]))
    k = Tensor(np.array([[0.0], [np.log(3.0)]]))
    v = Tensor(np.array([[4.0], [8.0]]))
    for fn in FNS:
        assert_close(fn(q, k, v, scale=1.0), np.array([[7.0]]), rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize("fn", FNS)
def test_causal_is_top_left_aligned(fn):
    q, k, v = qkv((2, 5, 3), s=7, ev=2)
    blocked = np.triu(np.ones((5, 7), dtype=bool), k=1)  # query i sees keys 0 .. i
    assert_close(fn(Tensor(q), Tensor(k), Tensor(v), is_causal=True),
                 reference(q, k, v, blocked=blocked), rtol=1e-10, atol=1e-12)


@pytest.mark.parametrize("fn", FNS)
def test_bool_mask_true_means_attend_and_broadcasts(fn):
    q, k, v = qkv()
    mask = np.random.default_rng(3).random((3, 1, 6)) > 0.3  # (heads, 1, S) over (2, 3, 4, 6)
    mask[..., 0] = True
    got = fn(Tensor(q), Tensor(k), Tensor(v), attn_mask=Tensor(mask))
    assert_close(got, reference(q, k, v, blocked=~mask), rtol=1e-10, atol=1e-12)


@pytest.mark.parametrize("fn", FNS)
def test_float_mask_is_added(fn):
    q, k, v = qkv()
    bias = np.random.default_rng(4).standard_normal((4, 6))
    bias[1, 2] = -np.inf
    got = fn(Tensor(q), Tensor(k), Tensor(v), attn_mask=Tensor(bias))
    assert_close(got, reference(q, k, v, bias=bias), rtol=1e-10, atol=1e-12)


@pytest.mark.parametrize("fn", FNS)
def test_fully_masked_rows_give_zeros_and_no_gradient(fn):
    q, k, v = qkv((1, 3, 4), s=5, ev=2)
    mask = np.ones((3, 5), dtype=bool)
    mask[1] = False  # query 1 may look at nothing
    out, dq, dk, dv = run(fn, q, k, v, attn_mask=Tensor(mask))
    assert np.all(np.isfinite(out)) and np.all(out[0, 1] == 0.0)
    assert np.all(dq[0, 1] == 0.0) and np.all(np.isfinite(dk)) and np.all(np.isfinite(dv))
    float_mask = np.where(mask, 0.0, -np.inf)
    out2 = fn(Tensor(q), Tensor(k), Tensor(v), attn_mask=Tensor(float_mask))
    assert_close(out2, out, rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize("kw", [{}, {"is_causal": True}, {"scale": 0.7}, "bool", "float"])
def test_primitive_and_twin_agree_forward_and_gradients(kw):
    q, k, v = qkv((2, 2, 5, 3), s=5, ev=4)
    if kw == "bool":
        mask = np.random.default_rng(5).random((5, 5)) > 0.4
        mask[2] = False
        kw = {"attn_mask": Tensor(mask)}
    elif kw == "float":
        kw = {"attn_mask": Tensor(np.random.default_rng(6).standard_normal((2, 1, 5, 5)))}
    a = run(scaled_dot_product_attention, q, k, v, **kw)
    b = run(scaled_dot_product_attention_composite, q, k, v, **kw)
    for x, y in zip(a, b, strict=True):
        assert_close(x, y, rtol=1e-10, atol=1e-12)


@pytest.mark.parametrize("fn", FNS)
@pytest.mark.parametrize("case", ["plain", "causal", "bool", "float-grad", "broadcast"])
def test_gradcheck_float64(fn, case):
    rng = np.random.default_rng(7)

    def t(*shape):
        return Tensor(rng.standard_normal(shape), requires_grad=True)

    kw = {}
    if case == "broadcast":  # key and value shared by the batch: their gradients sum over it
        args = (t(2, 3, 4), t(1, 5, 4), t(5, 3))
    else:
        args = (t(2, 3, 4), t(2, 5, 4), t(2, 5, 3))
    if case == "causal":
        args = (t(2, 4, 3), t(2, 4, 3), t(2, 4, 2))
        kw = {"is_causal": True}
    elif case == "bool":
        mask = rng.random((3, 5)) > 0.4
        mask[0] = False
        kw = {"attn_mask": Tensor(mask)}
    elif case == "float-grad":  # a float mask that requires grad gets dS
        args = (*args, t(3, 5))

    def f(*xs):
        if case == "float-grad":
            return fn(*xs[:3], attn_mask=xs[3])
        return fn(*xs, **kw)

    assert gradcheck(f, args)


def test_dropout_is_seeded_shared_with_the_twin_and_inverted():
    q, k, v = qkv((2, 4, 3), s=6, ev=5)
    outs = []
    for fn in (scaled_dot_product_attention, scaled_dot_product_attention_composite,
               scaled_dot_product_attention):
        manual_seed(11)
        outs.append(run(fn, q, k, v, dropout_p=0.5))
    for a, b in zip(outs[0], outs[1], strict=True):
        assert_close(a, b, rtol=1e-10, atol=1e-12)
    assert np.array_equal(outs[0][0], outs[2][0])  # same seed, same draw
    assert not np.allclose(outs[0][0], reference(q, k, v))  # something was dropped
    # all dropped: zeros; p = 0: no dropout
    assert np.all(scaled_dot_product_attention(Tensor(q), Tensor(k), Tensor(v),
                                               dropout_p=1.0).data == 0)
    assert_close(scaled_dot_product_attention(Tensor(q), Tensor(k), Tensor(v), dropout_p=0.0),
                 reference(q, k, v), rtol=1e-10, atol=1e-12)


def test_dropout_keeps_the_expectation():
    # values all 1: each output is (kept weights) / (1 - p); its mean over many draws is 1
    q = Tensor(np.zeros((200, 8, 4)))
    v = Tensor(np.ones((200, 8, 1)))
    manual_seed(0)
    out = scaled_dot_product_attention(q, q, v, dropout_p=0.25).data
    assert abs(out.mean() - 1.0) < 0.02
    assert set(np.unique(np.round(out * 8 * 0.75)).astype(int)) <= set(range(9))


def test_float32_stays_float32():
    q, k, v = qkv(dtype=np.float32)
    out, dq, dk, dv = run(scaled_dot_product_attention, q, k, v, is_causal=True)
    assert out.dtype == dq.dtype == dk.dtype == dv.dtype == np.float32


def test_causal_mask_helper():
    m = causal_mask(3).data
    assert m.dtype == np.float32 and m.shape == (3, 3)
    assert np.array_equal(np.isneginf(m), np.triu(np.ones((3, 3), dtype=bool), k=1))
    assert np.all(m[np.tril(np.ones((3, 3), dtype=bool))] == 0)
    q, k, v = qkv((4, 3), s=4, ev=2)
    assert_close(scaled_dot_product_attention(Tensor(q), Tensor(k), Tensor(v),
                                              attn_mask=causal_mask(4, np.float64)),
                 scaled_dot_product_attention(Tensor(q), Tensor(k), Tensor(v), is_causal=True),
                 rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize("kw", [{}, {"is_causal": True}, {"scale": 0.4}, "bool", "float",
                                "broadcast"])
def test_equals_pytorch(kw):
    torch = torch_or_skip()
    import torch.nn.functional as F

    q, k, v = qkv()
    tkw = {}
    if kw == "bool":
        mask = np.random.default_rng(8).random((4, 6)) > 0.5
        mask[3] = False  # a fully masked row
        kw, tkw = {"attn_mask": Tensor(mask)}, {"attn_mask": torch.tensor(mask)}
    elif kw == "float":
        bias = np.random.default_rng(9).standard_normal((2, 1, 4, 6))
        kw, tkw = {"attn_mask": Tensor(bias)}, {"attn_mask": torch.tensor(bias)}
    elif kw == "broadcast":
        k, v = k[:1], v[:1]
        kw = {}
    else:
        tkw = kw
    ours = run(scaled_dot_product_attention, q, k, v, **kw)
    Q, K, V = (torch.tensor(x, requires_grad=True) for x in (q, k, v))
    out = F.scaled_dot_product_attention(Q, K, V, **tkw)
    out.backward(torch.tensor(np.random.default_rng(1).standard_normal(out.shape)))
    for a, b in zip(ours, (out, Q.grad, K.grad, V.grad), strict=True):
        assert_close(a, b.detach().numpy(), rtol=1e-9, atol=1e-11)


@pytest.mark.parametrize("fn", FNS)
def test_named_errors(fn):
    q, k, v = (Tensor(x) for x in qkv())
    with pytest.raises(ShapeError, match="feature"):
        fn(q, Tensor(np.zeros((2, 3, 6, 4))), v)
    with pytest.raises(ShapeError, match="sequence length"):
        fn(q, k, Tensor(np.zeros((2, 3, 5, 7))))
    with pytest.raises(ShapeError, match="batch dimensions"):
        fn(q, Tensor(np.zeros((4, 3, 6, 5))), Tensor(np.zeros((4, 3, 6, 7))))
    with pytest.raises(ShapeError, match=r"attn_mask of shape \(4, 5\)"):
        fn(q, k, v, attn_mask=Tensor(np.ones((4, 5), dtype=bool)))
    with pytest.raises(DTypeError, match="attn_mask must be bool"):
        fn(q, k, v, attn_mask=Tensor(np.ones((4, 6), dtype=np.int64)))
    with pytest.raises(DTypeError, match="attn_mask must be bool or float64"):
        fn(q, k, v, attn_mask=Tensor(np.zeros((4, 6), dtype=np.float32)))
    with pytest.raises(ValueError, match="is_causal"):
        fn(q, k, v, attn_mask=Tensor(np.ones((4, 6), dtype=bool)), is_causal=True)
    with pytest.raises(DTypeError, match="one dtype"):
        fn(q, k.float(), v)
    with pytest.raises(DTypeError, match="floating point"):
        fn(Tensor(np.zeros((2, 3), dtype=np.int64)), k, v)
    with pytest.raises(ValueError, match="between 0 and 1"):
        fn(q, k, v, dropout_p=1.5)
    with pytest.raises(ShapeError, match="at least 2 dimensions"):
        fn(Tensor(np.zeros(5)), k, v)
