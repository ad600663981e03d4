"""Composite expressions against PyTorch's gradients (skipped without PyTorch)."""

import math

import numpy as np
import pytest
from tinytorch.tensor import Tensor, maximum, where
from tt_testing import assert_close, torch_or_skip


def mlp_loss(lib, x, w1, b1, w2, y):
    """tanh MLP with a squared error and an L1 penalty."""
    h = (x @ w1 + b1).tanh()
    return ((h @ w2 - y) ** 2).mean() + 0.01 * w1.abs().sum()


def cross_entropy(lib, logits, targets):
    """Stable log-softmax, then a gather of the target scores."""
    top = logits.amax(dim=1, keepdim=True)
    shifted = logits - top
    logp = shifted - shifted.exp().sum(dim=1, keepdim=True).log()
    return -logp[np.arange(logits.shape[0]), targets].mean()


def layer_norm_gelu(lib, x, gamma, beta):
    """LayerNorm over the last axis, then the erf GELU, on permuted input."""
    x = x.permute(0, 2, 1).reshape(8, 3)  # (2, 3, 4) -> (8, 3)
    mu = x.mean(dim=-1, keepdim=True)
    var = ((x - mu) ** 2).mean(dim=-1, keepdim=True)
    z = (x - mu) / (var + 1e-5).sqrt() * gamma + beta
    return (0.5 * z * (1.0 + (z / math.sqrt(2.0)).erf())).sum()


def gated(lib, a, b):
    """maximum, clamp, where, division and pow with a tensor exponent."""
    mx = maximum(a, b) if lib == "tt" else a.maximum(b)
    cond = np.asarray(a.detach().numpy() > 0)
    if lib == "tt":
        w = where(cond, a.clamp(-0.5, 0.5), b / (1.0 + a * a))
    else:
        import torch

        w = torch.where(torch.as_tensor(cond), a.clamp(-0.5, 0.5), b / (1.0 + a * a))
    return (mx * w + (a * a + 1.0) ** b).transpose(0, 1).contiguous().sum()


CASES = {
    "mlp": (mlp_loss, [(5, 3), (3, 4), (4,), (4, 1), (5, 1)], {}),
    "cross_entropy": (cross_entropy, [(4, 6)], {"targets": np.array([0, 5, 5, 2])}),
    "layer_norm_gelu": (layer_norm_gelu, [(2, 3, 4), (3,), (3,)], {}),
    "gated": (gated, [(3, 4), (4,)], {}),
}


@pytest.mark.parametrize("name", list(CASES))
def test_composite_matches_torch(name):
    torch = torch_or_skip()
    fn, shapes, kwargs = CASES[name]
    rng = np.random.default_rng(0)
    arrays = [rng.normal(size=s) for s in shapes]
    ours = [Tensor(a.copy(), requires_grad=True) for a in arrays]
    theirs = [torch.tensor(a, requires_grad=True) for a in arrays]
    loss = fn("tt", *ours, **kwargs)
    tloss = fn("torch", *theirs, **{k: torch.as_tensor(v) for k, v in kwargs.items()})
    assert_close(loss, tloss.detach().numpy(), rtol=1e-10)
    loss.backward()
    tloss.backward()
    for i, (a, ta) in enumerate(zip(ours, theirs, strict=True)):
        assert a.grad is not None, f"input {i} got no gradient"
        assert_close(a.grad, ta.grad, rtol=1e-8, atol=1e-10)
