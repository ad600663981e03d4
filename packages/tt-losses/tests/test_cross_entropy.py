"""cross_entropy and nll_loss: known values, stability, ignore/weight/smoothing rules, errors.

The grid of every option against NumPy and PyTorch is in test_class_options.py.
"""

from __future__ import annotations

import warnings

import numpy as np
import pytest
from tinytorch.losses import CrossEntropyLoss, NLLLoss, cross_entropy, nll_loss
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
    with pytest.raises(IndexError, match=r"index 5 is out of range for 4 classes .*"
                                         r"ignore_index=-1"):
        nll_loss(Tensor(LOGITS), np.array([0, -1, 2, 5, 0, 0]), ignore_index=-1)


def test_ignore_index_is_exempt_from_the_range_check() -> None:
    labels = np.array([3, -100, 1, -100, 2, 3])
    out = cross_entropy(Tensor(LOGITS), labels, reduction="none")
    assert out.data[1] == 0 and out.data[3] == 0
    keep = labels != -100
    expected = ref_cross_entropy(LOGITS[keep], labels[keep])
    assert_close(cross_entropy(Tensor(LOGITS), labels), expected.mean(), rtol=1e-6)
    # a negative ignore_index other than -100 works the same way
    assert_close(cross_entropy(Tensor(LOGITS), np.where(keep, labels, -7), ignore_index=-7),
                 expected.mean(), rtol=1e-6)


def test_class_weights_mean_divides_by_the_weight_of_the_targets() -> None:
    w = np.array([1.0, 2.0, 0.5, 4.0])
    per_sample = ref_cross_entropy(LOGITS, LABELS)
    expected = (w[LABELS] * per_sample).sum() / w[LABELS].sum()  # not / N
    assert_close(cross_entropy(Tensor(LOGITS), LABELS, weight=w), expected, rtol=1e-6)
    assert_close(CrossEntropyLoss(weight=Tensor(w))(Tensor(LOGITS), LABELS), expected, rtol=1e-6)
    assert_close(cross_entropy(Tensor(LOGITS), LABELS, weight=w, reduction="none"),
                 w[LABELS] * per_sample, rtol=1e-6)


def test_label_smoothing_known_value() -> None:
    # uniform logits: every class has log-probability -log C, whatever the smoothing
    out = cross_entropy(Tensor(np.zeros((2, 4))), np.array([1, 3]), label_smoothing=0.3)
    assert out.item() == pytest.approx(np.log(4), rel=1e-12)
    # smoothing 1: the loss against the uniform distribution, whatever the label
    a = cross_entropy(Tensor(LOGITS), LABELS, label_smoothing=1.0, reduction="none")
    b = cross_entropy(Tensor(LOGITS), (LABELS + 1) % 4, label_smoothing=1.0, reduction="none")
    np.testing.assert_allclose(a.data, b.data, rtol=1e-6)


def test_probability_targets_one_hot_equal_class_indices() -> None:
    one_hot = np.eye(4, dtype=np.float32)[LABELS]
    for reduction in ("mean", "sum", "none"):
        assert_close(cross_entropy(Tensor(LOGITS), one_hot, reduction=reduction),
                     cross_entropy(Tensor(LOGITS), LABELS, reduction=reduction), rtol=1e-6)


def test_spatial_input_equals_flattened_batch() -> None:
    rng = np.random.default_rng(9)
    x = rng.normal(size=(2, 4, 3, 5)).astype(np.float32)  # (N, C, H, W)
    y = rng.integers(0, 4, size=(2, 3, 5))
    flat_x = x.transpose(0, 2, 3, 1).reshape(-1, 4)  # (N*H*W, C)
    out = cross_entropy(Tensor(x), y, reduction="none")
    assert out.shape == (2, 3, 5)
    assert_close(out, ref_cross_entropy(flat_x, y.reshape(-1)).reshape(2, 3, 5), rtol=1e-5)


def test_every_target_ignored_or_empty_gives_nan_like_pytorch() -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # and no NumPy warning on the way
        out = cross_entropy(Tensor(LOGITS), np.full(6, -100))
        assert np.isnan(out.item())
        assert cross_entropy(Tensor(LOGITS), np.full(6, -100), reduction="sum").item() == 0
        assert np.isnan(nll_loss(Tensor(LOGITS), np.full(6, -100)).item())
        assert np.isnan(cross_entropy(Tensor(LOGITS[:0]), LABELS[:0]).item())
        assert np.isnan(cross_entropy(Tensor(LOGITS[:0]), LOGITS[:0]).item())
        assert cross_entropy(Tensor(LOGITS[:0]), LABELS[:0], reduction="none").shape == (0,)


def test_non_integer_targets_rejected() -> None:
    with pytest.raises(TypeError, match=r"integer class indices, got dtype float32"):
        cross_entropy(Tensor(LOGITS), LABELS.astype(np.float32))
    with pytest.raises(TypeError, match=r"integer class indices, got dtype bool"):
        cross_entropy(Tensor(LOGITS), np.ones(6, dtype=bool))
    with pytest.raises(TypeError, match="integer class indices"):
        cross_entropy(Tensor(LOGITS), Tensor(LABELS.astype(np.float64)))
    with pytest.raises(TypeError, match="integer class indices, got dtype float32"):
        nll_loss(Tensor(LOGITS), LOGITS)  # nll_loss takes no probabilities
    # catchable as PyTorch's RuntimeError too
    with pytest.raises(RuntimeError, match=r"read as class probabilities and must be floating "
                                           r"point, got dtype int64"):
        cross_entropy(Tensor(LOGITS), np.zeros((6, 4), dtype=np.int64))


