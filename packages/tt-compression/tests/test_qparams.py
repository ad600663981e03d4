"""calibrate / quantize / dequantize: error bounds, ranges, the constant tensor, errors."""

from __future__ import annotations

import numpy as np
import pytest
from tinytorch.compression import (
    QuantizationError,
    QuantParams,
    calibrate,
    dequantize,
    fake_quantize,
    quantize,
)
from tinytorch.tensor import Tensor
from tt_testing import torch_or_skip

EPS32 = float(np.finfo(np.float32).eps)


def step(params: QuantParams, ndim: int) -> np.ndarray:
    """The scale broadcast over an ndim-D array."""
    return params.scale.reshape(params.broadcast_shape(ndim))


def assert_within_half_step(x: np.ndarray, params: QuantParams) -> None:
    """|x - deq(q(x))| <= scale / 2 for EVERY element (plus float32 rounding of x / scale)."""
    d = dequantize(quantize(x, params), params)
    assert d.dtype == np.float32 and d.shape == x.shape
    bound = step(params, x.ndim) / 2 + 4 * EPS32 * np.abs(x)
    assert np.all(np.abs(x - d) <= bound), float(np.max(np.abs(x - d) - bound))


@pytest.mark.parametrize("bits", [8, 4])
@pytest.mark.parametrize("symmetric", [True, False])
@pytest.mark.parametrize("axis", [None, 0, 1, -1])
def test_round_trip_error_is_at_most_half_a_step(bits, symmetric, axis) -> None:
    x = np.random.default_rng(0).normal(0.5, 2.0, size=(6, 9, 5)).astype(np.float32)
    p = calibrate(x, bits=bits, symmetric=symmetric, axis=axis)
    assert_within_half_step(x, p)
    q = quantize(x, p)
    assert q.dtype == np.int8
    assert q.min() >= p.qmin and q.max() <= p.qmax
    assert (p.qmin, p.qmax) == ((-128, 127) if bits == 8 else (-8, 7))
    assert p.scale.dtype == np.float32 and p.zero_point.dtype == np.int32
    assert p.scale.shape == (() if axis is None else (x.shape[axis],))
    assert np.all(p.scale > 0)
    if symmetric:
        assert np.all(p.zero_point == 0)


@pytest.mark.parametrize("symmetric", [True, False])
@pytest.mark.parametrize("axis", [None, 1])
def test_fake_quantize_is_the_round_trip(symmetric, axis) -> None:
    rng = np.random.default_rng(10)
    x = rng.normal(size=(4, 6, 3)).astype(np.float32)
    p = calibrate(x[:2], symmetric=symmetric, axis=axis)  # x[2:] goes beyond the range
    out = fake_quantize(x, p)
    assert out.dtype == np.float32
    assert np.array_equal(out, dequantize(quantize(x, p), p))
    assert np.array_equal(fake_quantize(Tensor(x), p), out)


def test_symmetric_codes_by_hand() -> None:
    x = np.array([-127.0, -2.5, 0.4, 3.5, 127.0], np.float32)
    p = calibrate(x)
    assert float(p.scale) == 1.0 and int(p.zero_point) == 0
    assert quantize(x, p).tolist() == [-127, -2, 0, 4, 127]  # ties to even
    assert dequantize(quantize(x, p), p).tolist() == [-127.0, -2.0, 0.0, 4.0, 127.0]


def test_asymmetric_codes_by_hand() -> None:
    x = np.array([0.0, 1.5, 100.0, 255.0], np.float32)
    p = calibrate(x, symmetric=False)
    assert float(p.scale) == 1.0 and int(p.zero_point) == -128
    assert quantize(x, p).tolist() == [-128, -126, -28, 127]
    assert dequantize(quantize(x, p), p).tolist() == [0.0, 2.0, 100.0, 255.0]


def test_asymmetric_range_keeps_zero_exact() -> None:
    x = np.array([[1.0, 3.0], [2.0, 5.0]], np.float32)  # all positive: the range is [0, 5]
    p = calibrate(x, symmetric=False)
    zero = np.zeros(3, np.float32)
    assert np.array_equal(dequantize(quantize(zero, p), p), zero)


