"""Differential cases of tt-precision (module 21): bfloat16 emulation, storage formats,
cast, the mixed Linear and Conv2d primitives, MixedPrecision, GradScaler, graph_memory.

Each `case_*` gets its own `rng` (seeded by its name) and returns arrays; the
grader compares them with the reference package's. Cases import tinytorch
inside their body, so a package that does not import fails its cases only.
The layers' backward rules are compared in float64 (the exact formats, tolerance
(1e-9, 1e-12)); their half-precision results with one float16 (or bfloat16)
step of tolerance, since a product summed in another order may round to the
neighbouring half-precision number. The GradScaler cases compare the whole
sequence of scales and weights. Public API only: tinytorch.precision and
earlier modules.
"""

import numpy as np
from _shared import backward


def _bits(values):
    return np.array(values, dtype=np.uint32).view(np.float32)


def case_bfloat16_hand_codes(rng):
    """to_bfloat16 of 1.0, ties (to even), inf, -0.0, a NaN, float32's max: the uint16 codes."""
    from tinytorch.precision import to_bfloat16

    x = _bits([0x3F800000, 0x3F808000, 0x3F818000, 0x3F808001, 0x7F800000, 0x80000000,
               0x7FFFFFFF, 0x7F7FFFFF, 0x00000001])
    return to_bfloat16(x)


def case_bfloat16_random_values(rng):
    """to_bfloat16, from_bfloat16 and round_bfloat16 of (40, 25) values from 1e-30 to 1e30."""
    from tinytorch.precision import from_bfloat16, round_bfloat16, to_bfloat16

    x = (rng.standard_normal((40, 25)) * 10.0 ** rng.integers(-30, 30, (40, 25)))
    x = x.astype(np.float32)
    codes = to_bfloat16(x)
    return {"codes": codes, "decoded": from_bfloat16(codes), "rounded": round_bfloat16(x)}


case_bfloat16_random_values.tolerance = (0.0, 0.0)


def case_storage_formats(rng):
    """storage_format of float16, half, bfloat16, bf16, float32, float64: flow dtype bytes,
    stored bytes, is_half; and store/load of 70000 and 1e-8 (float16 overflows, bf16 not)."""
    from tinytorch.precision import storage_format

    out = {}
    x = np.array([70000.0, 1e-8, 1.0 + 2.0**-9], np.float32)
    for name in ("float16", "half", "bfloat16", "bf16", "float32", "float64"):
        fmt = storage_format(name)
        out[f"{name}_info"] = np.array([fmt.flow.itemsize, fmt.itemsize, fmt.is_half])
        out[f"{name}_loaded"] = fmt.load(fmt.store(x))
    return out


def case_unsupported_dtype(rng):
    """storage_format("float8_e4m3") raises UnsupportedDTypeError (cannot be emulated)."""
    from tinytorch.precision import storage_format

    storage_format("float8_e4m3")


case_unsupported_dtype.raises = "UnsupportedDTypeError"


def case_cast_values_and_gradient(rng):
    """cast of a float32 (3, 5) tensor to float16 and bfloat16: values, dtypes, gradients."""
    from tinytorch.precision import cast
    from tinytorch.tensor import Tensor

    out = {}
    for name in ("float16", "bfloat16"):
        x = Tensor((3.0 * rng.standard_normal((3, 5))).astype(np.float32), requires_grad=True)
        y = cast(x, name)
        g = rng.standard_normal((3, 5)).astype(y.dtype)
        (y * Tensor(g)).sum().backward()
        out[f"{name}_out"] = y.detach()
        out[f"{name}_grad"] = x.grad
    return out


def _linear_inputs(rng, dtype):
    from tinytorch.tensor import Tensor

    x = Tensor(rng.standard_normal((2, 3, 6)).astype(dtype), requires_grad=True)
    w = Tensor(rng.standard_normal((4, 6)).astype(np.float64 if dtype == np.float64
                                                  else np.float32), requires_grad=True)
    b = Tensor(rng.standard_normal(4).astype(w.dtype), requires_grad=True)
    return x, w, b


def case_mixed_linear_float64(rng):
    """mixed_linear in the exact float64 format on (2, 3, 6) @ (4, 6)^T + b: output and the
    gradients of input, weight and bias."""
    from tinytorch.precision import mixed_linear

    x, w, b = _linear_inputs(rng, np.float64)
    return backward(rng, mixed_linear(x, w, b, "float64"), x, w, b)


