"""Differential cases of tt-spatial (module 09): convolution, pooling, Flatten, and gradients.

Each `case_*` gets its own `rng` (seeded by its name) and returns arrays; the
grader compares them with the reference package's. Cases import tinytorch
inside their body, so a package that does not import fails its cases only.
Forward values and the gradients of input, weight and bias, in float64 with
a tolerance of (1e-9, 1e-12) (sums in another order differ by about 1e-15).
Public API only: tinytorch.spatial and the earlier modules.
"""

import numpy as np
from _shared import backward

# (N, C, H, W, O, kernel, stride, padding, dilation, groups)
CONV_SETTINGS = {
    "plain": (2, 3, 7, 6, 4, 3, 1, 0, 1, 1),
    "stride2_pad1": (2, 2, 8, 9, 5, 3, 2, 1, 1, 1),
    "pairs_dilation_groups": (1, 4, 9, 8, 6, (3, 2), (2, 1), (1, 2), (2, 1), 2),
    "depthwise": (2, 3, 6, 7, 3, 3, 1, 2, 1, 3),
    "same_even_kernel": (2, 2, 6, 5, 4, (2, 3), 1, "same", (2, 1), 2),
    "valid": (1, 3, 5, 6, 2, 2, 1, "valid", 1, 1),
    "wide_rows": (2, 2, 5, 18, 3, 3, 1, 1, 1, 1),
}


