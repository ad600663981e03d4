"""MultiheadAttention: parameters and init, NumPy reference, torch on copied weights (outputs,
weights, every gradient), masks, layouts, gradcheck, dropout modes, errors."""

from __future__ import annotations

import numpy as np
import pytest
from tinytorch.attention import MultiheadAttention, causal_mask
from tinytorch.autograd import gradcheck
from tinytorch.tensor import DTypeError, ShapeError, Tensor, manual_seed
from tt_testing import assert_close, torch_or_skip

E, H = 8, 2


def weights(e=E, seed=0, bias=True, dtype=np.float64):
    rng = np.random.default_rng(seed)
    w = {"in_proj_weight": rng.standard_normal((3 * e, e)) / np.sqrt(e),
         "out_proj.weight": rng.standard_normal((e, e)) / np.sqrt(e)}
    if bias:
        w["in_proj_bias"] = 0.1 * rng.standard_normal(3 * e)
        w["out_proj.bias"] = 0.1 * rng.standard_normal(e)
    return {n: a.astype(dtype) for n, a in w.items()}


def module(e=E, h=H, seed=0, bias=True, **kw):
    m = MultiheadAttention(e, h, bias=bias, dtype=np.float64, **kw)
    m.load_state_dict(weights(e, seed, bias))
    return m


def reference(x_q, x_kv, w, h, blocked=None):
    """Batch-first multi-head attention by definition in NumPy: (N, L, E) -> output, weights."""
    e = x_q.shape[-1]
    hs = e // h
    wi, bi = w["in_proj_weight"], w.get("in_proj_bias", np.zeros(3 * e))
    q = x_q @ wi[:e].T + bi[:e]
    k = x_kv @ wi[e:2 * e].T + bi[e:2 * e]
    v = x_kv @ wi[2 * e:].T + bi[2 * e:]
    heads, probs = [], []
    for i in range(h):
        sl = slice(i * hs, (i + 1) * hs)
        s = q[..., sl] @ np.swapaxes(k[..., sl], -1, -2) / np.sqrt(hs)
        if blocked is not None:
            s = np.where(blocked, -np.inf, s)
        p = np.exp(s - s.max(-1, keepdims=True))
        p /= p.sum(-1, keepdims=True)
        probs.append(p)
        heads.append(p @ v[..., sl])
    out = np.concatenate(heads, -1) @ w["out_proj.weight"].T + w.get("out_proj.bias", 0.0)
    return out, np.mean(probs, axis=0)


def test_parameters_names_shapes_and_init():
    manual_seed(0)
    m = MultiheadAttention(12, 3)
    names = [n for n, _ in m.named_parameters()]
    assert names == ["in_proj_weight", "in_proj_bias", "out_proj.weight", "out_proj.bias"]
    assert m.in_proj_weight.shape == (36, 12) and m.out_proj.weight.shape == (12, 12)
    assert m.in_proj_weight.dtype == np.float32 and m.head_dim == 4
    assert np.all(m.in_proj_bias.data == 0) and np.all(m.out_proj.bias.data == 0)
    bound = np.sqrt(6 / (12 + 36))  # Xavier-uniform of (36, 12)
    assert np.abs(m.in_proj_weight.data).max() <= bound
    assert np.abs(m.in_proj_weight.data).max() > 0.8 * bound
    manual_seed(0)
    assert np.array_equal(MultiheadAttention(12, 3).in_proj_weight.data, m.in_proj_weight.data)
    nb = MultiheadAttention(12, 3, bias=False)
    assert [n for n, _ in nb.named_parameters()] == ["in_proj_weight", "out_proj.weight"]
    kv = MultiheadAttention(12, 3, kdim=5, vdim=7)
    assert kv.k_proj_weight.shape == (12, 5) and kv.v_proj_weight.shape == (12, 7)
    assert kv.in_proj_weight is None


@pytest.mark.parametrize("batch_first", [True, False])
def test_self_attention_equals_the_definition(batch_first):
    x = np.random.default_rng(1).standard_normal((3, 5, E))  # (N, L, E)
    m = module(batch_first=batch_first)
    xt = Tensor(x if batch_first else x.transpose(1, 0, 2).copy())
    out, w = m(xt, xt, xt)
    ref_out, ref_w = reference(x, x, weights(), H)
    assert_close(out.data if batch_first else out.data.transpose(1, 0, 2), ref_out,
                 rtol=1e-10, atol=1e-12)
    assert_close(w, ref_w, rtol=1e-10, atol=1e-12)


