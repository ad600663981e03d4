"""pack_int4 / unpack_int4: two codes a byte, odd lengths, sign extension, errors."""

from __future__ import annotations

import numpy as np
import pytest
from tinytorch.compression import (
    QuantizationError,
    calibrate,
    dequantize,
    pack_int4,
    quantize,
    unpack_int4,
)


@pytest.mark.parametrize("n", [0, 1, 2, 3, 8, 1001])
def test_signed_round_trip_any_length(n) -> None:
    codes = np.random.default_rng(n).integers(-8, 8, size=n).astype(np.int8)
    packed = pack_int4(codes)
    assert packed.dtype == np.uint8 and packed.shape == ((n + 1) // 2,)
    back = unpack_int4(packed, n)
    assert back.dtype == np.int8 and np.array_equal(back, codes)


@pytest.mark.parametrize("n", [1, 5, 64])
def test_unsigned_round_trip(n) -> None:
    codes = np.random.default_rng(n).integers(0, 16, size=n)
    assert np.array_equal(unpack_int4(pack_int4(codes), n, signed=False), codes)


def test_nibble_layout_by_hand() -> None:
    assert pack_int4(np.array([1, -1])).tolist() == [0xF1]  # low nibble first
    assert pack_int4(np.array([7, -8, 3])).tolist() == [0x87, 0x03]  # odd: zero padding
    assert unpack_int4(np.array([0xF1, 0x03], np.uint8), 3).tolist() == [1, -1, 3]
    assert unpack_int4(np.array([0xF1], np.uint8), 2, signed=False).tolist() == [1, 15]


def test_multi_dimensional_codes_are_flattened_in_c_order() -> None:
    codes = np.arange(-6, 6).reshape(3, 4)
    assert np.array_equal(unpack_int4(pack_int4(codes), 12).reshape(3, 4), codes)


def test_int4_quantisation_through_packing_is_8x_smaller_and_bounded() -> None:
    w = np.random.default_rng(9).normal(size=(33, 17)).astype(np.float32)  # odd count
    p = calibrate(w, bits=4, axis=0)
    packed = pack_int4(quantize(w, p))
    assert packed.nbytes == (w.size + 1) // 2
    assert w.nbytes / packed.nbytes > 7.9
    back = dequantize(unpack_int4(packed, w.size).reshape(w.shape), p)
    assert np.all(np.abs(back - w) <= p.scale[:, None] / 2 * (1 + 1e-6))


def test_bad_input_is_refused() -> None:
    with pytest.raises(QuantizationError, match="lie in"):
        pack_int4(np.array([16]))
    with pytest.raises(QuantizationError, match="lie in"):
        pack_int4(np.array([-9]))
    with pytest.raises(QuantizationError, match="integers"):
        pack_int4(np.array([1.0]))
    with pytest.raises(QuantizationError, match="uint8"):
        unpack_int4(np.array([1], np.int8), 2)
    with pytest.raises(QuantizationError, match="n must be"):
        unpack_int4(np.array([1], np.uint8), 3)
