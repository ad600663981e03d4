"""bfloat16 emulation: hand values, rounding to nearest even, specials, PyTorch's conversion."""

from __future__ import annotations

import numpy as np
import pytest
from tinytorch.precision import (
    UnsupportedDTypeError,
    from_bfloat16,
    round_bfloat16,
    to_bfloat16,
)
from tinytorch.tensor import DTypeError, Tensor
from tt_testing import torch_or_skip

ONE = 0x3F800000  # the float32 bit pattern of 1.0


def _f32(bits: int) -> np.float32:
    return np.array([bits], dtype=np.uint32).view(np.float32)[0]


@pytest.mark.parametrize(
    ("bits", "code"),
    [
        (ONE, 0x3F80),  # exact
        (ONE + 0x8000, 0x3F80),  # exactly half way, kept bit even: down
        (ONE + 0x18000, 0x3F82),  # half way, kept bit odd: up to even
        (ONE + 0x8001, 0x3F81),  # just above half way: up
        (ONE + 0x7FFF, 0x3F80),  # just below half way: down
        (0xBF800000, 0xBF80),  # -1.0
        (0x80000000, 0x8000),  # -0.0 keeps its sign
        (0x00000001, 0x0000),  # the smallest float32 subnormal rounds to +0
        (0x7F7FFFFF, 0x7F80),  # float32's largest number rounds past bf16's: inf
        (0x7F800000, 0x7F80),  # +inf
        (0xFF800000, 0xFF80),  # -inf
        (0x7FFFFFFF, 0x7FC0),  # a NaN whose rounding would carry: the quiet NaN
        (0xFFC00001, 0x7FC0),  # a negative NaN: the quiet NaN too (PyTorch's choice)
    ],
)
def test_hand_values(bits: int, code: int) -> None:
    got = to_bfloat16(np.array([_f32(bits)]))
    assert got.dtype == np.uint16
    assert int(got[0]) == code, f"{bits:#010x} -> {int(got[0]):#06x}, expected {code:#06x}"


def test_decoding_and_rounding() -> None:
    codes = np.array([0x3F80, 0xC000, 0x7F80, 0x0001, 0x3F81], dtype=np.uint16)
    values = from_bfloat16(codes)
    assert values.dtype == np.float32
    assert values[0] == 1.0 and values[1] == -2.0 and np.isposinf(values[2])
    assert values[3] == _f32(0x00010000)  # a bf16 subnormal
    assert values[4] == 1.0 + 2.0**-7  # bf16's spacing above 1
    x = np.array([[1.0 + 2.0**-9, 3.14159265, -1e-3]], dtype=np.float32)
    r = round_bfloat16(x)
    assert r.shape == x.shape and r.dtype == np.float32
    assert np.all(r.view(np.uint32) & 0xFFFF == 0)  # low 16 bits zero
    np.testing.assert_array_equal(r[0, :1], [1.0])
    assert abs(r[0, 1] - 3.140625) == 0.0  # nearest bf16 to pi
    assert np.all(np.abs(r - x) <= np.abs(x) * 2.0**-8)  # within half a step


def test_round_trip_of_every_code_is_exact() -> None:
    codes = np.arange(2**16, dtype=np.uint16)
    values = from_bfloat16(codes)
    back = to_bfloat16(values)
    finite = ~np.isnan(values)
    np.testing.assert_array_equal(back[finite], codes[finite])
    assert np.all(back[~finite] == 0x7FC0)


def test_shapes_scalars_and_tensors() -> None:
    assert to_bfloat16(np.float32(1.5)).shape == ()
    assert int(to_bfloat16(np.float32(1.5))) == 0x3FC0
    assert to_bfloat16(Tensor(np.ones((2, 3), np.float32))).shape == (2, 3)
    x = np.arange(12, dtype=np.float32).reshape(3, 4)[:, ::2]  # non-contiguous
    np.testing.assert_array_equal(from_bfloat16(to_bfloat16(x)), x)


def test_bad_dtypes_are_named_errors() -> None:
    with pytest.raises(UnsupportedDTypeError, match="from_bfloat16"):
        from_bfloat16(np.zeros(3, np.int16))
    with pytest.raises(DTypeError, match="to_bfloat16"):
        to_bfloat16(np.zeros(3, np.complex64))


def _mixed_values(rng: np.random.Generator) -> np.ndarray:
    """Normal numbers of every size, random bit patterns (NaNs, subnormals) and specials."""
    return np.concatenate([
        rng.standard_normal(5000).astype(np.float32) * 10.0 ** rng.integers(-40, 38, 5000),
        rng.integers(0, 2**32, 5000, dtype=np.uint64).astype(np.uint32).view(np.float32),
        np.array([0.0, -0.0, np.inf, -np.inf, np.nan, 3.4e38, -3.4e38, 1e-45], np.float32),
    ]).astype(np.float32)


def test_against_torch_bfloat16() -> None:
    torch = torch_or_skip()
    rng = np.random.default_rng(0)
    with np.errstate(over="ignore", invalid="ignore"):
        x = _mixed_values(rng)
    expected = torch.from_numpy(x).to(torch.bfloat16).view(torch.int16).numpy().view(np.uint16)
    got = to_bfloat16(x)
    nan = np.isnan(x)
    np.testing.assert_array_equal(got[~nan], expected[~nan])
    assert np.all(np.isnan(from_bfloat16(got[nan])))
    back = torch.from_numpy(expected.view(np.int16)).view(torch.bfloat16).float().numpy()
    np.testing.assert_array_equal(from_bfloat16(expected)[~nan], back[~nan])
