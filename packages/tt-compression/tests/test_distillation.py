"""distillation_loss: the value (by hand and against PyTorch), its gradient, its errors."""

from __future__ import annotations

import numpy as np
import pytest
from tinytorch.activations import ReLU
from tinytorch.autograd import gradcheck
from tinytorch.compression import accuracy, distill, distillation_loss, logits_of
from tinytorch.layers import Linear, Sequential
from tinytorch.losses import cross_entropy
from tinytorch.tensor import ShapeError, Tensor, manual_seed
from tt_testing import assert_close, torch_or_skip


def logits(seed: int = 0, n: int = 5, c: int = 4) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    return (rng.standard_normal((n, c)) * 2, rng.standard_normal((n, c)) * 2,
            rng.integers(0, c, n))


def numpy_reference(s: np.ndarray, t: np.ndarray, y: np.ndarray, temperature: float,
                    alpha: float) -> float:
    """The formula written out plainly, softmax by definition, no shared code."""
    def softmax(z: np.ndarray) -> np.ndarray:
        e = np.exp(z - z.max(axis=1, keepdims=True))
        return e / e.sum(axis=1, keepdims=True)

    p_t, p_s = softmax(t / temperature), softmax(s / temperature)
    kl = np.sum(p_t * (np.log(p_t) - np.log(p_s))) / len(s)
    ce = -np.mean(np.log(softmax(s)[np.arange(len(y)), y]))
    return alpha * temperature**2 * kl + (1 - alpha) * ce


@pytest.mark.parametrize(("temperature", "alpha"), [(4.0, 0.5), (1.0, 0.9), (2.5, 0.0),
                                                    (10.0, 1.0)])
def test_value_equals_the_numpy_formula(temperature: float, alpha: float) -> None:
    s, t, y = logits()
    loss = distillation_loss(Tensor(s), t, y, temperature, alpha)
    assert loss.shape == ()
    assert loss.item() == pytest.approx(numpy_reference(s, t, y, temperature, alpha), rel=1e-10)


def test_hand_values() -> None:
    s = np.array([[0.0, 0.0]])
    t = np.array([[np.log(3.0), 0.0]])  # teacher probabilities (3/4, 1/4) at T = 1
    # KL((3/4, 1/4) || (1/2, 1/2)) = 3/4 ln(3/2) + 1/4 ln(1/2)
    kl = 0.75 * np.log(1.5) + 0.25 * np.log(0.5)
    assert distillation_loss(Tensor(s), t, np.array([0]), 1.0, 1.0).item() == pytest.approx(kl)
    # alpha = 0: plain cross-entropy, -ln(1/2)
    assert distillation_loss(Tensor(s), t, np.array([1]), 1.0, 0.0).item() == pytest.approx(
        np.log(2.0))
    # the student equal to the teacher: no soft loss, at any temperature
    same = np.array([[1.0, -2.0, 0.5]])
    assert distillation_loss(Tensor(same), same, np.array([0]), 3.0, 1.0).item() == (
        pytest.approx(0.0, abs=1e-12))


def test_equals_pytorch_kl_div_batchmean() -> None:
    torch = torch_or_skip()
    F = torch.nn.functional
    s, t, y = logits(1, n=6, c=5)
    temperature, alpha = 3.0, 0.7
    ts = torch.tensor(s, requires_grad=True)
    expected = (alpha * temperature**2 * F.kl_div(
        F.log_softmax(ts / temperature, dim=1), F.softmax(torch.tensor(t) / temperature, dim=1),
        reduction="batchmean") + (1 - alpha) * F.cross_entropy(ts, torch.tensor(y)))
    expected.backward()
    student = Tensor(s, requires_grad=True)
    loss = distillation_loss(student, t, y, temperature, alpha)
    loss.backward()
    assert loss.item() == pytest.approx(expected.item(), rel=1e-10)
    assert_close(student.grad, ts.grad, rtol=1e-9, atol=1e-12)


def test_gradcheck_and_the_teacher_gets_no_gradient() -> None:
    s, t, y = logits(2)
    student = Tensor(s, requires_grad=True)
    teacher = Tensor(t, requires_grad=True)
    assert gradcheck(lambda st: distillation_loss(st, teacher, y, 2.0, 0.6), [student])
    distillation_loss(student, teacher, y, 2.0, 0.6).backward()
    assert teacher.grad is None  # a constant: the teacher is not trained


def test_float32_student() -> None:
    s, t, y = logits(3)
    loss = distillation_loss(Tensor(s.astype(np.float32)), t.astype(np.float32), y)
    assert loss.item() == pytest.approx(numpy_reference(s, t, y, 4.0, 0.5), rel=1e-5)
    assert_close(distillation_loss(Tensor(s), t, y, 4.0, 0.0),
                 cross_entropy(Tensor(s), y), rtol=1e-12)


def test_errors() -> None:
    s, t, y = logits()
    with pytest.raises(ShapeError, match=r"distillation_loss: student logits \(5, 4\) and "
                                          r"teacher logits \(5, 3\)"):
        distillation_loss(Tensor(s), t[:, :3], y)
    with pytest.raises(ShapeError, match=r"targets of shape \(4,\) do not match 5 samples"):
        distillation_loss(Tensor(s), t, y[:4])
    for bad in (0.0, -1.0):
        with pytest.raises(ValueError, match="temperature must be > 0"):
            distillation_loss(Tensor(s), t, y, temperature=bad)
    for bad in (-0.1, 1.1):
        with pytest.raises(ValueError, match=r"alpha must be in \[0, 1\]"):
            distillation_loss(Tensor(s), t, y, alpha=bad)
    with pytest.raises(TypeError, match="student_logits must be a Tensor"):
        distillation_loss(s, t, y)


def test_distill_trains_the_student_towards_the_teacher() -> None:
    rng = np.random.default_rng(0)
    x = rng.standard_normal((200, 6)).astype(np.float32)
    y = (x[:, 0] + x[:, 1] > 0).astype(np.int64)
    manual_seed(0)
    teacher = Sequential(Linear(6, 16), ReLU(), Linear(16, 2))
    teacher[2].weight.data[...] = 0.0
    teacher[2].bias.data[...] = 0.0
    teacher[0].weight.data[...] = 0.0
    teacher[0].bias.data[...] = 0.0
    teacher[0].weight.data[0, :2] = 3.0  # unit 0 = relu(3 (x0 + x1))
    teacher[0].weight.data[1, :2] = -3.0  # unit 1 = relu(-3 (x0 + x1))
    teacher[2].weight.data[1, 0] = teacher[2].weight.data[0, 1] = 1.0
    assert accuracy(teacher, x, y) == 1.0
    manual_seed(1)
    student = Sequential(Linear(6, 8), ReLU(), Linear(8, 2))

    def margin(model: Sequential) -> np.ndarray:  # softmax sees only logit differences
        out = logits_of(model, x)
        return out[:, 1] - out[:, 0]

    gap_before = np.abs(margin(student) - margin(teacher)).mean()
    losses = distill(student, teacher, x, y, epochs=30, lr=1e-2, batch_size=32,
                     temperature=2.0, alpha=0.9)
    assert losses[-1] < 0.5 * losses[0]
    assert np.abs(margin(student) - margin(teacher)).mean() < 0.5 * gap_before
    assert accuracy(student, x, y) > 0.95
