"""relu, sigmoid, tanh, gelu: values vs float64 NumPy formulas and PyTorch, extremes, errors."""

from __future__ import annotations

import math

import numpy as np
import pytest
from tinytorch.activations import GELU, ReLU, Sigmoid, Tanh, gelu, relu, sigmoid, tanh
from tinytorch.tensor import Tensor
from tt_testing import assert_close, torch_or_skip

# Ordinary values plus the places where naive formulas break in float32:
# exp overflows past 88.7, underflows past -103, 1e4 overflows any exp.
EXTREMES = np.array(
    [-1e4, -100.0, -88.0, -20.0, -3.0, -1.0, -1e-30, 0.0, 1e-30, 0.5, 1.0, 3.0, 20.0, 88.0,
     100.0, 1e4],
    dtype=np.float32,
)

_erf = np.vectorize(math.erf)


def ref_relu(x: np.ndarray) -> np.ndarray:
    return np.maximum(x, 0.0)


def ref_sigmoid(x: np.ndarray) -> np.ndarray:
    with np.errstate(over="ignore"):
        return 1.0 / (1.0 + np.exp(-x))


def ref_gelu(x: np.ndarray) -> np.ndarray:
    return 0.5 * x * (1.0 + _erf(x / math.sqrt(2.0)))


def ref_gelu_tanh(x: np.ndarray) -> np.ndarray:
    return 0.5 * x * (1.0 + np.tanh(math.sqrt(2.0 / math.pi) * (x + 0.044715 * x**3)))


CASES = [
    (relu, ref_relu),
    (sigmoid, ref_sigmoid),
    (tanh, np.tanh),
    (gelu, ref_gelu),
    (lambda t: gelu(t, approximate="tanh"), ref_gelu_tanh),
]
IDS = ["relu", "sigmoid", "tanh", "gelu", "gelu_tanh"]


@pytest.mark.parametrize(("fn", "ref"), CASES, ids=IDS)
def test_matches_float64_reference_at_extremes(fn, ref) -> None:
    out = fn(Tensor(EXTREMES))
    assert isinstance(out, Tensor)
    assert out.dtype == np.float32
    assert np.all(np.isfinite(out.data)), out.data
    expected = ref(EXTREMES.astype(np.float64)).astype(np.float32)
    assert_close(out, expected, rtol=2e-6, atol=1e-30)


@pytest.mark.parametrize(("fn", "ref"), CASES, ids=IDS)
def test_matches_reference_on_random_values(fn, ref) -> None:
    x = np.random.default_rng(0).normal(0.0, 3.0, size=(4, 5, 6))
    out = fn(Tensor(x.astype(np.float32)))
    assert out.shape == (4, 5, 6)
    assert_close(out, ref(x.astype(np.float32).astype(np.float64)), rtol=1e-5, atol=1e-7)


@pytest.mark.parametrize(("fn", "ref"), CASES, ids=IDS)
def test_float64_stays_float64_and_is_exact(fn, ref) -> None:
    x = np.random.default_rng(1).normal(0.0, 2.0, size=(7,))
    out = fn(Tensor(x))
    assert out.dtype == np.float64
    assert_close(out, ref(x), rtol=1e-12, atol=1e-300)


@pytest.mark.parametrize(("fn", "ref"), CASES, ids=IDS)
def test_input_is_not_modified(fn, ref) -> None:
    x = Tensor(EXTREMES.copy())
    fn(x)
    np.testing.assert_array_equal(x.data, EXTREMES)


def test_relu_values_and_zero() -> None:
    out = relu(Tensor(np.array([-2.0, -0.0, 0.0, 3.5], dtype=np.float32)))
    np.testing.assert_array_equal(out.data, [0.0, 0.0, 0.0, 3.5])


def test_relu_of_infinities() -> None:
    out = relu(Tensor(np.array([-np.inf, np.inf], dtype=np.float32)))
    np.testing.assert_array_equal(out.data, [0.0, np.inf])


def test_sigmoid_keeps_relative_precision_for_tiny_outputs() -> None:
    # 1 - sigmoid(20) cannot be told from 0 in float32, but sigmoid(-20) can.
    out = sigmoid(Tensor(np.array([-20.0, -80.0], dtype=np.float32)))
    expected = ref_sigmoid(np.array([-20.0, -80.0]))
    np.testing.assert_allclose(out.data, expected, rtol=1e-6)
    assert out.data[1] > 0


def test_sigmoid_symmetry_and_range() -> None:
    x = np.linspace(-30, 30, 61).astype(np.float32)
    s, s_neg = sigmoid(Tensor(x)).data, sigmoid(Tensor(-x)).data
    np.testing.assert_allclose(s + s_neg, 1.0, rtol=1e-6)
    assert np.all((s >= 0) & (s <= 1))
    assert s[30] == 0.5


def test_gelu_limits() -> None:
    out = gelu(Tensor(np.array([-1e4, 0.0, 1e4], dtype=np.float32))).data
    np.testing.assert_array_equal(out, [0.0, 0.0, 1e4])
    out = gelu(Tensor(np.array([-1e4, 0.0, 1e4], dtype=np.float32)), approximate="tanh").data
    np.testing.assert_array_equal(out, [0.0, 0.0, 1e4])


def test_gelu_bad_approximation() -> None:
    with pytest.raises(ValueError, match=r"approximate must be 'none' or 'tanh'.*'erf'"):
        gelu(Tensor(np.zeros(2, dtype=np.float32)), approximate="erf")
    with pytest.raises(ValueError, match=r"GELU: approximate.*'fast'"):
        GELU(approximate="fast")


def test_accepts_arrays() -> None:
    out = relu(np.array([-1.0, 2.0]))
    assert isinstance(out, Tensor)
    np.testing.assert_array_equal(out.data, [0.0, 2.0])


def test_rejects_non_numbers() -> None:
    with pytest.raises(TypeError, match="relu"):
        relu(np.array(["a", "b"]))


@pytest.mark.parametrize(
    ("obj", "fn", "text"),
    [
        (ReLU(), relu, "ReLU()"),
        (Sigmoid(), sigmoid, "Sigmoid()"),
        (Tanh(), tanh, "Tanh()"),
        (GELU(), gelu, "GELU()"),
        (GELU(approximate="tanh"), lambda t: gelu(t, approximate="tanh"),
         "GELU(approximate='tanh')"),
    ],
)
def test_layer_objects(obj, fn, text) -> None:
    x = Tensor(np.random.default_rng(2).normal(size=(3, 4)).astype(np.float32))
    np.testing.assert_array_equal(obj(x).data, fn(x).data)
    np.testing.assert_array_equal(obj.forward(x).data, fn(x).data)
    assert repr(obj) == text


@pytest.mark.parametrize("approximate", ["none", "tanh"])
def test_vs_torch(approximate: str) -> None:
    torch = torch_or_skip()
    F = torch.nn.functional
    x = np.concatenate([EXTREMES, np.random.default_rng(3).normal(0, 4, 50).astype(np.float32)])
    tx = torch.from_numpy(x)
    assert_close(relu(Tensor(x)), F.relu(tx), rtol=0, atol=0)
    assert_close(sigmoid(Tensor(x)), torch.sigmoid(tx), rtol=1e-6, atol=1e-37)
    assert_close(tanh(Tensor(x)), torch.tanh(tx), rtol=1e-6, atol=1e-7)
    assert_close(
        gelu(Tensor(x), approximate=approximate),
        F.gelu(tx, approximate=approximate),
        rtol=1e-5,
        atol=1e-6,
    )