case_mixed_linear_float64.tolerance = (1e-9, 1e-12)


def case_mixed_linear_float16(rng):
    """mixed_linear in float16 (float16 input, float32 master weights): output (float16) and
    gradients (input float16, weight and bias float32)."""
    from tinytorch.precision import mixed_linear
    from tinytorch.tensor import Tensor

    x, w, b = _linear_inputs(rng, np.float16)
    y = mixed_linear(x, w, b, "float16")
    y.backward(Tensor(rng.standard_normal(y.shape).astype(np.float16)))
    return {"out": y.detach(), "dx": x.grad, "dw": w.grad, "db": b.grad}


case_mixed_linear_float16.tolerance = (2e-3, 1e-3)  # one float16 step


def case_mixed_linear_bfloat16(rng):
    """mixed_linear in bfloat16: output (float32 holding bfloat16 values) and gradients."""
    from tinytorch.precision import mixed_linear, round_bfloat16
    from tinytorch.tensor import Tensor

    x, w, b = _linear_inputs(rng, np.float32)
    x = Tensor(round_bfloat16(x.data), requires_grad=True)
    y = mixed_linear(x, w, b, "bfloat16")
    y.backward(Tensor(round_bfloat16(rng.standard_normal(y.shape).astype(np.float32))))
    return {"out": y.detach(), "dx": x.grad, "dw": w.grad, "db": b.grad}


case_mixed_linear_bfloat16.tolerance = (1.6e-2, 1e-3)  # one bfloat16 step


