"""Part IV: knowledge distillation (tt-compression) on the real digits data, seeds 0, 1 and 2.

The teacher, an MLP 64-128-10, learns the 8x8 digits from the 997 training images (the same
splits as test_pruning.py: 300 test images held out, 200 for validation). The student has half
its hidden size, 64-64-10, and sees only FEW_SHOT = 50 training images (a seeded choice per
seed): the setting where a teacher's soft predictions help most, since they say which digits
look alike on images whose labels alone say little. For each seed, the same student (same
initial weights, same 50 images, same batches, optimizer and number of steps) is trained
twice: with plain cross-entropy (`fine_tune`) and with `distillation_loss` (`distill`,
T = 4, alpha = 0.9). Asserted: the MEAN test accuracy over the three seeds is higher with
distillation, and distillation wins on at least 2 of the 3 seeds. Both accuracies per seed are
printed (run with -s), and the sizes: the student's saved file against the teacher's.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from tinytorch.activations import ReLU
from tinytorch.layers import Linear, Sequential
from tinytorch.tensor import manual_seed

pytestmark = pytest.mark.requires("tt-compression")

SEEDS = (0, 1, 2)
FEW_SHOT, STUDENT_EPOCHS, STUDENT_LR, STUDENT_BATCH = 50, 100, 1e-2, 16
TEMPERATURE, ALPHA = 4.0, 0.9


def splits() -> dict[str, tuple[np.ndarray, np.ndarray]]:
    """The digits splits of test_pruning.py (one definition, loaded from beside this file)."""
    spec = importlib.util.spec_from_file_location(
        "part4_test_pruning", Path(__file__).with_name("test_pruning.py"))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.digits()


def mlp(hidden: int, seed: int) -> Sequential:
    manual_seed(seed)
    return Sequential(Linear(64, hidden), ReLU(), Linear(hidden, 10))


def test_a_half_size_student_learns_more_from_the_teacher_than_from_labels() -> None:
    from tinytorch.compression import accuracy, compression_report, distill, fine_tune

    data = splits()
    x, y = data["train"]
    teacher = mlp(128, 0)
    fine_tune(teacher, None, x, y, epochs=20, lr=2e-3, batch_size=64, seed=0)

    def test_accuracy(model: Any) -> float:
        return accuracy(model, *data["test"])

    teacher_accuracy = test_accuracy(teacher)
    rows = []
    for seed in SEEDS:
        few = np.random.default_rng(100 + seed).permutation(len(y))[:FEW_SHOT]
        plain, student = mlp(64, seed), mlp(64, seed)
        settings = dict(epochs=STUDENT_EPOCHS, lr=STUDENT_LR, batch_size=STUDENT_BATCH,
                        seed=seed)
        fine_tune(plain, None, x[few], y[few], **settings)
        distill(student, teacher, x[few], y[few], temperature=TEMPERATURE, alpha=ALPHA,
                **settings)
        rows.append((seed, test_accuracy(plain), test_accuracy(student)))
    size = compression_report("student (64 hidden) vs teacher (128 hidden)", teacher, student)
    print(f"\nteacher {teacher_accuracy:.2%} on {len(y)} images; students on {FEW_SHOT} images")
    for seed, plain_acc, distilled_acc in rows:
        print(f"seed {seed}: cross-entropy {plain_acc:.2%}, distillation {distilled_acc:.2%}")
    means = np.mean([r[1] for r in rows]), np.mean([r[2] for r in rows])
    print(f"mean: cross-entropy {means[0]:.2%}, distillation {means[1]:.2%}\n{size}")

    assert teacher_accuracy > 0.95
    assert means[1] > means[0]
    assert sum(d > p for _, p, d in rows) >= 2
    assert size.bytes_after < 0.55 * size.bytes_before  # half the hidden size, half the file
