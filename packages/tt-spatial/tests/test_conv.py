"""conv2d: hand values, the loop twin, gradients (finite differences), PyTorch, errors."""

from __future__ import annotations

import numpy as np
import pytest
from tinytorch.autograd import gradcheck
from tinytorch.spatial import conv2d, conv2d_loops
from tinytorch.tensor import DTypeError, ShapeError, Tensor
from tt_testing import assert_close, numerical_grad, torch_or_skip

# (N, C, H, W, O, kernel, stride, padding, dilation, groups)
CASES = [
    pytest.param((2, 3, 7, 6, 4, 3, 1, 0, 1, 1), id="plain"),
    pytest.param((2, 2, 8, 9, 5, 3, 2, 1, 1, 1), id="stride2-pad1"),
    pytest.param((1, 4, 9, 8, 6, (3, 2), (2, 1), (1, 2), (2, 1), 2), id="pairs-dilation-groups2"),
    pytest.param((2, 3, 6, 7, 3, 3, 1, 2, 1, 3), id="depthwise-pad2"),
    pytest.param((1, 2, 7, 7, 8, 3, 1, 1, 1, 1), id="wide-out-pad1"),
    pytest.param((2, 2, 6, 5, 4, (2, 3), 1, "same", (2, 1), 2), id="same-even-kernel"),
    pytest.param((1, 3, 5, 6, 2, 2, 1, "valid", 1, 1), id="valid"),
    pytest.param((2, 1, 5, 5, 2, 5, 1, 0, 1, 1), id="kernel-equals-input"),
    # outputs 16 or more wide keep the batch outside the image (the other layout)
    pytest.param((2, 2, 5, 18, 3, 3, 1, 1, 1, 1), id="wide-rows-batch-first"),
    pytest.param((2, 3, 4, 36, 2, 3, (1, 2), 1, 1, 1), id="wide-rows-strided-col2im"),
    # a narrow output (batch last) whose input gradient is a wide one (batch first)
    pytest.param((2, 3, 5, 17, 2, 3, 1, 0, 1, 1), id="narrow-out-wide-input-grad"),
]


