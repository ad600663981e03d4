"""accuracy: multi-class, one-hot, binary probabilities and logits, errors."""

from __future__ import annotations

import functools

import numpy as np
import pytest
from tinytorch.tensor import Tensor
from tinytorch.training import accuracy


def test_argmax_against_class_indices():
    logits = np.array([[2.0, 1.0, 0.0], [0.0, 3.0, 1.0], [1.0, 0.0, 5.0], [9.0, 0.0, 0.0]])
    assert accuracy(logits, np.array([0, 1, 2, 1])) == 0.75
    assert accuracy(Tensor(logits), Tensor(np.array([0, 1, 2, 0]))) == 1.0


def test_one_hot_targets():
    probs = np.array([[0.7, 0.3], [0.2, 0.8]])
    assert accuracy(probs, np.array([[1, 0], [1, 0]])) == 0.5


def test_sequence_outputs():
    logits = np.zeros((2, 3, 4))
    logits[..., 1] = 1.0  # always predicts class 1
    targets = np.array([[1, 1, 0], [1, 2, 1]])
    assert accuracy(logits, targets) == pytest.approx(4 / 6)


def test_binary_probabilities_threshold_half():
    probs = np.array([[0.9], [0.4], [0.6], [0.1]])
    assert accuracy(probs, np.array([1, 0, 0, 0])) == 0.75
    assert accuracy(probs, np.array([[1.0], [0.0], [0.0], [0.0]])) == 0.75
    assert accuracy(probs[:, 0], np.array([1, 0, 0, 0])) == 0.75


def test_binary_logits_threshold_zero():
    logits = np.array([[0.3], [-0.2], [2.0]])  # 0.3 is a positive logit, below 0.5
    assert accuracy(logits, np.array([1, 0, 1]), threshold=0.0) == 1.0
    assert accuracy(logits, np.array([1, 0, 1])) == pytest.approx(2 / 3)
    on_logits = functools.partial(accuracy, threshold=0.0)
    assert on_logits(logits, np.array([0, 0, 0])) == pytest.approx(1 / 3)


@pytest.mark.parametrize("outputs, targets, message", [
    (np.zeros((4, 3)), np.zeros(5, dtype=int), r"targets of shape \(4,\)"),
    (np.zeros((4, 1)), np.zeros(3), r"0/1 targets of shape \(4,\)"),
    (np.zeros((0, 3)), np.zeros(0), "empty batch"),
])
def test_shape_errors(outputs, targets, message):
    with pytest.raises(ValueError, match=message):
        accuracy(outputs, targets)
