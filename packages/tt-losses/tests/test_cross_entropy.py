"""cross_entropy: values vs NumPy and PyTorch, stability, target checks."""

from __future__ import annotations

import numpy as np
import pytest
from tinytorch.losses import CrossEntropyLoss, cross_entropy
from tinytorch.tensor import Tensor
from tt_testing import assert_close, torch_or_skip

RNG = np.random.default_rng(2)
LOGITS = RNG.normal(0, 3, size=(6, 4)).astype(np.float32)
LABELS = np.array([3, 0, 1, 1, 2, 3])


def ref_cross_entropy(logits: np.ndarray, labels: np.ndarray) -> np.ndarray:
    z = logits.astype(np.float64)
    z = z - z.max(axis=-1, keepdims=True)
    log_probs = z - np.log(np.exp(z).sum(axis=-1, keepdims=True))
    return -log_probs[np.arange(len(labels)), labels]


def test_values_vs_numpy() -> None:
    per_sample = ref_cross_entropy(LOGITS, LABELS)
    assert_close(cross_entropy(Tensor(LOGITS), LABELS), per_sample.mean(), rtol=1e-6)
    assert_close(
        cross_entropy(Tensor(LOGITS), LABELS, reduction="sum"), per_sample.sum(), rtol=1e-6
    )
    assert_close(
        cross_entropy(Tensor(LOGITS), LABELS, reduction="none"), per_sample, rtol=1e-5
    )


def test_uniform_logits_give_log_c() -> None:
    out = cross_entropy(Tensor(np.zeros((3, 10), dtype=np.float32)), np.array([0, 5, 9]))
    assert out.item() == pytest.approx(np.log(10), rel=1e-6)


def test_target_as_tensor_and_any_int_dtype() -> None:
    expected = cross_entropy(Tensor(LOGITS), LABELS).item()
    assert cross_entropy(Tensor(LOGITS), Tensor(LABELS)).item() == expected
    assert cross_entropy(Tensor(LOGITS), LABELS.astype(np.int32)).item() == expected
    assert cross_entropy(Tensor(LOGITS), LABELS.astype(np.uint8)).item() == expected
    assert CrossEntropyLoss()(Tensor(LOGITS), list(LABELS)).item() == expected


def test_single_sample() -> None:
    full = cross_entropy(Tensor(LOGITS), LABELS, reduction="none").data
    one = cross_entropy(Tensor(LOGITS[2]), 1)
    assert one.shape == ()
    assert one.item() == pytest.approx(full[2], rel=1e-6)
    assert cross_entropy(Tensor(LOGITS[2]), np.int64(1), reduction="none").shape == ()


def test_extreme_logits_are_exact_and_finite() -> None:
    logits = np.array(
        [[1e4, -1e4, 0.0], [1e4, -1e4, 0.0], [-1e4, -1e4, -1e4], [88.0, 100.0, -100.0]],
        dtype=np.float32,
    )
    labels = np.array([0, 1, 2, 0])
    out = cross_entropy(Tensor(logits), labels, reduction="none")
    assert np.all(np.isfinite(out.data))
    np.testing.assert_allclose(out.data, [0.0, 2e4, np.log(3), 12.0], rtol=1e-6, atol=1e-6)
    assert_close(out, ref_cross_entropy(logits, labels), rtol=1e-6, atol=1e-6)


def test_label_out_of_range_names_index_and_classes() -> None:
    with pytest.raises(IndexError, match=r"target class index 4 is out of range for 4 classes"):
        cross_entropy(Tensor(LOGITS), np.array([0, 1, 4, 0, 0, 0]))
    with pytest.raises(IndexError, match=r"index -1 .* 4 classes"):
        cross_entropy(Tensor(LOGITS), np.array([0, 1, 2, -1, 0, 0]))
    with pytest.raises(IndexError, match=r"index 7 .* 4 classes"):
        cross_entropy(Tensor(LOGITS[0]), 7)


def test_non_integer_targets_rejected() -> None:
    with pytest.raises(TypeError, match=r"integer class indices, got dtype float32"):
        cross_entropy(Tensor(LOGITS), LABELS.astype(np.float32))
    with pytest.raises(TypeError, match=r"integer class indices, got dtype bool"):
        cross_entropy(Tensor(LOGITS), np.ones(6, dtype=bool))
    with pytest.raises(TypeError, match="integer class indices"):
        cross_entropy(Tensor(LOGITS), Tensor(LABELS.astype(np.float64)))


def test_shape_mismatches_name_both_shapes() -> None:
    with pytest.raises(ValueError, match=r"input of shape \(6, 4\) needs a target of shape "
                                         r"\(6,\), got target shape \(5,\)"):
        cross_entropy(Tensor(LOGITS), LABELS[:5])
    with pytest.raises(ValueError, match=r"\(6, 1\)"):
        cross_entropy(Tensor(LOGITS), LABELS[:, None])
    with pytest.raises(ValueError, match=r"logits of shape \(N, C\) or \(C,\), got shape "
                                         r"\(2, 3, 4\)"):
        cross_entropy(Tensor(np.zeros((2, 3, 4), dtype=np.float32)), np.zeros((2, 3), int))


@pytest.mark.parametrize("reduction", ["mean", "sum", "none"])
def test_vs_torch(reduction: str) -> None:
    torch = torch_or_skip()
    logits = np.concatenate([LOGITS, np.array([[1e4, -1e4, 0.0, 5.0]], dtype=np.float32)])
    labels = np.append(LABELS, 1)
    expected = torch.nn.functional.cross_entropy(
        torch.from_numpy(logits), torch.from_numpy(labels), reduction=reduction
    )
    assert_close(
        cross_entropy(Tensor(logits), labels, reduction=reduction), expected, rtol=1e-5,
        atol=1e-5,
    )