def make(case, dtype=np.float64, seed=0):
    n, c, h, w, o, k, stride, padding, dilation, groups = case
    kh, kw = k if isinstance(k, tuple) else (k, k)
    rng = np.random.default_rng(seed)
    x = rng.standard_normal((n, c, h, w)).astype(dtype)
    weight = rng.standard_normal((o, c // groups, kh, kw)).astype(dtype)
    bias = rng.standard_normal(o).astype(dtype)
    return x, weight, bias, dict(stride=stride, padding=padding, dilation=dilation, groups=groups)


def reference(x, weight, bias, stride, padding, dilation, groups):
    """Direct sum over the kernel in float64, with NumPy only (int or pair arguments)."""
    sh, sw = (stride, stride) if isinstance(stride, int) else stride
    dh, dw = (dilation, dilation) if isinstance(dilation, int) else dilation
    o, cg, kh, kw = weight.shape
    if padding == "same":
        th, tw = dh * (kh - 1), dw * (kw - 1)
        pads = (th // 2, th - th // 2, tw // 2, tw - tw // 2)
    elif padding == "valid":
        pads = (0, 0, 0, 0)
    else:
        ph, pw = (padding, padding) if isinstance(padding, int) else padding
        pads = (ph, ph, pw, pw)
    xp = np.pad(x, ((0, 0), (0, 0), pads[:2], pads[2:]))
    oh = (xp.shape[2] - dh * (kh - 1) - 1) // sh + 1
    ow = (xp.shape[3] - dw * (kw - 1) - 1) // sw + 1
    out = np.zeros((x.shape[0], o, oh, ow))
    og = o // groups
    for oc in range(o):
        g0 = (oc // og) * cg
        for i in range(kh):
            for j in range(kw):
                patch = xp[:, g0:g0 + cg, i * dh:i * dh + sh * (oh - 1) + 1:sh,
                           j * dw:j * dw + sw * (ow - 1) + 1:sw]
                out[:, oc] += np.einsum("nchw,c->nhw", patch, weight[oc, :, i, j])
        out[:, oc] += bias[oc]
    return out


def test_hand_computed_values() -> None:
    x = Tensor(np.arange(9.0).reshape(1, 1, 3, 3))
    w = Tensor(np.array([[[[1.0, 0.0], [0.0, -1.0]]]]))
    out = conv2d(x, w, Tensor(np.array([10.0])))
    # x[i, j] - x[i + 1, j + 1] = -4 everywhere, plus the bias
    assert_close(out, np.full((1, 1, 2, 2), 6.0))
    padded = conv2d(x, Tensor(np.ones((1, 1, 3, 3))), padding=1, stride=2)
    assert_close(padded, np.array([[[[8.0, 12.0], [20.0, 24.0]]]]))  # corner 2x2 sums


@pytest.mark.parametrize("case", CASES)
def test_forward_matches_the_direct_sum_and_the_loops(case) -> None:
    x, weight, bias, kw = make(case)
    out = conv2d(Tensor(x), Tensor(weight), Tensor(bias), **kw)
    expected = reference(x, weight, bias, **kw)
    assert_close(out, expected, rtol=1e-10, atol=1e-10)
    loops = conv2d_loops(Tensor(x), Tensor(weight), Tensor(bias), **kw)
    assert_close(loops, out, rtol=1e-10, atol=1e-10)


@pytest.mark.parametrize("case", CASES)
def test_gradcheck_input_weight_bias(case) -> None:
    x, weight, bias, kw = make(case, seed=1)
    args = (Tensor(x, requires_grad=True), Tensor(weight, requires_grad=True),
            Tensor(bias, requires_grad=True))
    assert gradcheck(lambda a, b, c: conv2d(a, b, c, **kw), args)


def test_gradients_against_finite_differences_of_the_numpy_reference() -> None:
    # independent of tinytorch.autograd's gradcheck: the reference's own numbers
    x, weight, bias, kw = make((1, 2, 5, 4, 3, 3, 2, 1, 1, 1), seed=2)
    r = np.random.default_rng(3).standard_normal(reference(x, weight, bias, **kw).shape)
    xt, wt, bt = (Tensor(a.copy(), requires_grad=True) for a in (x, weight, bias))
    (conv2d(xt, wt, bt, **kw) * Tensor(r)).sum().backward()
    gx, gw, gb = numerical_grad(lambda a, b, c: np.sum(reference(a, b, c, **kw) * r),
                                x, weight, bias)
    assert_close(xt.grad, gx, rtol=1e-6, atol=1e-8)
    assert_close(wt.grad, gw, rtol=1e-6, atol=1e-8)
    assert_close(bt.grad, gb, rtol=1e-6, atol=1e-8)


def test_only_the_inputs_that_need_it_get_a_gradient() -> None:
    x, weight, _, _ = make((2, 3, 6, 6, 4, 3, 1, 1, 1, 1))
    xt, wt = Tensor(x), Tensor(weight, requires_grad=True)
    conv2d(xt, wt).sum().backward()
    assert xt.grad is None and wt.grad is not None and wt.grad.shape == weight.shape


@pytest.mark.parametrize("case", CASES)
def test_against_pytorch(case) -> None:
    torch = torch_or_skip()
    x, weight, bias, kw = make(case, dtype=np.float32, seed=4)
    xt, wt, bt = (Tensor(a.copy(), requires_grad=True) for a in (x, weight, bias))
    out = conv2d(xt, wt, bt, **kw)
    r = np.random.default_rng(5).standard_normal(out.shape).astype(np.float32)
    (out * Tensor(r)).sum().backward()
    tx, tw, tb = (torch.tensor(a, requires_grad=True) for a in (x, weight, bias))
    tout = torch.nn.functional.conv2d(tx, tw, tb, **kw)
    (tout * torch.from_numpy(r)).sum().backward()
    assert out.dtype == np.float32
    assert_close(out, tout, rtol=1e-4, atol=1e-4)
    assert_close(xt.grad, tx.grad, rtol=1e-4, atol=1e-4)
    assert_close(wt.grad, tw.grad, rtol=1e-4, atol=1e-4)
    assert_close(bt.grad, tb.grad, rtol=1e-4, atol=1e-4)


def test_unbatched_input_and_no_bias() -> None:
    x, weight, _, _ = make((1, 3, 6, 5, 2, 3, 1, 1, 1, 1))
    batched = conv2d(Tensor(x), Tensor(weight), padding=1)
    xt = Tensor(x[0], requires_grad=True)
    single = conv2d(xt, Tensor(weight), padding=1)
    assert single.shape == (2, 6, 5)
    assert_close(single, batched.data[0])
    single.sum().backward()
    assert xt.grad.shape == (3, 6, 5)
    assert_close(conv2d_loops(Tensor(x[0]), Tensor(weight), padding=1), single)


def test_wrong_channel_count_names_both() -> None:
    x = Tensor(np.zeros((2, 5, 8, 8), dtype=np.float32))
    w = Tensor(np.zeros((4, 3, 3, 3), dtype=np.float32))
    for fn in (conv2d, conv2d_loops):
        with pytest.raises(ShapeError, match=r"has 5 channels.*expects 3 channels"):
            fn(x, w)


def test_kernel_larger_than_padded_input() -> None:
    x = Tensor(np.zeros((1, 1, 4, 4)))
    with pytest.raises(ShapeError, match=r"kernel size 5x5 is larger than the padded input 4x4"):
        conv2d(x, Tensor(np.zeros((1, 1, 5, 5))))
    with pytest.raises(ShapeError, match=r"dilated to 5x5.*padded input 4x4"):
        conv2d(x, Tensor(np.zeros((1, 1, 3, 3))), dilation=2)
    assert conv2d(x, Tensor(np.zeros((1, 1, 5, 5))), padding=1).shape == (1, 1, 2, 2)


def test_groups_must_divide_the_channels() -> None:
    x = Tensor(np.zeros((1, 4, 5, 5)))
    with pytest.raises(ValueError, match=r"groups=3 does not divide the 4 output channels"):
        conv2d(x, Tensor(np.zeros((4, 1, 3, 3))), groups=3)
    with pytest.raises(ShapeError, match=r"has 4 channels.*groups=3 expects 3"):
        conv2d(x, Tensor(np.zeros((3, 1, 3, 3))), groups=3)
    with pytest.raises(ValueError, match="groups must be a positive int"):
        conv2d(x, Tensor(np.zeros((4, 4, 3, 3))), groups=0)


def test_input_must_be_a_3d_or_4d_float_tensor() -> None:
    w = Tensor(np.zeros((1, 1, 1, 1)))
    for shape in [(5,), (4, 4), (1, 1, 1, 4, 4)]:
        with pytest.raises(ShapeError, match=r"expected a 4-D input \(N, C, H, W\)"):
            conv2d(Tensor(np.zeros(shape)), w)
    with pytest.raises(DTypeError, match="floating point"):
        conv2d(Tensor(np.zeros((1, 1, 2, 2), dtype=np.int64)), w)
    with pytest.raises(DTypeError, match="float32 but weight is float64"):
        conv2d(Tensor(np.zeros((1, 1, 2, 2), dtype=np.float32)), w)
    with pytest.raises(TypeError, match="expected a Tensor"):
        conv2d(np.zeros((1, 1, 2, 2)), w)


def test_bad_arguments_are_named() -> None:
    x, w = Tensor(np.zeros((1, 2, 6, 6))), Tensor(np.zeros((3, 2, 3, 3)))
    with pytest.raises(ShapeError, match=r"bias must be a Tensor of shape \(3,\)"):
        conv2d(x, w, Tensor(np.zeros(2)))
    with pytest.raises(ShapeError, match="weight must be a 4-D Tensor"):
        conv2d(x, Tensor(np.zeros((3, 2, 3))))
    with pytest.raises(ValueError, match="stride must be >= 1"):
        conv2d(x, w, stride=0)
    with pytest.raises(ValueError, match="padding must be >= 0"):
        conv2d(x, w, padding=-1)
    with pytest.raises(ValueError, match="'same' is not supported for strided"):
        conv2d(x, w, stride=2, padding="same")
    with pytest.raises(ValueError, match="padding must be 'same', 'valid'"):
        conv2d(x, w, padding="full")
    with pytest.raises(TypeError, match="stride must be an int or a pair"):
        conv2d(x, w, stride=(1, 2, 3))


def test_live_graphs_keep_their_own_saved_windows() -> None:
    # scratch matrices are reused between calls: never while a graph still needs one
    x1, weight, _, _ = make((2, 3, 6, 6, 4, 3, 1, 1, 1, 1), seed=6)
    x2 = np.random.default_rng(7).standard_normal(x1.shape)
    expected = []
    for x in (x1, x2):
        w = Tensor(weight.copy(), requires_grad=True)
        conv2d(Tensor(x), w, padding=1).sum().backward()
        expected.append(w.grad.data.copy())
    w = Tensor(weight.copy(), requires_grad=True)
    y1 = conv2d(Tensor(x1), w, padding=1)
    y2 = conv2d(Tensor(x2), w, padding=1)  # same shapes, while y1's graph is alive
    y1.sum().backward(retain_graph=True)
    assert_close(w.grad, expected[0], rtol=1e-10, atol=1e-12)
    conv2d(Tensor(x2), w, padding=1)  # another forward between two backward passes
    y1.sum().backward()
    y2.sum().backward()
    assert_close(w.grad, 2 * expected[0] + expected[1], rtol=1e-10, atol=1e-12)
    assert_close(y1, reference(x1, weight, np.zeros(4), 1, 1, 1, 1), rtol=1e-10, atol=1e-10)
