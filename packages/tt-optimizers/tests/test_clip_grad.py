"""clip_grad_norm_: the returned norm, the scaling, inf and p norms, PyTorch equality."""

from __future__ import annotations

import math

import numpy as np
import pytest
from tinytorch.optimizers import clip_grad_norm_
from tinytorch.tensor import Tensor
from tt_testing import torch_or_skip


def with_grads(arrays, dtype=np.float64):
    params = []
    for a in arrays:
        p = Tensor(np.zeros(np.shape(a), dtype=dtype), requires_grad=True)
        p.grad = Tensor(np.array(a, dtype=dtype))
        params.append(p)
    return params


def test_two_norm_clips_to_max_norm():
    ps = with_grads([[3.0, 0.0], [[0.0], [4.0]]])  # joint norm 5
    total = clip_grad_norm_(ps, max_norm=1.0)
    assert isinstance(total, Tensor) and total.data.shape == ()
    assert total.item() == pytest.approx(5.0)
    joint = math.sqrt(sum(float(np.sum(p.grad.data**2)) for p in ps))
    assert joint == pytest.approx(1.0, rel=1e-5)
    np.testing.assert_allclose(ps[0].grad.data, [0.6, 0.0], rtol=1e-5)


def test_small_gradients_are_left_alone():
    ps = with_grads([[0.3, 0.4]])
    grad = ps[0].grad.data
    total = clip_grad_norm_(ps, max_norm=1.0)
    assert total.item() == pytest.approx(0.5)
    np.testing.assert_array_equal(grad, [0.3, 0.4])
    assert ps[0].grad.data is grad  # scaled in place when scaled at all


def test_inf_and_one_norms():
    ps = with_grads([[1.0, -6.0], [2.0]])
    assert clip_grad_norm_(ps, max_norm=3.0, norm_type=math.inf).item() == pytest.approx(6.0)
    np.testing.assert_allclose(ps[0].grad.data, [0.5, -3.0], rtol=1e-6)
    ps = with_grads([[1.0, -6.0], [2.0]])
    assert clip_grad_norm_(ps, max_norm=100.0, norm_type=1).item() == pytest.approx(9.0)


def test_params_without_grad_and_single_tensor():
    a = Tensor(np.zeros(2), requires_grad=True)
    b = with_grads([[3.0, 4.0]])[0]
    assert clip_grad_norm_([a, b], 10.0).item() == pytest.approx(5.0)
    assert clip_grad_norm_(b, 10.0).item() == pytest.approx(5.0)
    assert clip_grad_norm_([a], 1.0).item() == 0.0


def test_float32_norm_stays_float32():
    ps = with_grads([[3.0, 4.0]], dtype=np.float32)
    total = clip_grad_norm_(ps, 1.0)
    assert total.dtype == np.float32 and ps[0].grad.data.dtype == np.float32


def test_nonfinite_norm():
    ps = with_grads([[np.inf, 1.0]])
    with pytest.raises(RuntimeError, match="is inf"):
        clip_grad_norm_(ps, 1.0, error_if_nonfinite=True)
    with pytest.raises(ValueError, match="max_norm must be >= 0"):
        clip_grad_norm_(ps, -1.0)


@pytest.mark.parametrize("norm_type", [2.0, 1.0, 3.0, math.inf])
@pytest.mark.parametrize("max_norm", [0.5, 1e3])
def test_matches_torch(norm_type, max_norm):
    torch = torch_or_skip()
    rng = np.random.default_rng(0)
    arrays = [rng.standard_normal(s) for s in [(4, 3), (3,), (2, 2)]]
    ps = with_grads(arrays)
    tps = [torch.zeros(a.shape, dtype=torch.float64, requires_grad=True) for a in arrays]
    for tp, a in zip(tps, arrays, strict=True):
        tp.grad = torch.tensor(a)
    ours = clip_grad_norm_(ps, max_norm, norm_type=norm_type)
    ref = torch.nn.utils.clip_grad_norm_(tps, max_norm, norm_type=norm_type)
    assert ours.item() == pytest.approx(ref.item(), rel=1e-12)
    for p, tp in zip(ps, tps, strict=True):
        np.testing.assert_allclose(p.grad.data, tp.grad.numpy(), rtol=1e-12)
