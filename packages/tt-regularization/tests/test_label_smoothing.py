"""smooth_labels: values, shapes, errors, and equality with label-smoothed cross-entropy."""

from __future__ import annotations

import numpy as np
import pytest
from tinytorch.regularization import smooth_labels
from tinytorch.tensor import Tensor
from tt_testing import assert_close, torch_or_skip


def log_softmax(z):
    z = z - z.max(axis=-1, keepdims=True)
    return z - np.log(np.exp(z).sum(axis=-1, keepdims=True))


def test_values_and_row_sums() -> None:
    out = smooth_labels(Tensor(np.array([2, 0])), num_classes=4, smoothing=0.2)
    assert out.dtype == np.float32 and out.shape == (2, 4)
    expected = np.array([[0.05, 0.05, 0.85, 0.05], [0.85, 0.05, 0.05, 0.05]], dtype=np.float32)
    assert_close(out, expected, rtol=1e-6)
    assert_close(out.sum(dim=1), np.ones(2, dtype=np.float32), rtol=1e-6)
    assert_close(smooth_labels([1], 3, 0.0), np.array([[0.0, 1.0, 0.0]], dtype=np.float32))
    assert_close(smooth_labels(1, 4, 1.0), np.full(4, 0.25, dtype=np.float32))


def test_shapes_and_dtype() -> None:
    out = smooth_labels(np.array([[0, 1, 2], [2, 1, 0]]), 3, 0.3, dtype=np.float64)
    assert out.shape == (2, 3, 3) and out.dtype == np.float64
    np.testing.assert_allclose(out.data.argmax(axis=-1), [[0, 1, 2], [2, 1, 0]])


def test_equals_label_smoothed_cross_entropy_numpy() -> None:
    # CE(label_smoothing=s) = (1 - s) * nll + s * mean_c(-log p_c): PyTorch's definition
    rng = np.random.default_rng(0)
    logits, labels, s = rng.normal(size=(6, 5)), rng.integers(0, 5, size=6), 0.15
    logp = log_softmax(logits)
    reference = np.mean((1 - s) * -logp[np.arange(6), labels] + s * -logp.mean(axis=1))
    soft = smooth_labels(labels, 5, s, dtype=np.float64).data
    assert np.sum(-soft * logp, axis=1).mean() == pytest.approx(reference, rel=1e-12)


def test_equals_cross_entropy_label_smoothing_in_pytorch() -> None:
    torch = torch_or_skip()
    rng = np.random.default_rng(1)
    logits = torch.tensor(rng.normal(size=(8, 7)))
    labels = rng.integers(0, 7, size=8)
    for s in (0.0, 0.1, 0.5):
        smoothed = torch.nn.CrossEntropyLoss(label_smoothing=s)(logits, torch.tensor(labels))
        soft = torch.tensor(smooth_labels(labels, 7, s, dtype=np.float64).data)
        assert torch.nn.CrossEntropyLoss()(logits, soft).item() == pytest.approx(
            smoothed.item(), rel=1e-12)


def test_errors() -> None:
    with pytest.raises(IndexError, match="class index 5 is out of range for 5 classes"):
        smooth_labels([0, 5], 5, 0.1)
    with pytest.raises(IndexError, match="class index -1"):
        smooth_labels([-1], 5, 0.1)
    with pytest.raises(TypeError, match="integer class indices"):
        smooth_labels(np.array([0.5]), 5, 0.1)
    with pytest.raises(ValueError, match=r"smoothing must be in \[0.0, 1.0\]"):
        smooth_labels([0], 5, 1.5)
    with pytest.raises(ValueError, match="num_classes must be a positive int"):
        smooth_labels([0], 0, 0.1)