def test_cross_attention_unbatched_and_causal_match_the_definition():
    rng = np.random.default_rng(2)
    xq, xkv = rng.standard_normal((4, E)), rng.standard_normal((6, E))
    m = module(batch_first=True)
    out, w = m(Tensor(xq), Tensor(xkv), Tensor(xkv))
    ref_out, _ref_w = reference(xq, xkv, weights(), H)
    assert out.shape == (4, E) and w.shape == (4, 6)
    assert_close(out, ref_out, rtol=1e-10, atol=1e-12)
    x = rng.standard_normal((2, 5, E))
    out, _ = m(Tensor(x), Tensor(x), Tensor(x), attn_mask=causal_mask(5, np.float64),
               need_weights=False, is_causal=True)
    blocked = np.triu(np.ones((5, 5), dtype=bool), k=1)
    assert_close(out, reference(x, x, weights(), H, blocked)[0], rtol=1e-10, atol=1e-12)


def _torch_pair(torch, bias=True, **kw):
    m = module(bias=bias, **kw)
    t = torch.nn.MultiheadAttention(E, H, bias=bias, dtype=torch.float64, **kw)
    t.load_state_dict({n: torch.tensor(a) for n, a in weights(bias=bias).items()})
    return m, t


@pytest.mark.parametrize("case", ["self", "cross", "kpm-bool", "attn-bool", "attn-float",
                                  "per-head", "no-bias", "heads", "fast", "seq-first"])
def test_equals_pytorch_outputs_weights_and_every_gradient(case):
    torch = torch_or_skip()
    rng = np.random.default_rng(3)
    n, length, source = 2, 4, 5 if case == "cross" else 4
    batch_first = case != "seq-first"
    m, t = _torch_pair(torch, bias=case != "no-bias", batch_first=batch_first)
    xq = rng.standard_normal((n, length, E) if batch_first else (length, n, E))
    xkv = xq if case != "cross" else rng.standard_normal((n, source, E))
    kw, tkw = {}, {}
    if case == "kpm-bool":
        kpm = np.zeros((n, source), dtype=bool)
        kpm[1, -2:] = True
        kw, tkw = {"key_padding_mask": Tensor(kpm)}, {"key_padding_mask": torch.tensor(kpm)}
    elif case == "attn-bool":
        am = np.triu(np.ones((length, source), dtype=bool), k=1)  # True = leave out
        kw, tkw = {"attn_mask": Tensor(am)}, {"attn_mask": torch.tensor(am)}
    elif case == "attn-float":
        am = rng.standard_normal((length, source))
        kw, tkw = {"attn_mask": Tensor(am)}, {"attn_mask": torch.tensor(am)}
    elif case == "per-head":
        am = rng.random((n * H, length, source)) < 0.3
        am[..., 0] = False
        kw, tkw = {"attn_mask": Tensor(am)}, {"attn_mask": torch.tensor(am)}
    elif case == "heads":
        kw = tkw = {"average_attn_weights": False}
    elif case == "fast":
        kw = tkw = {"need_weights": False}
    Xq = Tensor(xq.copy(), requires_grad=True)
    Xkv = Xq if case != "cross" else Tensor(xkv.copy(), requires_grad=True)
    out, w = m(Xq, Xkv, Xkv, **kw)
    Tq = torch.tensor(xq, requires_grad=True)
    Tkv = Tq if case != "cross" else torch.tensor(xkv, requires_grad=True)
    tout, tw = t(Tq, Tkv, Tkv, **tkw)
    go = rng.standard_normal(out.shape)
    loss, tloss = (out * Tensor(go)).sum(), (tout * torch.tensor(go)).sum()
    if w is not None:
        gw = rng.standard_normal(w.shape)
        loss, tloss = loss + (w * Tensor(gw)).sum(), tloss + (tw * torch.tensor(gw)).sum()
        assert_close(w, tw.detach().numpy(), rtol=1e-9, atol=1e-11)
    else:
        assert tw is None
    assert_close(out, tout.detach().numpy(), rtol=1e-9, atol=1e-11)
    loss.backward()
    tloss.backward()
    assert_close(Xq.grad, Tq.grad.numpy(), rtol=1e-9, atol=1e-11)
    if case == "cross":
        assert_close(Xkv.grad, Tkv.grad.numpy(), rtol=1e-9, atol=1e-11)
    tparams = dict(t.named_parameters())
    for name, p in m.named_parameters():
        assert_close(p.grad, tparams[name].grad.numpy(), rtol=1e-9, atol=1e-11)


