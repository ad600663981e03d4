"""The fused primitives equal their teaching twins built from tensor primitives.

Outputs, gradients of input, weight and bias, and running statistics, in
float64 so that any difference is a bug, not rounding.
"""

from __future__ import annotations

import numpy as np
import pytest
from tinytorch.normalization import (
    batch_norm,
    batch_norm_composite,
    layer_norm,
    layer_norm_composite,
)
from tinytorch.tensor import Tensor
from tt_testing import assert_close


def leaves(rng, shape, c_shape):
    return (Tensor(rng.normal(1.0, 2.0, size=shape), requires_grad=True),
            Tensor(rng.normal(size=c_shape), requires_grad=True),
            Tensor(rng.normal(size=c_shape), requires_grad=True))


@pytest.mark.parametrize("training", [True, False], ids=["train", "eval"])
@pytest.mark.parametrize("shape", [(6, 3), (4, 3, 5), (2, 3, 4, 5)], ids=["NC", "NCL", "NCHW"])
def test_batch_norm_equals_its_composite(shape, training) -> None:
    rng = np.random.default_rng(0)
    x, w, b = leaves(rng, shape, (3,))
    stats0 = (rng.normal(size=3), rng.uniform(0.5, 2.0, size=3))
    results = []
    for fn in (batch_norm, batch_norm_composite):
        for t in (x, w, b):
            t.grad = None
        mean, var = Tensor(stats0[0].copy()), Tensor(stats0[1].copy())
        g = np.random.default_rng(1).normal(size=shape)
        out = fn(x, mean, var, w, b, training=training, momentum=0.3, eps=1e-3)
        out.backward(Tensor(g))
        results.append([out.data, x.grad.data, w.grad.data, b.grad.data, mean.data, var.data])
    for fast, twin in zip(*results, strict=True):
        assert_close(fast, twin, rtol=1e-10, atol=1e-12)
    if training:  # the running statistics moved
        assert not np.allclose(results[0][4], stats0[0])


@pytest.mark.parametrize("affine", [True, False], ids=["affine", "plain"])
def test_layer_norm_equals_its_composite(affine) -> None:
    rng = np.random.default_rng(2)
    x, w, b = leaves(rng, (3, 4, 2, 5), (2, 5))
    results = []
    for fn in (layer_norm, layer_norm_composite):
        for t in (x, w, b):
            t.grad = None
        g = np.random.default_rng(3).normal(size=x.shape)
        out = fn(x, (2, 5), w if affine else None, b if affine else None, eps=1e-3)
        out.backward(Tensor(g))
        results.append([out.data, x.grad.data] + ([w.grad.data, b.grad.data] if affine else []))
    for fast, twin in zip(*results, strict=True):
        assert_close(fast, twin, rtol=1e-10, atol=1e-12)

