"""Differential cases of tt-kernels (module 19): the matmul ladder, bias_relu, LinearReLU,
the KERNELS table, and the use_fused / use_composite switch with its restore.

Each `case_*` gets its own `rng` (seeded by its name) and returns arrays; the
grader compares them with the reference package's. Cases import tinytorch
inside their body, so a package that does not import fails its cases only.
Models run in float64 with weights loaded from `rng` in sorted name order, so
any correct implementation gives the same numbers (tolerance (1e-9, 1e-11):
sums in another order differ by about 1e-15). The Python rungs of the ladder
sum in Python floats, so their float64 results match BLAS's to about 1e-15.
Public API only: tinytorch.kernels and earlier modules. Speed is never graded
here (benchmarks/kernels.py measures it).
"""

import numpy as np
from _shared import backward


def _load(rng, module):
    """Every parameter of `module` to float64, values drawn from `rng` in sorted name order
    (N(0, 1/fan_in) for 2-D weights, N(0, 0.1^2) for vectors); a tied `lm_head.weight` gets
    `wte.weight`'s array."""
    for p in module.parameters():
        p.data = p.data.astype(np.float64)
    state = module.state_dict()
    for name in sorted(state):
        shape = np.shape(state[name])
        if len(shape) == 2:
            state[name] = rng.standard_normal(shape) / np.sqrt(shape[1])
        else:
            state[name] = 0.1 * rng.standard_normal(shape)
    if "lm_head.weight" in state and "wte.weight" in state:
        state["lm_head.weight"] = state["wte.weight"]
    module.load_state_dict(state)
    return module


def _mlp(rng):
    """Linear 6->8, ReLU, Linear 8->8, ReLU, Linear 8->8 (no bias), ReLU, GELU(tanh),
    LayerNorm(8), Linear 8->3: float64, weights from rng."""
    from tinytorch.activations import GELU, ReLU
    from tinytorch.layers import Linear, Sequential
    from tinytorch.normalization import LayerNorm

    model = Sequential(Linear(6, 8), ReLU(), Linear(8, 8), ReLU(), Linear(8, 8, bias=False),
                       ReLU(), GELU(approximate="tanh"), LayerNorm(8), Linear(8, 3))
    return _load(rng, model)


def _outputs_and_grads(rng, model, x):
    """model(x), backward of (out * w).sum(): the output, x's gradient, every parameter's."""
    from tinytorch.tensor import Tensor

    xt = Tensor(x, requires_grad=True)
    model.zero_grad()
    result = backward(rng, model(xt), xt)
    for i, p in enumerate(model.parameters()):
        result[f"param{i}"] = p.grad
    return result


def case_matmul_naive(rng):
    """matmul_naive of float64 (5, 7) @ (7, 3): the product; float32 inputs give float32."""
    from tinytorch.kernels import matmul_naive

    a, b = rng.standard_normal((5, 7)), rng.standard_normal((7, 3))
    c, d = (rng.standard_normal((4, 4)).astype(np.float32),
            rng.standard_normal((4, 6)).astype(np.float32))
    out32 = matmul_naive(c, d)
    return {"f64": matmul_naive(a, b), "f32_dtype": out32.dtype == np.float32,
            "f32_close": bool(np.allclose(out32, c.astype(np.float64) @ d, rtol=1e-5,
                                          atol=1e-5))}


def case_matmul_blocked_tiles(rng):
    """matmul_blocked of float64 (9, 11) @ (11, 6) with tiles 1, 4 and 32 (ragged edges)."""
    from tinytorch.kernels import matmul_blocked

    a, b = rng.standard_normal((9, 11)), rng.standard_normal((11, 6))
    return {f"tile{t}": matmul_blocked(a, b, tile=t) for t in (1, 4, 32)}


def case_matmul_rows(rng):
    """matmul_rows of float64 (6, 8) @ (8, 5), of a strided view, and float32 @ float64."""
    from tinytorch.kernels import matmul_rows

    a, b = rng.standard_normal((6, 8)), rng.standard_normal((8, 5))
    base = rng.standard_normal((10, 12))
    mixed = matmul_rows(a.astype(np.float32), b)
    return {"f64": matmul_rows(a, b), "view": matmul_rows(base[::2, 1:9], base.T[:8, ::3]),
            "mixed": mixed, "mixed_float64": mixed.dtype == np.float64}