def test_kdim_vdim_equal_pytorch():
    torch = torch_or_skip()
    rng = np.random.default_rng(4)
    m = MultiheadAttention(E, H, kdim=3, vdim=5, batch_first=True, dtype=np.float64)
    t = torch.nn.MultiheadAttention(E, H, kdim=3, vdim=5, batch_first=True,
                                    dtype=torch.float64)
    m.load_state_dict({n: p.detach().numpy() for n, p in t.state_dict().items()})
    q, k, v = rng.standard_normal((2, 4, E)), rng.standard_normal((2, 6, 3)), \
        rng.standard_normal((2, 6, 5))
    out, w = m(Tensor(q), Tensor(k), Tensor(v))
    tout, tw = t(*(torch.tensor(a) for a in (q, k, v)))
    assert_close(out, tout.detach().numpy(), rtol=1e-9, atol=1e-11)
    assert_close(w, tw.detach().numpy(), rtol=1e-9, atol=1e-11)


@pytest.mark.parametrize("need_weights", [True, False])
def test_gradcheck_float64(need_weights):
    m = module(e=4, h=2, batch_first=True)
    x = Tensor(np.random.default_rng(5).standard_normal((2, 3, 4)), requires_grad=True)
    kpm = Tensor(np.array([[False, False, True], [False, False, False]]))

    def f(x, *params):
        out, w = m(x, x, x, key_padding_mask=kpm, need_weights=need_weights)
        return (out, w) if need_weights else out

    assert gradcheck(f, (x, *m.parameters()))


def test_dropout_only_in_training_and_seeded():
    m = module(dropout=0.5, batch_first=True)
    x = Tensor(np.random.default_rng(6).standard_normal((2, 5, E)))
    m.eval()
    a, _ = m(x, x, x)
    assert_close(a, reference(x.data, x.data, weights(), H)[0], rtol=1e-10, atol=1e-12)
    m.train()
    manual_seed(3)
    b, wb = m(x, x, x)
    manual_seed(3)
    c, _ = m(x, x, x, need_weights=False)
    assert not np.allclose(b.data, a.data)
    assert_close(b, c, rtol=1e-10, atol=1e-12)  # same draw on both paths
    assert np.any(wb.data == 0)


def test_fully_masked_rows_give_zeros_not_nan():
    m = module(batch_first=True)
    x = Tensor(np.random.default_rng(7).standard_normal((2, 3, E)))
    kpm = np.zeros((2, 3), dtype=bool)
    kpm[1] = True
    out, w = m(x, x, x, key_padding_mask=Tensor(kpm))
    assert np.all(np.isfinite(out.data)) and np.all(w.data[1] == 0)
    assert_close(out.data[1], np.broadcast_to(weights()["out_proj.bias"], (3, E)),
                 rtol=1e-12, atol=1e-12)


def test_named_errors():
    with pytest.raises(ValueError, match="divisible"):
        MultiheadAttention(10, 3)
    m = module(batch_first=True)
    x = Tensor(np.zeros((2, 3, E)))
    with pytest.raises(ShapeError, match=r"key_padding_mask must have shape \(2, 3\)"):
        m(x, x, x, key_padding_mask=Tensor(np.zeros((2, 4), dtype=bool)))
    with pytest.raises(ShapeError, match=r"attn_mask must have shape \(3, 3\) or \(4, 3, 3\)"):
        m(x, x, x, attn_mask=Tensor(np.zeros((2, 2), dtype=bool)))
    with pytest.raises(DTypeError, match="only bool and floating"):
        m(x, x, x, attn_mask=Tensor(np.zeros((3, 3), dtype=np.int64)))
    with pytest.raises(DTypeError, match="key_padding_mask of dtype float32"):
        m(x, x, x, key_padding_mask=Tensor(np.zeros((2, 3), dtype=np.float32)))
    with pytest.raises(ShapeError, match="with 8 features"):
        m(Tensor(np.zeros((2, 3, 5))), x, x)
    with pytest.raises(ShapeError, match="same batch"):
        m(x, Tensor(np.zeros((2, 4, E))), x)
    with pytest.raises(ValueError, match="is_causal=True needs attn_mask"):
        m(x, x, x, is_causal=True)
    with pytest.raises(DTypeError, match="dtype float32"):
        m(x.float(), x, x)