def test_per_channel_beats_per_tensor_on_channels_of_different_ranges() -> None:
    rng = np.random.default_rng(1)
    ranges = np.array([1e-3, 1e-2, 1.0, 10.0], np.float32)[:, None]
    w = (rng.uniform(-1, 1, size=(4, 64)) * ranges).astype(np.float32)
    errors = {}
    for axis in (None, 0):
        p = calibrate(w, axis=axis)
        errors[axis] = np.abs(w - fake_quantize(w, p)).max(axis=1)  # (4,)
    assert np.all(errors[0][:2] < errors[None][:2] / 50)  # the small channels
    assert np.mean((errors[0] / ranges[:, 0]) ** 2) < np.mean((errors[None] / ranges[:, 0]) ** 2)


@pytest.mark.parametrize("bits", [8, 4])
def test_asymmetric_codes_use_the_full_range_for_one_sided_data(bits) -> None:
    x = np.random.default_rng(2).uniform(0, 5, size=4000).astype(np.float32)
    x[:2] = 0.0, 5.0  # a ReLU output: nothing below 0
    sym, asym = calibrate(x, bits=bits), calibrate(x, bits=bits, symmetric=False)
    levels = 2 ** bits
    assert len(np.unique(quantize(x, asym))) == levels  # every code used
    assert len(np.unique(quantize(x, sym))) <= levels // 2 + 1  # half of them wasted
    assert float(asym.scale) < float(sym.scale) * 0.6
    assert np.abs(x - fake_quantize(x, asym)).max() < np.abs(x - fake_quantize(x, sym)).max()


@pytest.mark.parametrize("symmetric", [True, False])
def test_percentile_clips_outliers_and_refines_the_bulk(symmetric) -> None:
    x = np.random.default_rng(3).normal(0, 1, size=20000).astype(np.float32)
    x[0] = 1000.0  # one outlier
    minmax = calibrate(x, symmetric=symmetric)
    pct = calibrate(x, symmetric=symmetric, method="percentile", percentile=99.9)
    assert float(pct.scale) < float(minmax.scale) / 50
    bulk = x[1:]
    err_minmax = np.abs(bulk - fake_quantize(bulk, minmax)).mean()
    err_pct = np.abs(bulk - fake_quantize(bulk, pct)).mean()
    assert err_pct < err_minmax / 20
    assert quantize(x, pct)[0] == pct.qmax  # the outlier is clipped to the top code
    s, zp = float(pct.scale), int(pct.zero_point)
    inside = (x >= (pct.qmin - zp) * s) & (x <= (pct.qmax - zp) * s)  # the clipping range
    assert inside.sum() >= 19900
    assert_within_half_step(x[inside], pct)


def test_percentile_100_is_minmax() -> None:
    x = np.random.default_rng(4).normal(size=(3, 50)).astype(np.float32)
    for sym in (True, False):
        a = calibrate(x, symmetric=sym, axis=0)
        b = calibrate(x, symmetric=sym, axis=0, method="percentile", percentile=100)
        assert np.array_equal(a.scale, b.scale) and np.array_equal(a.zero_point, b.zero_point)


@pytest.mark.parametrize("method", ["minmax", "percentile"])
def test_a_list_of_batches_is_calibrated_as_their_concatenation(method) -> None:
    rng = np.random.default_rng(5)
    batches = [rng.normal(size=(n, 3, 4)).astype(np.float32) for n in (5, 2, 7)]
    whole = np.concatenate(batches)
    for axis in (None, 1):
        a = calibrate(batches, axis=axis, symmetric=False, method=method)
        b = calibrate(whole, axis=axis, symmetric=False, method=method)
        assert np.array_equal(a.scale, b.scale) and np.array_equal(a.zero_point, b.zero_point)
    t = calibrate(Tensor(whole))  # a Tensor works too
    assert np.array_equal(t.scale, calibrate(whole).scale)


