"""lm_loss: equal to the composite twin and PyTorch, ignore_index, gradcheck, errors."""

from __future__ import annotations

import numpy as np
import pytest
from tinytorch.autograd import gradcheck
from tinytorch.tensor import DTypeError, ShapeError, Tensor
from tinytorch.transformers import lm_loss, lm_loss_composite
from tt_testing import assert_close, torch_or_skip


def batch(B=3, T=5, V=7, seed=0, ignore=True):
    rng = np.random.default_rng(seed)
    logits = rng.standard_normal((B, T, V)) * 3
    targets = rng.integers(0, V, (B, T))
    if ignore:
        targets[0, :2] = -100
        targets[-1, -1] = -100
    return logits, targets


def reference(logits, targets, ignore_index=-100):
    """The definition in NumPy: mean over kept positions of logsumexp - logit[target]."""
    flat, t = logits.reshape(-1, logits.shape[-1]), targets.reshape(-1)
    keep = t != ignore_index
    m = flat.max(axis=1, keepdims=True)
    lse = np.log(np.exp(flat - m).sum(axis=1)) + m[:, 0]
    picked = flat[np.arange(len(t)), np.where(keep, t, 0)]
    return float(((lse - picked)[keep]).sum() / keep.sum())


@pytest.mark.parametrize("ignore", [True, False])
def test_value_and_gradient_equal_the_twin_and_the_definition(ignore):
    logits, targets = batch(ignore=ignore)
    a, b = Tensor(logits, requires_grad=True), Tensor(logits, requires_grad=True)
    fused, composite = lm_loss(a, targets), lm_loss_composite(b, targets)
    assert fused.item() == pytest.approx(reference(logits, targets), rel=1e-12)
    assert fused.item() == pytest.approx(composite.item(), rel=1e-12)
    fused.backward()
    composite.backward()
    assert_close(a.grad.data, b.grad.data, rtol=1e-10, atol=1e-13)
    if ignore:  # an ignored position gets no gradient at all
        assert np.all(a.grad.data[0, :2] == 0) and np.all(a.grad.data[-1, -1] == 0)
    # each kept row of the gradient sums to zero (softmax - onehot)
    assert_close(a.grad.data.sum(axis=-1), np.zeros(targets.shape), atol=1e-15)


def test_other_ignore_index_and_two_dimensional_logits():
    logits, targets = batch(ignore=False)
    targets[1, 1] = 3
    flat = Tensor(logits.reshape(-1, 7))
    loss = lm_loss(flat, targets.reshape(-1), ignore_index=3).item()
    assert loss == pytest.approx(reference(logits, targets, ignore_index=3), rel=1e-12)


def test_gradcheck_float64():
    logits, targets = batch(B=2, T=3, V=4, seed=3)
    x = Tensor(logits, requires_grad=True)
    assert gradcheck(lambda t: lm_loss(t, targets), (x,))


def test_float32_matches_torch():
    logits, targets = batch(seed=5)
    x = Tensor(logits.astype(np.float32), requires_grad=True)
    loss = lm_loss(x, targets)
    assert loss.dtype == np.float32
    loss.backward()
    torch = torch_or_skip()
    xt = torch.tensor(logits.astype(np.float32), requires_grad=True)
    labels = torch.from_numpy(targets).reshape(-1)
    ref = torch.nn.functional.cross_entropy(xt.reshape(-1, 7), labels)
    ref.backward()
    assert loss.item() == pytest.approx(ref.item(), rel=1e-6)
    assert_close(x.grad.data, xt.grad.numpy(), rtol=1e-5, atol=1e-7)


def test_every_position_ignored_gives_nan_and_zero_gradient():
    logits, targets = batch()
    x = Tensor(logits, requires_grad=True)
    loss = lm_loss(x, np.full(targets.shape, -100))
    assert np.isnan(loss.item())
    loss.backward()
    assert np.all(x.grad.data == 0)


def test_errors_name_the_problem():
    logits, targets = batch()
    with pytest.raises(IndexError, match=r"target 7 at flat position 4 is outside .* 0\.\.6"):
        t = targets.copy()
        t[0, 4] = 7
        lm_loss(Tensor(logits), t)
    with pytest.raises(ShapeError, match=r"expected targets of shape \(3, 5\)"):
        lm_loss(Tensor(logits), targets[:, :4])
    with pytest.raises(DTypeError, match="integer class indices"):
        lm_loss(Tensor(logits), targets.astype(np.float32))
    with pytest.raises(DTypeError, match="floating point"):
        lm_loss(Tensor(targets), targets)
    with pytest.raises(IndexError, match="lm_loss_composite: target -1"):
        lm_loss_composite(Tensor(logits), np.full(targets.shape, -1))
