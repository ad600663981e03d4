"""storage_format: names, aliases, the named error; cast: values, gradients, dtypes."""

from __future__ import annotations

import numpy as np
import pytest
from tinytorch.autograd import gradcheck
from tinytorch.precision import UnsupportedDTypeError, cast, storage_format
from tinytorch.tensor import DTypeError, Tensor


@pytest.mark.parametrize(("given", "name", "flow", "itemsize"), [
    ("float16", "float16", np.float16, 2), (np.float16, "float16", np.float16, 2),
    ("half", "float16", np.float16, 2), ("bfloat16", "bfloat16", np.float32, 2),
    ("BF16", "bfloat16", np.float32, 2), (np.float32, "float32", np.float32, 4),
    ("float64", "float64", np.float64, 8),
])
def test_formats(given, name, flow, itemsize) -> None:
    fmt = storage_format(given)
    assert fmt.name == name and fmt.flow == np.dtype(flow) and fmt.itemsize == itemsize
    assert fmt.is_half == (itemsize == 2)
    x = np.array([1.0, 1.0 + 2.0**-9, 70000.0], dtype=np.float32)
    stored = fmt.store(x)
    assert stored.itemsize == itemsize
    assert fmt.load(stored).dtype == fmt.compute


def test_float16_overflows_and_bfloat16_does_not() -> None:
    x = np.array([70000.0, 1e-8], dtype=np.float32)
    f16 = storage_format("float16").round(x)
    assert np.isposinf(f16[0]) and f16[1] == 0  # out of float16's range both ways
    bf = storage_format("bfloat16").round(x)
    assert bf[0] == 70144.0 and bf[1] > 0  # bf16 has float32's range


@pytest.mark.parametrize("bad", ["float8_e4m3", "tf32", np.int8, np.complex64, "int16", None,
                                 "bfloat8"])
def test_dtypes_that_cannot_be_emulated(bad) -> None:
    with pytest.raises(UnsupportedDTypeError, match=r"cannot emulate|expected a dtype"):
        storage_format(bad)
    assert issubclass(UnsupportedDTypeError, DTypeError)


def test_cast_values_and_gradient_dtypes() -> None:
    x = Tensor(np.array([[1.0, 1.0 + 2.0**-12, 0.5]], np.float32), requires_grad=True)
    h = cast(x, "float16")
    assert h.dtype == np.float16 and h.data[0, 1] == 1.0  # rounded
    (h.to(np.float16) * Tensor(np.array([[1.0, 2.0, 60000.0]], np.float16))).sum().backward()
    assert x.grad.dtype == np.float32
    np.testing.assert_array_equal(x.grad.data, [[1.0, 2.0, 60000.0]])
    b = cast(Tensor(np.array([1.0 + 2.0**-9], np.float32)), "bfloat16")
    assert b.dtype == np.float32 and b.data[0] == 1.0
    same = Tensor(np.ones(2, np.float16))
    assert cast(same, "float16") is same  # nothing to do


def test_cast_gradcheck_float64() -> None:
    x = Tensor(np.random.default_rng(0).standard_normal((3, 4)), requires_grad=True)
    assert gradcheck(lambda t: cast(t, "float64") * cast(t, np.float64), (x,))


def test_cast_errors() -> None:
    with pytest.raises(DTypeError, match="cast"):
        cast(Tensor(np.arange(3)), "float16")
    with pytest.raises(UnsupportedDTypeError, match="float8"):
        cast(Tensor(np.ones(3, np.float32)), "float8")
    with pytest.raises(TypeError, match="cast"):
        cast(np.ones(3), "float16")