def case_matmul_ladder_agrees(rng):
    """Every rung of MATMUL_LADDER on one float64 (12, 10) @ (10, 7): names and products."""
    from tinytorch.kernels import MATMUL_LADDER, matmul_blas

    a, b = rng.standard_normal((12, 10)), rng.standard_normal((10, 7))
    out = {f"rung_{name}": fn(a, b) for name, fn in MATMUL_LADDER}
    out["names"] = np.frombuffer(",".join(n for n, _ in MATMUL_LADDER).encode(), np.uint8)
    out["blas"] = matmul_blas(a, b)
    return out


def case_matmul_inner_dimensions_differ(rng):
    """matmul_blocked of (2, 3) @ (4, 5) raises ShapeError."""
    from tinytorch.kernels import matmul_blocked

    matmul_blocked(rng.standard_normal((2, 3)), rng.standard_normal((4, 5)))


def case_bias_relu_values_and_gradients(rng):
    """bias_relu of float64 (6, 5) and bias (5,), with exact zeros: output, both gradients."""
    from tinytorch.kernels import bias_relu
    from tinytorch.tensor import Tensor

    x_data = rng.standard_normal((6, 5))
    b_data = 0.5 * rng.standard_normal(5)
    x_data[0] = -b_data  # x + bias exactly 0: output 0, gradient 0
    x, b = Tensor(x_data, requires_grad=True), Tensor(b_data, requires_grad=True)
    return backward(rng, bias_relu(x, b), x, b)


def case_bias_relu_3d_float32(rng):
    """bias_relu of float32 (2, 3, 4) and bias (4,): float32 output and gradients."""
    from tinytorch.kernels import bias_relu
    from tinytorch.tensor import Tensor

    x = Tensor(rng.standard_normal((2, 3, 4)).astype(np.float32), requires_grad=True)
    b = Tensor(rng.standard_normal(4).astype(np.float32), requires_grad=True)
    y = bias_relu(x, b)
    y.backward(Tensor(rng.standard_normal((2, 3, 4)).astype(np.float32)))
    return {"out": y.detach(), "dx": x.grad, "db": b.grad,
            "float32": y.dtype == np.float32 and b.grad.dtype == np.float32}


def case_bias_relu_composite(rng):
    """bias_relu_composite of float64 (4, 6) and bias (6,): output and both gradients."""
    from tinytorch.kernels import bias_relu_composite
    from tinytorch.tensor import Tensor

    x = Tensor(rng.standard_normal((4, 6)), requires_grad=True)
    b = Tensor(rng.standard_normal(6), requires_grad=True)
    return backward(rng, bias_relu_composite(x, b), x, b)


def case_bias_relu_wrong_bias_shape(rng):
    """bias_relu of a (3, 4) x and a (3,) bias raises ShapeError."""
    from tinytorch.kernels import bias_relu
    from tinytorch.tensor import Tensor

    bias_relu(Tensor(rng.standard_normal((3, 4))), Tensor(rng.standard_normal(3)))


def case_linear_relu(rng):
    """LinearReLU of a loaded float64 Linear(5, 4) on (3, 5), fused and not: outputs and
    gradients; its Parameters are the Linear's own."""
    from tinytorch.kernels import LinearReLU
    from tinytorch.layers import Linear

    linear = _load(rng, Linear(5, 4))
    layer = LinearReLU(linear)
    x = rng.standard_normal((3, 5))
    out = {f"fused_{k}": v for k, v in _outputs_and_grads(rng, layer, x).items()}
    layer.fused = False
    out.update({f"composite_{k}": v for k, v in _outputs_and_grads(rng, layer, x).items()})
    out["shared"] = layer.weight is linear.weight and layer.bias is linear.bias
    return out


def case_kernels_table(rng):
    """Each KERNELS entry's fused kernel on its small float64 example: output and gradients,
    and the largest difference from its composite twin (below 1e-9)."""
    from tinytorch.kernels import KERNELS
    from tinytorch.tensor import Tensor

    out = {"names": np.frombuffer(",".join(KERNELS).encode(), np.uint8)}
    for name, kernel in KERNELS.items():
        args, leaves = kernel.example(rng, np.float64, False)
        g = rng.standard_normal(kernel.fused(*args).shape)
        results = []
        for fn in (kernel.fused, kernel.composite):
            for leaf in leaves:
                leaf.grad = None
            y = fn(*args)
            y.backward(Tensor(g))
            results.append([y.data.copy()] + [leaf.grad.data.copy() for leaf in leaves])
        for i, value in enumerate(results[0]):
            out[f"{name}_{i}"] = value
        out[f"{name}_twin_equal"] = max(float(np.max(np.abs(a - b))) for a, b in
                                        zip(*results, strict=True)) < 1e-9
    return out