def _conv_inputs(rng, setting, dtype=np.float64):
    from tinytorch.tensor import Tensor

    n, c, h, w, o, k, stride, padding, dilation, groups = setting
    kh, kw = k if isinstance(k, tuple) else (k, k)
    x = Tensor(rng.standard_normal((n, c, h, w)).astype(dtype), requires_grad=True)
    weight = Tensor(rng.standard_normal((o, c // groups, kh, kw)).astype(dtype),
                    requires_grad=True)
    bias = Tensor(rng.standard_normal(o).astype(dtype), requires_grad=True)
    return x, weight, bias, dict(stride=stride, padding=padding, dilation=dilation, groups=groups)


def case_conv2d_hand_values(rng):
    """conv2d of arange(9) by a 2x2 kernel of ones (and bias 1): known sums."""
    from tinytorch.spatial import conv2d
    from tinytorch.tensor import Tensor

    x = Tensor(np.arange(9.0).reshape(1, 1, 3, 3))
    w = Tensor(np.ones((1, 1, 2, 2)))
    return {"plain": conv2d(x, w), "bias": conv2d(x, w, Tensor(np.ones(1))),
            "padded": conv2d(x, w, padding=1), "strided": conv2d(x, w, stride=2, padding=1)}


def case_conv2d_forward_settings(rng):
    """conv2d with stride, padding (int, pair, 'same', 'valid'), dilation and groups: values."""
    from tinytorch.spatial import conv2d

    out = {}
    for name, setting in CONV_SETTINGS.items():
        x, weight, bias, kwargs = _conv_inputs(rng, setting)
        out[name] = conv2d(x, weight, bias, **kwargs).detach()
    return out


case_conv2d_forward_settings.tolerance = (1e-9, 1e-12)


def case_conv2d_gradients(rng):
    """Gradients of conv2d for its input, weight and bias in every setting."""
    from tinytorch.spatial import conv2d

    out = {}
    for name, setting in CONV_SETTINGS.items():
        x, weight, bias, kwargs = _conv_inputs(rng, setting)
        grads = backward(rng, conv2d(x, weight, bias, **kwargs), x, weight, bias)
        out.update({f"{name}_{k}": v for k, v in grads.items()})
    return out


case_conv2d_gradients.tolerance = (1e-9, 1e-12)


def case_conv2d_loops_twin(rng):
    """conv2d_loops (forward only) gives conv2d's values in every setting."""
    from tinytorch.spatial import conv2d_loops

    out = {}
    for name, setting in CONV_SETTINGS.items():
        x, weight, bias, kwargs = _conv_inputs(rng, setting)
        out[name] = conv2d_loops(x, weight, bias, **kwargs)
    return out


case_conv2d_loops_twin.tolerance = (1e-9, 1e-12)


def case_conv2d_unbatched_no_bias_float32(rng):
    """conv2d of a (C, H, W) image without bias, and in float32."""
    from tinytorch.spatial import conv2d
    from tinytorch.tensor import Tensor

    x = Tensor(rng.standard_normal((3, 6, 5)), requires_grad=True)
    w = Tensor(rng.standard_normal((2, 3, 3, 3)))
    out = backward(rng, conv2d(x, w, padding=1), x)
    x32 = Tensor(rng.standard_normal((2, 3, 6, 5)).astype(np.float32))
    w32 = Tensor(rng.standard_normal((4, 3, 3, 3)).astype(np.float32))
    out["f32"] = conv2d(x32, w32, stride=(2, 1))
    return out


case_conv2d_unbatched_no_bias_float32.tolerance = (1e-5, 1e-5)


def case_conv2d_wrong_channels(rng):
    """conv2d of a 5-channel input with a 3-channel weight raises ShapeError."""
    from tinytorch.spatial import conv2d
    from tinytorch.tensor import Tensor

    conv2d(Tensor(np.zeros((2, 5, 8, 8), np.float32)), Tensor(np.zeros((4, 3, 3, 3), np.float32)))


case_conv2d_wrong_channels.raises = "ShapeError"


def case_conv2d_mixed_dtypes(rng):
    """A float32 input with a float64 weight raises DTypeError."""
    from tinytorch.spatial import conv2d
    from tinytorch.tensor import Tensor

    conv2d(Tensor(np.zeros((1, 1, 2, 2), np.float32)), Tensor(np.zeros((1, 1, 1, 1))))


case_conv2d_mixed_dtypes.raises = "DTypeError"


def case_pool_hand_values(rng):
    """max_pool2d and avg_pool2d of arange(16): values; zero padding counts, -inf never wins."""
    from tinytorch.spatial import avg_pool2d, max_pool2d
    from tinytorch.tensor import Tensor

    x = Tensor(np.arange(16.0).reshape(1, 1, 4, 4))
    neg = Tensor(-np.ones((1, 1, 2, 2)))
    return {"max": max_pool2d(x, 2), "avg": avg_pool2d(x, 2),
            "avg_pad": avg_pool2d(x, 2, padding=1),
            "max_pad": max_pool2d(neg, 2, stride=1, padding=1)}


def case_pool_windows(rng):
    """max_pool2d, avg_pool2d and their loop twins for five windows (overlap, pad, pairs)."""
    from tinytorch.spatial import avg_pool2d, avg_pool2d_loops, max_pool2d, max_pool2d_loops
    from tinytorch.tensor import Tensor

    windows = [(2, None, 0), (3, 1, 1), (3, 2, 1), ((2, 3), (1, 2), (1, 0)), (3, None, 0)]
    x = Tensor(rng.standard_normal((2, 3, 7, 8)))
    out = {}
    for i, (k, s, p) in enumerate(windows):
        for name, fn in (("max", max_pool2d), ("avg", avg_pool2d), ("max_loops", max_pool2d_loops),
                         ("avg_loops", avg_pool2d_loops)):
            out[f"{name}{i}"] = fn(x, k, s, p)
    return out


case_pool_windows.tolerance = (1e-9, 1e-12)


def case_pool_gradients_with_ties(rng):
    """Pooling gradients on inputs full of ties: max goes to the first maximum, overlaps add."""
    from tinytorch.spatial import avg_pool2d, max_pool2d
    from tinytorch.tensor import Tensor

    out = {}
    for i, (k, s, p) in enumerate([(2, None, 0), (3, 1, 1), (3, 2, 1), ((2, 3), (1, 2), (1, 0))]):
        for name, fn in (("max", max_pool2d), ("avg", avg_pool2d)):
            x = Tensor(rng.integers(0, 3, (2, 3, 7, 8)).astype(np.float64), requires_grad=True)
            grads = backward(rng, fn(x, k, s, p), x)
            out[f"{name}{i}_out"], out[f"{name}{i}_grad"] = grads["out"], grads["grad0"]
    y = Tensor(np.array([[[[1.0, 2.0], [2.0, 0.0]]]]), requires_grad=True)
    max_pool2d(y, 2).sum().backward()
    out["scan_order"] = y.grad
    z = Tensor(np.ones((1, 1, 3, 3)), requires_grad=True)
    max_pool2d(z, 2, stride=1).sum().backward()
    out["overlap"] = z.grad
    return out


case_pool_gradients_with_ties.tolerance = (1e-9, 1e-12)


def case_adaptive_avg_pool(rng):
    """adaptive_avg_pool2d to (2, 2), 1, (None, 1) and (3, 4): values and gradients."""
    from tinytorch.spatial import adaptive_avg_pool2d
    from tinytorch.tensor import Tensor

    x = Tensor(np.arange(20.0).reshape(1, 1, 4, 5))
    out = {"pairs": adaptive_avg_pool2d(x, (2, 2)), "one": adaptive_avg_pool2d(x, 1),
           "none": adaptive_avg_pool2d(x, (None, 1))}
    t = Tensor(rng.standard_normal((2, 2, 5, 7)), requires_grad=True)
    grads = backward(rng, adaptive_avg_pool2d(t, (3, 4)), t)
    out.update({f"grad_{k}": v for k, v in grads.items()})
    return out


case_adaptive_avg_pool.tolerance = (1e-9, 1e-12)


def case_pool_unbatched(rng):
    """Pooling a (C, H, W) image gives (C, H', W')."""
    from tinytorch.spatial import adaptive_avg_pool2d, avg_pool2d, max_pool2d
    from tinytorch.tensor import Tensor

    x = Tensor(rng.integers(0, 3, (3, 6, 6)).astype(np.float64))
    return {"max": max_pool2d(x, 2), "avg": avg_pool2d(x, 2), "adaptive": adaptive_avg_pool2d(x, 1)}


def case_pool_output_too_small(rng):
    """max_pool2d with a 3x3 kernel on a 2x5 input raises ShapeError."""
    from tinytorch.spatial import max_pool2d
    from tinytorch.tensor import Tensor

    max_pool2d(Tensor(np.zeros((1, 1, 2, 5))), 3)


case_pool_output_too_small.raises = "ShapeError"


def case_pool_padding_over_half_kernel(rng):
    """max_pool2d with padding 2 for a 2x2 kernel raises ValueError."""
    from tinytorch.spatial import max_pool2d
    from tinytorch.tensor import Tensor

    max_pool2d(Tensor(np.zeros((1, 1, 6, 6))), 2, padding=2)


case_pool_padding_over_half_kernel.raises = "ValueError"


def case_conv2d_layer(rng):
    """Conv2d(4, 6, (3, 2), stride 2, padding 1, groups 2) with given weights: shapes, values."""
    from tinytorch.spatial import Conv2d
    from tinytorch.tensor import Tensor

    conv = Conv2d(4, 6, (3, 2), stride=2, padding=1, groups=2)
    conv.load_state_dict({"weight": rng.standard_normal((6, 2, 3, 2)),
                          "bias": rng.standard_normal(6)})
    x = Tensor(rng.standard_normal((2, 4, 7, 8)).astype(np.float32))
    return {"out": conv(x), "weight_shape": np.array(conv.weight.shape),
            "n_params": len(list(conv.parameters())),
            "no_bias": Conv2d(1, 1, 3, bias=False).bias is None}


case_conv2d_layer.tolerance = (1e-5, 1e-5)


def case_conv2d_layer_gradients_and_init(rng):
    """Conv2d gradients reach weight and bias; PyTorch's init bound 1/sqrt(fan_in); seeding."""
    import math

    from tinytorch.spatial import Conv2d
    from tinytorch.tensor import Tensor, manual_seed

    conv = Conv2d(2, 3, 3, padding="same", dtype=np.float64)
    conv.load_state_dict({"weight": rng.standard_normal((3, 2, 3, 3)),
                          "bias": rng.standard_normal(3)})
    x = Tensor(rng.standard_normal((2, 2, 5, 5)), requires_grad=True)
    out = backward(rng, conv(x), x, conv.weight, conv.bias)
    manual_seed(0)
    a = Conv2d(16, 32, 3)
    manual_seed(0)
    b = Conv2d(16, 32, 3)
    bound = 1 / math.sqrt(16 * 9)
    out.update(within=bool((np.abs(a.weight.numpy()) <= bound).all()),
               bias_within=bool((np.abs(a.bias.numpy()) <= bound).all()),
               spread=bool(np.abs(a.weight.numpy()).max() > 0.9 * bound),
               same_seed=np.array_equal(a.weight.numpy(), b.weight.numpy()))
    return out


case_conv2d_layer_gradients_and_init.tolerance = (1e-9, 1e-12)


def case_pool_layers_and_flatten(rng):
    """MaxPool2d, AvgPool2d, AdaptiveAvgPool2d objects match their functions; Flatten dims."""
    from tinytorch.spatial import AdaptiveAvgPool2d, AvgPool2d, Flatten, MaxPool2d
    from tinytorch.tensor import Tensor

    x = Tensor(rng.standard_normal((2, 3, 7, 7)), requires_grad=True)
    out = {"max": MaxPool2d(2)(x), "max_s2p1": MaxPool2d(3, 2, 1)(x),
           "avg": AvgPool2d(3, stride=1)(x), "adaptive": AdaptiveAvgPool2d((2, 3))(x),
           "n_params": len(list(MaxPool2d(2).parameters())), "flatten0": Flatten(0)(x),
           "flatten12": Flatten(1, 2)(x)}
    out.update({f"flat_{k}": v for k, v in backward(rng, Flatten()(x), x).items()})
    return out


case_pool_layers_and_flatten.tolerance = (1e-9, 1e-12)


def case_small_lenet_step(rng):
    """A small LeNet (Conv2d, MaxPool2d, ReLU, Flatten, Linear): loss, gradients, an SGD step."""
    from tinytorch.activations import ReLU
    from tinytorch.layers import Linear, Sequential
    from tinytorch.losses import cross_entropy
    from tinytorch.optimizers import SGD
    from tinytorch.spatial import Conv2d, Flatten, MaxPool2d
    from tinytorch.tensor import Tensor

    model = Sequential(Conv2d(1, 4, 3, padding=1, dtype=np.float64), MaxPool2d(2), ReLU(),
                       Conv2d(4, 6, 3, dtype=np.float64), ReLU(), Flatten(),
                       Linear(6 * 2 * 2, 3, dtype=np.float64))
    model.load_state_dict({k: rng.standard_normal(v.shape) * 0.5
                           for k, v in model.state_dict().items()})
    x = Tensor(rng.standard_normal((5, 1, 8, 8)))
    loss = cross_entropy(model(x), rng.integers(0, 3, 5))
    loss.backward()
    out = {"loss": loss.detach()}
    out.update({f"grad{i}": p.grad for i, p in enumerate(model.parameters())})
    SGD(model.parameters(), lr=0.1).step()
    out["after"] = model(x)
    return out


case_small_lenet_step.tolerance = (1e-9, 1e-12)
