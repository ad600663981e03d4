"""The matmul ladder: every rung computes `a @ b`, with the same checks and errors."""

from __future__ import annotations

import numpy as np
import pytest
from tinytorch.kernels import (
    MATMUL_LADDER,
    matmul_blas,
    matmul_blocked,
    matmul_flops,
    matmul_naive,
    matmul_rows,
)
from tinytorch.tensor import DTypeError, ShapeError
from tt_testing import assert_close

RUNGS = {"naive": matmul_naive, "blocked": matmul_blocked, "rows": matmul_rows,
         "blas": matmul_blas}
SHAPES = [(1, 1, 1), (2, 3, 4), (7, 5, 3), (33, 17, 40), (64, 64, 64)]


def test_ladder_lists_the_rungs_in_order() -> None:
    assert [name for name, _ in MATMUL_LADDER] == ["naive", "blocked", "rows", "blas"]
    assert [fn for _, fn in MATMUL_LADDER] == list(RUNGS.values())


@pytest.mark.parametrize("rung", RUNGS)
def test_hand_values(rung: str) -> None:
    a = np.array([[1.0, 2.0], [3.0, 4.0]])
    b = np.array([[5.0, 6.0], [7.0, 8.0]])
    out = RUNGS[rung](a, b)
    assert out.shape == (2, 2) and out.dtype == np.float64
    assert out.tolist() == [[19.0, 22.0], [43.0, 50.0]]


@pytest.mark.parametrize("shape", SHAPES, ids=lambda s: "x".join(map(str, s)))
@pytest.mark.parametrize("rung", RUNGS)
def test_equals_numpy_in_float64(rung: str, shape: tuple[int, int, int]) -> None:
    m, k, n = shape
    rng = np.random.default_rng(m * 100 + k)
    a, b = rng.standard_normal((m, k)), rng.standard_normal((k, n))
    expected = np.einsum("ik,kj->ij", a, b)  # the definition, not the code under test
    assert_close(RUNGS[rung](a, b), expected, rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize("rung", RUNGS)
def test_float32_stays_float32(rung: str) -> None:
    rng = np.random.default_rng(1)
    a = rng.standard_normal((9, 12)).astype(np.float32)
    b = rng.standard_normal((12, 5)).astype(np.float32)
    out = RUNGS[rung](a, b)
    assert out.dtype == np.float32
    assert_close(out, a.astype(np.float64) @ b.astype(np.float64), rtol=1e-5, atol=1e-5)


@pytest.mark.parametrize("rung", RUNGS)
def test_mixed_dtypes_follow_numpy(rung: str) -> None:
    a = np.ones((2, 3), dtype=np.float32)
    b = np.full((3, 2), 0.5)
    out = RUNGS[rung](a, b)
    assert out.dtype == np.float64 and np.all(out == 1.5)


@pytest.mark.parametrize("tile", [1, 3, 8, 32, 100])
def test_blocked_any_tile_and_ragged_edges(tile: int) -> None:
    rng = np.random.default_rng(tile)
    a, b = rng.standard_normal((19, 23)), rng.standard_normal((23, 11))
    assert_close(matmul_blocked(a, b, tile=tile), a @ b, rtol=1e-12, atol=1e-12)


def test_views_and_transposes_are_read_correctly() -> None:
    rng = np.random.default_rng(2)
    base = rng.standard_normal((8, 10))
    a, b = base[::2, 1:7], base.T[:6, ::3]  # strided views
    for _, fn in MATMUL_LADDER:
        assert_close(fn(a, b), a @ b, rtol=1e-12, atol=1e-12)


def test_inputs_are_not_modified() -> None:
    a, b = np.arange(6.0).reshape(2, 3), np.arange(12.0).reshape(3, 4)
    a0, b0 = a.copy(), b.copy()
    for _, fn in MATMUL_LADDER:
        fn(a, b)
    assert np.array_equal(a, a0) and np.array_equal(b, b0)


def test_flops() -> None:
    assert matmul_flops(2, 3, 4) == 48
    assert matmul_flops(128, 128, 128) == 2 * 128 ** 3


@pytest.mark.parametrize("rung", RUNGS)
def test_errors_name_the_rung_and_the_problem(rung: str) -> None:
    fn = RUNGS[rung]
    with pytest.raises(ShapeError, match=rf"{fn.__name__}: \(2, 3\) @ \(4, 5\): inner "
                                         "dimensions 3 and 4 differ"):
        fn(np.zeros((2, 3)), np.zeros((4, 5)))
    with pytest.raises(ShapeError, match="must be 2-D"):
        fn(np.zeros(3), np.zeros((3, 2)))
    with pytest.raises(DTypeError, match="floating point"):
        fn(np.zeros((2, 2), dtype=np.int64), np.zeros((2, 2)))
    with pytest.raises(TypeError, match="NumPy array"):
        fn([[1.0]], np.zeros((1, 1)))


@pytest.mark.parametrize("tile", [0, -1, 2.5, True])
def test_blocked_rejects_a_bad_tile(tile) -> None:
    with pytest.raises(ValueError, match="tile must be a positive int"):
        matmul_blocked(np.zeros((2, 2)), np.zeros((2, 2)), tile=tile)