def case_use_fused_mlp(rng):
    """use_fused on a loaded float64 MLP: which layers became what, the same outputs and
    gradients, the same state_dict keys and Parameters."""
    from tinytorch.kernels import FusedAway, FusedGELU, LinearReLU, use_fused

    model = _mlp(rng)
    x = rng.standard_normal((4, 6))
    keys, params = list(model.state_dict()), [id(p) for p in model.parameters()]
    swap = use_fused(model)
    kinds = {LinearReLU: 1, FusedAway: 2, FusedGELU: 3}
    out = {"kinds": np.array([kinds.get(type(layer), 0) for layer in model])}
    out.update(_outputs_and_grads(rng, model, x))
    out["same_keys"] = list(model.state_dict()) == keys
    out["same_params"] = [id(p) for p in model.parameters()] == params
    out["changed"] = np.array(len(swap.changes))
    swap.restore()
    return out


def case_use_composite_mlp(rng):
    """use_composite on a loaded float64 MLP: LayerNorm composite (sharing its Parameters),
    outputs and gradients."""
    from tinytorch.kernels import CompositeLayerNorm, use_composite

    model = _mlp(rng)
    ln = model[7]
    with use_composite(model):
        result = _outputs_and_grads(rng, model, rng.standard_normal((3, 6)))
        result["composite_ln"] = isinstance(model[7], CompositeLayerNorm)
        result["shared"] = model[7].weight is ln.weight and model[7].bias is ln.bias
    result["restored"] = model[7] is ln
    return result


def case_restore_is_exact(rng):
    """After use_fused, then use_composite, each restored: every child object, every fused
    flag and the state_dict are as before."""
    from tinytorch.kernels import use_composite, use_fused

    model = _mlp(rng)
    before = ([id(m) for _, m in model.named_modules()], repr(model), model.state_dict())
    out = {}
    for key, switch in (("fused", use_fused), ("composite", use_composite)):
        swap = switch(model)
        out[f"{key}_changed_something"] = repr(model) != before[1]
        swap.restore()
        swap.restore()
        out[f"{key}_children"] = [id(m) for _, m in model.named_modules()] == before[0]
        out[f"{key}_repr"] = repr(model) == before[1]
        state = model.state_dict()
        out[f"{key}_state"] = list(state) == list(before[2]) and all(
            np.array_equal(state[k], before[2][k]) for k in state)
    return out


def case_gpt_composite_switch(rng):
    """use_composite on a loaded float64 GPT (V 11, T 8, C 8, 2 layers): flags and config
    off, logits, lm_loss and three gradients equal to the fused model's; restored after."""
    from tinytorch.kernels import use_composite
    from tinytorch.tensor import Tensor
    from tinytorch.transformers import GPT, GPTConfig, lm_loss

    model = _load(rng, GPT(GPTConfig(vocab_size=11, block_size=8, n_layer=2, n_head=2,
                                     n_embd=8)))
    config = model.config
    idx, targets = Tensor(rng.integers(0, 11, (2, 8))), Tensor(rng.integers(0, 11, (2, 8)))
    names = ["wte.weight", "h.0.ln_1.weight", "h.1.mlp.c_fc.weight"]
    out = {}
    for key in ("fused", "composite"):
        swap = use_composite(model) if key == "composite" else None
        model.zero_grad()
        logits = model(idx)
        loss = lm_loss(logits, targets)
        loss.backward()
        params = dict(model.named_parameters())
        out[f"{key}_logits"], out[f"{key}_loss"] = logits.detach(), loss.detach()
        out.update({f"{key}_d{i}": params[n].grad for i, n in enumerate(names)})
        if swap is not None:
            out["flags_off"] = (model.config.fused is False
                                and all(b.fused is False and b.mlp.fused is False
                                        for b in model.h))
            swap.restore()
    out["config_restored"] = model.config is config
    return out


case_matmul_naive.tolerance = (1e-9, 1e-11)
case_matmul_blocked_tiles.tolerance = (1e-9, 1e-11)
case_matmul_rows.tolerance = (1e-9, 1e-11)
case_matmul_ladder_agrees.tolerance = (1e-9, 1e-11)
case_matmul_inner_dimensions_differ.raises = "ShapeError"
case_bias_relu_values_and_gradients.tolerance = (1e-9, 1e-11)
case_bias_relu_composite.tolerance = (1e-9, 1e-11)
case_bias_relu_wrong_bias_shape.raises = "ShapeError"
case_linear_relu.tolerance = (1e-9, 1e-11)
case_kernels_table.tolerance = (1e-9, 1e-11)
case_use_fused_mlp.tolerance = (1e-9, 1e-11)
case_use_composite_mlp.tolerance = (1e-9, 1e-11)
case_gpt_composite_switch.tolerance = (1e-9, 1e-11)
