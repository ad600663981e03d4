"""im2col and col2im: convolution as one matrix product.

A convolution computes, at every output position, the dot product of the
weights with one window of the input. `im2col` copies every window into a
column of one matrix; then a single BLAS matrix product does all the dot
products at once, at the machine's full speed:

    cols (C*KH*KW, N*OH*OW),  weight (O, C*KH*KW)  ->  weight @ cols (O, N*OH*OW)

The windows come from `np.lib.stride_tricks.sliding_window_view`: a view,
built in O(1) by repeating strides, never a Python loop over pixels. The
copy into `cols` costs C*KH*KW*N*OH*OW elements of memory (KH*KW times the
input), the price of using one big GEMM.

Layout. The padded input is kept channels first, as (C, A, H, W, B) with
A*B = N: either A = N, B = 1 ("CNHW", batch before the image) or A = 1,
B = N ("CHWN", batch innermost). Either way `cols`' rows are ordered
(C, KH, KW) like a weight row and its columns (A, OH, OW, B), so the product
is (O, A, OH, OW, B) and one code path serves both. Why two: kernel cell
(i, j) of one channel reads the rows xp[c, :, y + i, j:j + OW, :] (stride 1).
In CNHW those are runs of OW numbers; in CHWN each row is ONE contiguous run
of OW*N numbers (640 for LeNet's second layer on a batch of 64), and NumPy
pays a loop step per run: with OW = 10 the copies in im2col (2x) and the
adds in col2im (3-4x) were slower in CNHW, though they move the same bytes.
But CHWN costs two transposes that move the batch innermost (input in,
output out), and NumPy transposes those at 1-3 ns per number, while CNHW's
swap of N and C keeps whole images contiguous. Measured on the benchmark
shapes, CHWN wins only for narrow outputs: `batch_last` picks it when
OW < `NARROW` (LeNet's second layer: 2.0x faster; CIFAR's 32- and 16-wide
layers: 1.2-2x slower in CHWN).

`col2im`, the adjoint, adds the blocks back into the input gradient with one
strided slice per kernel cell: a loop over KH*KW offsets on contiguous runs
(long ones in CHWN), not over pixels. The big matrices come from `workspace.scratch`,
reused between calls (fresh ones cost a page fault per 4 kB page).
"""

from __future__ import annotations

import numpy as np

from .geometry import Window
from .workspace import scratch

NARROW = 16  # output widths below this use the batch-last layout (measured)


def batch_last(win: Window) -> bool:
    """Whether to keep the batch innermost (CHWN) for this window: narrow outputs only."""
    return win.out[1] < NARROW


def pad_image(x: np.ndarray, win: Window) -> np.ndarray:
    """(N, C, H, W) -> zero-padded (C, A, H + top + bottom, W + left + right, B), one copy.

    (A, B) is (N, 1) or, when `batch_last(win)`, (1, N).
    """
    ### BEGIN SOLUTION
    n, c, h, w = x.shape
    a, b = (1, n) if batch_last(win) else (n, 1)
    top, bottom, left, right = win.padding
    xp = scratch((c, a, h + top + bottom, w + left + right, b), x.dtype)
    if top or bottom or left or right:
        xp[:, :, :top] = 0
        xp[:, :, h + top:] = 0
        xp[:, :, top:h + top, :left] = 0
        xp[:, :, top:h + top, w + left:] = 0
    xp[:, :, top:h + top, left:w + left] = x.reshape(a, b, c, h, w).transpose(2, 0, 3, 4, 1)
    return xp
    ### END SOLUTION


def im2col(xp: np.ndarray, win: Window) -> np.ndarray:
    """Padded (C, A, Hp, Wp, B) -> cols (C*KH*KW, A*OH*OW*B): every window as a column."""
    ### BEGIN SOLUTION
    c, a, _, _, b = xp.shape
    (kh, kw), (sh, sw), (dh, dw), (oh, ow) = win.kernel, win.stride, win.dilation, win.out
    span = (dh * (kh - 1) + 1, dw * (kw - 1) + 1)
    windows = np.lib.stride_tricks.sliding_window_view(xp, span, axis=(2, 3))
    windows = windows[:, :, ::sh, ::sw, :, ::dh, ::dw][:, :, :oh, :ow]  # (C, A, OH, OW, B, KH, KW)
    # one copy, into rows (C, KH, KW) and columns (A, OH, OW, B)
    cols = scratch((c * kh * kw, a * oh * ow * b), xp.dtype)
    np.copyto(cols.reshape(c, kh, kw, a, oh, ow, b), windows.transpose(0, 5, 6, 1, 2, 3, 4))
    return cols
    ### END SOLUTION


def col2im(dcols: np.ndarray, shape: tuple[int, ...], win: Window) -> np.ndarray:
    """The adjoint of im2col: (C*KH*KW, A*OH*OW*B) -> (C, A, Hp, Wp, B), overlaps summed.

    Each input cell receives the sum of the gradients of every window that
    read it. Kernel cell (i, j) read the strided grid `win.slices(i, j)`,
    one position per output, so adding its (C, A, OH, OW, B) block there is a
    plain strided `+=` with no collisions; KH*KW of them cover everything.
    (np.add.at would handle the collisions for us, but is 2-4 times slower.)
    """
    ### BEGIN SOLUTION
    c, a, _, _, b = shape
    kh, kw = win.kernel
    oh, ow = win.out
    blocks = dcols.reshape(c, kh, kw, a, oh, ow, b)
    dxp = scratch(tuple(shape), dcols.dtype)
    dxp.fill(0)
    for i in range(kh):
        for j in range(kw):
            rows, cols = win.slices(i, j)
            dxp[:, :, rows, cols] += blocks[:, i, j]  # (C, A, OH, OW, B)
    return dxp
    ### END SOLUTION