def test_shape_mismatches_name_both_shapes() -> None:
    with pytest.raises(ValueError, match=r"input of shape \(6, 4\) needs a target of shape "
                                         r"\(6,\) \(class indices\) or \(6, 4\) \(class "
                                         r"probabilities\), got target shape \(5,\)"):
        cross_entropy(Tensor(LOGITS), LABELS[:5])
    with pytest.raises(RuntimeError, match=r"\(6, 1\)"):  # PyTorch code catches RuntimeError
        cross_entropy(Tensor(LOGITS), LABELS[:, None])
    with pytest.raises(ValueError, match=r"input of shape \(2, 3, 4\) needs a target of shape "
                                         r"\(2, 4\) \(class indices\)"):
        cross_entropy(Tensor(np.zeros((2, 3, 4), dtype=np.float32)), np.zeros((2, 3), int))
    with pytest.raises(ValueError, match=r"\(2, 3, 4\) \(class probabilities\), got target "
                                         r"shape \(2, 4, 3\)"):
        cross_entropy(Tensor(np.zeros((2, 3, 4))), np.zeros((2, 4, 3)))
    with pytest.raises(RuntimeError, match=r"nll_loss: input of shape \(6, 4\) needs a target "
                                           r"of shape \(6,\), got target shape \(6, 4\)"):
        nll_loss(Tensor(LOGITS), np.zeros((6, 4), dtype=np.int64))
    with pytest.raises(ValueError, match=r"class dimension, .* got a 0-d tensor"):
        cross_entropy(Tensor(np.float32(1.0)), 0)
    with pytest.raises(ValueError, match=r"input of shape \(2, 0\) has no classes"):
        cross_entropy(Tensor(np.zeros((2, 0), dtype=np.float32)), np.zeros(2, int))


def test_weight_errors() -> None:
    with pytest.raises(RuntimeError, match=r"cross_entropy: weight must have shape \(4,\), one "
                                           r"entry per class of input \(6, 4\), got shape "
                                           r"\(3,\)"):
        cross_entropy(Tensor(LOGITS), LABELS, weight=np.ones(3))
    with pytest.raises(ValueError, match=r"nll_loss: weight must have shape \(4,\)"):
        nll_loss(Tensor(LOGITS), LABELS, weight=np.ones(5))
    with pytest.raises(ValueError, match=r"CrossEntropyLoss: weight must be 1-D, .* \(1, 4\)"):
        CrossEntropyLoss(weight=np.ones((1, 4)))
    with pytest.raises(TypeError, match=r"NLLLoss: weight must hold numbers, got dtype bool"):
        NLLLoss(weight=np.ones(4, dtype=bool))
    with pytest.raises(ValueError, match=r"weight must have shape \(4,\)"):  # at call time
        CrossEntropyLoss(weight=np.ones(3))(Tensor(LOGITS), LABELS)


def test_option_errors() -> None:
    with pytest.raises(ValueError, match=r"label_smoothing must be between 0.0 and 1.0, got 1.5"):
        cross_entropy(Tensor(LOGITS), LABELS, label_smoothing=1.5)
    with pytest.raises(ValueError, match=r"CrossEntropyLoss: label_smoothing .* got -0.1"):
        CrossEntropyLoss(label_smoothing=-0.1)
    with pytest.raises(TypeError, match=r"ignore_index must be an int, got 1.0"):
        cross_entropy(Tensor(LOGITS), LABELS, ignore_index=1.0)
    with pytest.raises(TypeError, match=r"NLLLoss: ignore_index must be an int"):
        NLLLoss(ignore_index=None)
    with pytest.raises(ValueError, match=r"ignore_index is not supported for class-probability "
                                         r"targets \(got ignore_index=0\)"):
        cross_entropy(Tensor(LOGITS), np.full((6, 4), 0.25), ignore_index=0)


def test_objects_hold_their_settings() -> None:
    loss = CrossEntropyLoss(weight=[1.0, 2.0, 3.0, 4.0], ignore_index=3, label_smoothing=0.1)
    assert isinstance(loss.weight, Tensor) and loss.weight.shape == (4,)
    assert (loss.ignore_index, loss.label_smoothing, loss.reduction) == (3, 0.1, "mean")
    assert repr(loss) == ("CrossEntropyLoss(reduction='mean', weight=<4 classes>, "
                          "ignore_index=3, label_smoothing=0.1)")
    assert repr(CrossEntropyLoss()) == "CrossEntropyLoss(reduction='mean')"
    assert repr(NLLLoss(reduction="sum")) == "NLLLoss(reduction='sum')"
    expected = cross_entropy(Tensor(LOGITS), LABELS, np.arange(1.0, 5.0), 3, "mean", 0.1)
    assert loss(Tensor(LOGITS), LABELS).item() == expected.item()


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