@pytest.mark.parametrize("bits", [8, 4])
@pytest.mark.parametrize("symmetric", [True, False])
@pytest.mark.parametrize("value", [0.0, 1.0, -3.7, 1e-3, 0.1, 12345.678])
@pytest.mark.parametrize("shape", [(1,), (4, 3)])
def test_a_constant_tensor_round_trips_exactly(bits, symmetric, value, shape) -> None:
    x = np.full(shape, value, np.float32)
    p = calibrate(x, bits=bits, symmetric=symmetric)
    assert float(p.scale) > 0  # never the scale = 0 that zeroes the tensor
    back = dequantize(quantize(x, p), p)
    assert np.array_equal(back, x)


def test_a_constant_channel_round_trips_exactly_beside_others() -> None:
    w = np.random.default_rng(6).normal(size=(3, 8)).astype(np.float32)
    w[1] = 0.25  # one constant channel
    w[2] = 0.0  # one dead channel
    p = calibrate(w, axis=0)
    back = fake_quantize(w, p)
    assert np.array_equal(back[1:], w[1:])
    assert_within_half_step(w, p)


@pytest.mark.filterwarnings("ignore:torch.quantize_per_tensor:UserWarning")
def test_torch_gives_the_same_codes() -> None:
    torch = torch_or_skip()
    x = np.random.default_rng(7).normal(0.3, 1.5, size=(5, 6, 3)).astype(np.float32)
    for symmetric in (True, False):
        p = calibrate(x, symmetric=symmetric)
        ref = torch.quantize_per_tensor(torch.from_numpy(x), float(p.scale), int(p.zero_point),
                                        torch.qint8)
        assert np.array_equal(ref.int_repr().numpy(), quantize(x, p))
        p = calibrate(x, symmetric=symmetric, axis=1)
        ref = torch.quantize_per_channel(
            torch.from_numpy(x), torch.from_numpy(p.scale.astype(np.float64)),
            torch.from_numpy(p.zero_point.astype(np.int64)), 1, torch.qint8)
        assert np.array_equal(ref.int_repr().numpy(), quantize(x, p))
        assert np.allclose(ref.dequantize().numpy(), dequantize(quantize(x, p), p), rtol=1e-6)


@pytest.mark.parametrize("bits", [3, 16, 0, True, "8"])
def test_bits_other_than_4_or_8_are_refused(bits) -> None:
    with pytest.raises(QuantizationError, match="bits"):
        calibrate(np.ones(3, np.float32), bits=bits)


@pytest.mark.parametrize("axis", [2, -3, 1.0])
def test_an_axis_out_of_range_is_refused(axis) -> None:
    with pytest.raises(QuantizationError, match="axis"):
        calibrate(np.ones((2, 3), np.float32), axis=axis)


@pytest.mark.parametrize("percentile", [0, -1, 100.5, 1000])
def test_a_percentile_outside_0_100_is_refused(percentile) -> None:
    with pytest.raises(QuantizationError, match="percentile"):
        calibrate(np.ones(3, np.float32), method="percentile", percentile=percentile)


@pytest.mark.parametrize("bad", [np.nan, np.inf, -np.inf])
def test_non_finite_input_is_refused(bad) -> None:
    x = np.ones(4, np.float32)
    x[2] = bad
    with pytest.raises(QuantizationError, match="NaN or inf"):
        calibrate(x)
    p = calibrate(np.ones(4, np.float32))
    with pytest.raises(QuantizationError, match="NaN or inf"):
        quantize(x, p)


def test_empty_input_is_refused() -> None:
    with pytest.raises(QuantizationError, match="empty"):
        calibrate(np.zeros((0, 3), np.float32))
    with pytest.raises(QuantizationError, match="no sample batches"):
        calibrate([])
    with pytest.raises(QuantizationError, match="method"):
        calibrate(np.ones(3), method="mse")


def test_mismatched_shapes_are_refused() -> None:
    p = calibrate(np.ones((2, 3), np.float32), axis=1)
    with pytest.raises(QuantizationError, match="3 channels"):
        quantize(np.ones((2, 4), np.float32), p)
    with pytest.raises(QuantizationError, match="channels"):
        calibrate([np.ones((2, 3)), np.ones((2, 4))], axis=1)
    with pytest.raises(QuantizationError, match="integers"):
        dequantize(np.ones(3, np.float32), calibrate(np.ones(3)))