def _conv_inputs(rng, dtype, groups=1):
    from tinytorch.tensor import Tensor

    x = Tensor(rng.standard_normal((2, 4, 7, 7)).astype(dtype), requires_grad=True)
    wdt = np.float64 if dtype == np.float64 else np.float32
    w = Tensor(rng.standard_normal((6, 4 // groups, 3, 3)).astype(wdt), requires_grad=True)
    b = Tensor(rng.standard_normal(6).astype(wdt), requires_grad=True)
    return x, w, b


def case_mixed_conv2d_float64(rng):
    """mixed_conv2d in float64 with stride 2, padding 1, and with dilation 2, groups 2:
    outputs and gradients of input, weight and bias."""
    from tinytorch.precision import mixed_conv2d

    out = {}
    for tag, geometry, groups in (("strided", (2, 1, 1, 1), 1), ("grouped", (1, 2, 2, 2), 2)):
        x, w, b = _conv_inputs(rng, np.float64, groups)
        found = backward(rng, mixed_conv2d(x, w, b, *geometry, dtype="float64"), x, w, b)
        out.update({f"{tag}_{k}": v for k, v in found.items()})
    return out


case_mixed_conv2d_float64.tolerance = (1e-9, 1e-12)


def case_mixed_conv2d_float16(rng):
    """mixed_conv2d in float16, padding 1: output (float16) and gradients."""
    from tinytorch.precision import mixed_conv2d
    from tinytorch.tensor import Tensor

    x, w, b = _conv_inputs(rng, np.float16)
    y = mixed_conv2d(x, w, b, 1, 1, dtype="float16")
    y.backward(Tensor(rng.standard_normal(y.shape).astype(np.float16)))
    return {"out": y.detach(), "dx": x.grad, "dw": w.grad, "db": b.grad,
            "float16": y.dtype == np.float16 and x.grad.dtype == np.float16}


case_mixed_conv2d_float16.tolerance = (2e-3, 1e-3)  # one float16 step


def _mlp(rng):
    from tinytorch.activations import ReLU
    from tinytorch.layers import Linear, Sequential

    model = Sequential(Linear(6, 8), ReLU(), Linear(8, 3))
    model.load_state_dict({k: rng.standard_normal(v.shape).astype(np.float32) / 2
                           for k, v in model.state_dict().items()})
    return model


def case_mixed_precision_mlp(rng):
    """MixedPrecision(float16) of Linear-ReLU-Linear: float32 logits, the float32 master
    gradients, the number of converted layers and the state_dict names."""
    from tinytorch.losses import cross_entropy
    from tinytorch.precision import MixedPrecision
    from tinytorch.tensor import Tensor

    mixed = MixedPrecision(_mlp(rng), "float16")
    x = Tensor(rng.standard_normal((5, 6)).astype(np.float32))
    logits = mixed(x)
    cross_entropy(logits, rng.integers(0, 3, 5)).backward()
    out = {"logits": logits.detach(), "float32": logits.dtype == np.float32,
           "converted": np.array(mixed.converted),
           "names": np.frombuffer(",".join(mixed.state_dict()).encode(), np.uint8)}
    out.update({f"grad{i}": p.grad for i, p in enumerate(mixed.parameters())})
    return out


case_mixed_precision_mlp.tolerance = (2e-3, 1e-3)  # one float16 step


def case_mixed_precision_without_layers(rng):
    """MixedPrecision of a model with no Linear or Conv2d raises ValueError."""
    from tinytorch.activations import ReLU
    from tinytorch.layers import Sequential
    from tinytorch.precision import MixedPrecision

    MixedPrecision(Sequential(ReLU()))


case_mixed_precision_without_layers.raises = "ValueError"


def _scaler_run(scaler, grads):
    from tinytorch.optimizers import SGD
    from tinytorch.tensor import Tensor

    p = Tensor(np.zeros(3, np.float32), requires_grad=True)
    opt = SGD([p], lr=0.5)
    scales, weights = [], []
    for g in grads:
        opt.zero_grad()
        scaler.scale((p * Tensor(g.astype(np.float32))).sum()).backward()
        scaler.step(opt)
        scaler.update()
        scales.append(scaler.get_scale())
        weights.append(p.data.copy())
    return np.array(scales), np.array(weights)


def case_grad_scaler_sequence(rng):
    """GradScaler(init 8, growth_interval 3) over 30 SGD steps with inf/nan gradients now and
    then: the scale after each update and the weights (skipped steps leave them alone)."""
    from tinytorch.precision import GradScaler

    grads = rng.standard_normal((30, 3))
    grads[rng.random(30) < 0.2, 0] = np.inf
    grads[rng.random(30) < 0.1, 2] = np.nan
    scales, weights = _scaler_run(GradScaler(init_scale=8.0, growth_interval=3), grads)
    return {"scales": scales, "weights": weights}


def case_grad_scaler_odd_factors(rng):
    """GradScaler(init 1000.1, growth 1.7, backoff 0.3, interval 2): the float32 scale sequence
    (PyTorch's rounding) and its state_dict values at the end."""
    from tinytorch.precision import GradScaler

    grads = rng.standard_normal((25, 3))
    grads[rng.random(25) < 0.25, 1] = np.inf
    scaler = GradScaler(init_scale=1000.1, growth_factor=1.7, backoff_factor=0.3,
                        growth_interval=2)
    scales, _ = _scaler_run(scaler, grads)
    state = scaler.state_dict()
    return {"scales": scales, "state": np.array([state[k] for k in sorted(state)], np.float64)}


case_grad_scaler_odd_factors.tolerance = (0.0, 0.0)


def case_grad_scaler_unscale_twice(rng):
    """GradScaler.unscale_ called twice before update() raises RuntimeError."""
    from tinytorch.optimizers import SGD
    from tinytorch.precision import GradScaler
    from tinytorch.tensor import Tensor

    p = Tensor(np.ones(2, np.float32), requires_grad=True)
    opt, scaler = SGD([p], lr=0.1), GradScaler()
    scaler.scale(p.sum()).backward()
    scaler.unscale_(opt)
    scaler.unscale_(opt)


case_grad_scaler_unscale_twice.raises = "RuntimeError"


def case_graph_memory(rng):
    """graph_memory of x.exp() (float32 (3, 4)): with and without the leaf excluded; and an
    MLP's activations in float16 below 0.65 of float32's."""
    from tinytorch.activations import ReLU
    from tinytorch.layers import Linear, Sequential
    from tinytorch.losses import cross_entropy
    from tinytorch.precision import MixedPrecision, graph_memory
    from tinytorch.tensor import Tensor, manual_seed

    x = Tensor(rng.standard_normal((3, 4)).astype(np.float32), requires_grad=True)
    y = x.exp()
    found = {"all": np.array(graph_memory(y).bytes),
             "no_leaf": np.array(graph_memory(y, exclude=[x]).bytes)}
    batch = Tensor(rng.standard_normal((64, 32)).astype(np.float32))
    labels = rng.integers(0, 4, 64)
    sizes = []
    for mixed in (False, True):
        manual_seed(0)
        model = Sequential(Linear(32, 64), ReLU(), Linear(64, 4))
        params = list(model.parameters())
        model = MixedPrecision(model) if mixed else model
        sizes.append(graph_memory(cross_entropy(model(batch), labels), exclude=params).bytes)
    found["halved"] = sizes[1] / sizes[0] < 0.65
    return found
