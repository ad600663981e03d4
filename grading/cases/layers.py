"""Differential cases of tt-layers (module 04): Module, Parameter, Linear, Sequential, init.

Each `case_*` gets its own `rng` (seeded by its name) and returns arrays; the
grader compares them with the reference package's. Cases import tinytorch
inside their body, so a package that does not import fails its cases only.
Weights are loaded from `rng` (random initialisation is checked by its
bounds and statistics, not by its exact draws). Names and reprs are returned
as UTF-8 bytes. Public API only: tinytorch.layers, .activations, .tensor.
"""

import math

import numpy as np


def _text(value):
    """A string (or a list of them, joined by '|') as a uint8 array of its UTF-8 bytes."""
    text = value if isinstance(value, str) else "|".join(value)
    return np.frombuffer(text.encode(), dtype=np.uint8)


def _linear(rng, n_in, n_out, bias=True, dtype=np.float32):
    """A Linear layer with weights (and bias) drawn from `rng`."""
    from tinytorch.layers import Linear

    layer = Linear(n_in, n_out, bias=bias, dtype=dtype)
    state = {"weight": rng.standard_normal((n_out, n_in)).astype(dtype)}
    if bias:
        state["bias"] = rng.standard_normal(n_out).astype(dtype)
    layer.load_state_dict(state)
    return layer


def _models():
    """The nested test models: Block (own Parameter, two Linears) and Net (buffer, Sequential)."""
    from tinytorch.layers import Linear, Module, Parameter, Sequential
    from tinytorch.tensor import Tensor

    class Block(Module):
        def __init__(self):
            super().__init__()
            self.fc1 = Linear(3, 4)
            self.scale = Parameter(np.ones(4, dtype=np.float32))
            self.fc2 = Linear(4, 2, bias=False)

        def forward(self, x):
            return self.fc2(self.fc1(x) * self.scale)

    class Net(Module):
        def __init__(self):
            super().__init__()
            self.block = Block()
            self.head = Sequential(Linear(2, 2), Linear(2, 1))
            self.register_buffer("steps", Tensor(np.zeros(1, dtype=np.float32)))

        def forward(self, x):
            return self.head(self.block(x))

    return Block, Net


def _net(rng):
    """A Net with every weight drawn from `rng`, through load_state_dict."""
    _, Net = _models()
    net = Net()
    net.load_state_dict({k: rng.standard_normal(v.shape) for k, v in net.state_dict().items()})
    return net


def case_linear_forward_shapes(rng):
    """Linear(4, 3) with given weights on inputs of shape (4,), (6, 4) and (2, 5, 4)."""
    from tinytorch.tensor import Tensor

    layer = _linear(rng, 4, 3)
    return {f"x{len(s)}d": layer(Tensor(rng.standard_normal(s).astype(np.float32)))
            for s in [(4,), (6, 4), (2, 5, 4)]}


def case_linear_no_bias(rng):
    """Linear(3, 2, bias=False): x @ W.T, bias None, only 'weight' among the parameters."""
    from tinytorch.tensor import Tensor

    layer = _linear(rng, 3, 2, bias=False)
    out = layer(Tensor(rng.standard_normal((4, 3)).astype(np.float32)))
    return {"out": out, "bias_is_none": layer.bias is None,
            "names": _text([n for n, _ in layer.named_parameters()])}


def case_linear_float64(rng):
    """Linear(dtype=np.float64) keeps float64 weights and outputs, exact to 1e-12."""
    from tinytorch.tensor import Tensor

    layer = _linear(rng, 5, 3, dtype=np.float64)
    return {"out": layer(Tensor(rng.standard_normal((4, 5)))), "weight": layer.weight}


case_linear_float64.tolerance = (1e-12, 1e-14)


def case_linear_wrong_width(rng):
    """Linear(3, 2) on a (4, 5) input raises ValueError."""
    from tinytorch.tensor import Tensor

    _linear(rng, 3, 2)(Tensor(np.zeros((4, 5), dtype=np.float32)))


case_linear_wrong_width.raises = "ValueError"


def case_linear_float64_input_to_float32_layer(rng):
    """A float64 input to a float32 Linear raises DTypeError (as PyTorch refuses it)."""
    from tinytorch.tensor import Tensor

    _linear(rng, 3, 2)(Tensor(np.zeros((4, 3))))


case_linear_float64_input_to_float32_layer.raises = "DTypeError"


def case_linear_bad_size(rng):
    """Linear(-1, 2) raises ValueError."""
    from tinytorch.layers import Linear

    Linear(-1, 2)


case_linear_bad_size.raises = "ValueError"


def case_linear_init_bounds_and_statistics(rng):
    """Default Linear init: U(-1/sqrt(fan_in), ..), spread to the bound, mean 0, variance b^2/3."""
    from tinytorch.layers import Linear
    from tinytorch.tensor import manual_seed

    manual_seed(0)
    out = {}
    for fan_in in (1, 3, 100):
        layer = Linear(fan_in, 50)
        bound = 1.0 / math.sqrt(fan_in)
        w, b = np.abs(layer.weight.numpy()), np.abs(layer.bias.numpy())
        out[f"within_{fan_in}"] = bool((w <= bound).all() and (b <= bound).all())
        out[f"spread_{fan_in}"] = bool(w.max() > 0.8 * bound)
    w = Linear(400, 500).weight.numpy().astype(np.float64)
    bound = 1.0 / math.sqrt(400)
    out["mean_ok"] = bool(abs(w.mean()) < 0.01 * bound)
    out["var_ok"] = bool(abs(w.var() / (bound**2 / 3) - 1) < 0.02)
    out["dtypes"] = _text([str(layer.weight.dtype), str(layer.bias.dtype)])
    out["requires_grad"] = layer.weight.requires_grad
    out["weight_shape"] = np.array(layer.weight.shape)
    return out


def case_linear_same_seed_same_weights(rng):
    """manual_seed(123) before two Linear(4, 3) gives equal weights; the next one differs."""
    from tinytorch.layers import Linear
    from tinytorch.tensor import manual_seed

    manual_seed(123)
    a = Linear(4, 3)
    manual_seed(123)
    b, c = Linear(4, 3), Linear(4, 3)
    return {"same": np.array_equal(a.weight.numpy(), b.weight.numpy())
            and np.array_equal(a.bias.numpy(), b.bias.numpy()),
            "next_differs": not np.array_equal(b.weight.numpy(), c.weight.numpy())}


def case_parameter(rng):
    """Parameter: a Tensor requiring grad; ints become float32, float64 stays; requires_grad."""
    from tinytorch.layers import Parameter
    from tinytorch.tensor import Tensor

    p = Parameter(np.arange(3))
    q = Parameter(np.zeros(2), requires_grad=False)
    return {"values": p, "is_tensor": isinstance(p, Tensor), "requires_grad": p.requires_grad,
            "no_grad": q.requires_grad, "float64": Parameter(rng.standard_normal(2)),
            "from_tensor": Parameter(Tensor(np.ones((2, 2), dtype=np.float32)))}


def case_named_parameters_order(rng):
    """Names of nested parameters in PyTorch's order (own first); shared and tied ones once."""
    from tinytorch.layers import Linear, Sequential

    Block, Net = _models()
    layer = Linear(3, 3)
    tied = Sequential(Linear(2, 2), Linear(2, 2))
    tied[1].weight = tied[0].weight
    return {"net": _text([n for n, _ in Net().named_parameters()]),
            "own": _text([n for n, _ in Block().named_parameters(recurse=False)]),
            "shared": _text([n for n, _ in Sequential(layer, layer).named_parameters()]),
            "tied_count": len(list(tied.parameters())),
            "tied_state": _text(list(tied.state_dict())),
            "buffers": _text([n for n, _ in Net().named_buffers()]),
            "n_modules": len(list(Net().modules())), "n_children": len(list(Net().children()))}


def case_state_dict_round_trip(rng):
    """state_dict keys (buffers first), copies; loading it into another Net gives equal outputs."""
    from tinytorch.tensor import Tensor

    a = _net(rng)
    state = a.state_dict()
    b = _net(rng)
    x = Tensor(rng.standard_normal((4, 3)).astype(np.float32))
    before = b(x).numpy().copy()
    result = b.load_state_dict(state)
    a.block.fc1.weight.numpy()[...] = 7.0
    return {"keys": _text(list(state)), "before": before, "after": b(x), "reference": a(x),
            "copy": not np.any(state["block.fc1.weight"] == 7.0),
            "no_missing": list(result.missing_keys) == [] and list(result.unexpected_keys) == [],
            "weight": b.block.fc1.weight}


def case_load_state_dict_casts_in_place(rng):
    """load_state_dict writes into the same Parameter, casting float64 arrays and Tensors."""
    from tinytorch.layers import Linear
    from tinytorch.tensor import Tensor

    m = Linear(2, 3)
    weight, array = m.weight, m.weight.numpy()
    m.load_state_dict({"weight": rng.standard_normal((3, 2)), "bias": Tensor(np.zeros(3))})
    return {"same_object": m.weight is weight and m.weight.numpy() is array,
            "weight": m.weight, "bias": m.bias}


def case_load_state_dict_strict_missing_key(rng):
    """Strict load_state_dict with a missing and an unexpected key raises RuntimeError."""
    from tinytorch.layers import Linear, Sequential

    m = Sequential(Linear(2, 3), Linear(3, 1))
    state = m.state_dict()
    del state["1.bias"]
    state["2.weight"] = np.zeros((1, 1))
    m.load_state_dict(state)


case_load_state_dict_strict_missing_key.raises = "RuntimeError"


def case_load_state_dict_non_strict(rng):
    """load_state_dict(strict=False) loads what fits and returns missing and unexpected keys."""
    from tinytorch.layers import Linear, Sequential

    m = Sequential(Linear(2, 3), Linear(3, 1))
    state = {k: rng.standard_normal(v.shape) for k, v in m.state_dict().items()}
    del state["1.bias"]
    state["extra"] = np.zeros(2)
    result = m.load_state_dict(state, strict=False)
    return {"missing": _text(result.missing_keys), "unexpected": _text(result.unexpected_keys),
            "weight0": m[0].weight}


def case_load_state_dict_shape_mismatch(rng):
    """Loading a (2, 3) array into a (3, 2) weight raises RuntimeError."""
    from tinytorch.layers import Linear, Sequential

    m = Sequential(Linear(2, 3))
    state = m.state_dict()
    state["0.weight"] = np.zeros((2, 3))
    m.load_state_dict(state, strict=False)


case_load_state_dict_shape_mismatch.raises = "RuntimeError"


def case_train_eval_zero_grad(rng):
    """train()/eval() reach every sub-module; zero_grad sets grads to None (or 0)."""
    from tinytorch.tensor import Tensor

    net = _net(rng)
    out = {"eval_returns_self": net.eval() is net,
           "after_eval": np.array([m.training for m in net.modules()])}
    net.block.train()
    out["block_train"] = np.array([m.training for m in net.modules()])
    net.train()
    out["after_train"] = np.array([m.training for m in net.modules()])
    for p in net.parameters():
        p.grad = Tensor(np.ones_like(p.numpy()))
    net.zero_grad()
    out["none"] = all(p.grad is None for p in net.parameters())
    for p in net.parameters():
        p.grad = Tensor(np.ones_like(p.numpy()))
    net.zero_grad(set_to_none=False)
    out["zeros"] = all(not p.grad.numpy().any() for p in net.parameters())
    return out


def case_sequential(rng):
    """Sequential chains Linear, ReLU and a callable; len, indexing, slicing, append, names."""
    from tinytorch.activations import ReLU
    from tinytorch.layers import Sequential
    from tinytorch.tensor import Tensor

    first, second = _linear(rng, 3, 4), _linear(rng, 4, 2)
    model = Sequential(first, ReLU(), lambda t: t * 2, second)
    x = Tensor(rng.standard_normal((5, 3)).astype(np.float32))
    tail = model[1:]
    model.append(_linear(rng, 2, 1))
    nested = Sequential(Sequential(_linear(rng, 1, 1)), _linear(rng, 1, 1))
    return {"out": model[:4](x), "len": len(model), "tail_len": len(tail),
            "last_is_appended": model[-1] is list(model)[-1], "full": model(x),
            "names": _text([n for n, _ in model.named_parameters()]),
            "nested": _text([n for n, _ in nested.named_parameters()])}


def case_module_call_runs_forward(rng):
    """Calling a Net runs its forward: values and shape (5, 1) of a nested model."""
    from tinytorch.tensor import Tensor

    net = _net(rng)
    x = Tensor(rng.standard_normal((5, 3)).astype(np.float32))
    return {"call": net(x), "forward": net.forward(x)}


def case_init_uniform_schemes(rng):
    """xavier_uniform_ and kaiming_uniform_: in place, within their bounds, their variance."""
    from tinytorch.layers import Parameter, init
    from tinytorch.tensor import manual_seed

    manual_seed(0)
    w = Parameter(np.zeros((300, 200), dtype=np.float32))
    out = {"returns_same": init.xavier_uniform_(w) is w}
    out["xavier_within"] = bool((np.abs(w.numpy()) <= math.sqrt(6.0 / 500)).all())
    out["xavier_var"] = bool(abs(w.numpy().astype(np.float64).var() / (2.0 / 500) - 1) < 0.03)
    w = Parameter(np.zeros((400, 300), dtype=np.float32))
    init.kaiming_uniform_(w)  # leaky_relu with a=0: gain sqrt(2)
    bound = math.sqrt(2.0) * math.sqrt(3.0 / 300)
    out["kaiming_within"] = bool((np.abs(w.numpy()) <= bound).all())
    out["kaiming_spread"] = bool(np.abs(w.numpy()).max() > 0.95 * bound)
    init.kaiming_uniform_(w, mode="fan_out", nonlinearity="relu")
    out["fan_out_var"] = bool(abs(w.numpy().astype(np.float64).var() / (2.0 / 400) - 1) < 0.03)
    conv = Parameter(np.zeros((8, 4, 3, 3), dtype=np.float32))  # fan_in 36, fan_out 72
    init.xavier_uniform_(conv)
    out["conv_within"] = bool((np.abs(conv.numpy()) <= math.sqrt(6.0 / 108)).all())
    out["dtype_kept"] = conv.dtype == np.float32
    return out


def case_init_normal_and_constants(rng):
    """kaiming_normal_, xavier_normal_, normal_ statistics; zeros_, ones_, constant_ values."""
    from tinytorch.layers import Parameter, init
    from tinytorch.tensor import manual_seed

    manual_seed(3)
    w = Parameter(np.zeros((500, 400), dtype=np.float32))
    init.kaiming_normal_(w, nonlinearity="relu")
    out = {"kaiming_std": bool(abs(w.numpy().std() / math.sqrt(2.0 / 400) - 1) < 0.02)}
    init.xavier_normal_(w)
    out["xavier_std"] = bool(abs(w.numpy().std() / math.sqrt(2.0 / 900) - 1) < 0.02)
    init.normal_(w, mean=3.0, std=0.5)
    out["normal_mean"] = bool(abs(w.numpy().mean() - 3.0) < 0.01)
    init.uniform_(w, -2.0, 5.0)
    out["uniform_range"] = bool(w.numpy().min() >= -2.0 and w.numpy().max() <= 5.0)
    c = Parameter(np.full((2, 3), 9.0))
    out["zeros"] = init.zeros_(c).numpy().copy()
    out["ones"] = init.ones_(c).numpy().copy()
    out["constant"] = init.constant_(c, 0.25)
    return out


def case_calculate_gain(rng):
    """calculate_gain for linear, sigmoid, relu, tanh, leaky_relu (default and sqrt(5))."""
    from tinytorch.layers import init

    names = ["linear", "sigmoid", "relu", "tanh", "leaky_relu"]
    gains = [init.calculate_gain(n) for n in names]
    return np.array([*gains, init.calculate_gain("leaky_relu", math.sqrt(5))])


def case_init_needs_two_dims(rng):
    """xavier_uniform_ of a 1-d Parameter raises ValueError (no fan-in and fan-out)."""
    from tinytorch.layers import Parameter, init

    init.xavier_uniform_(Parameter(np.zeros(5, dtype=np.float32)))


case_init_needs_two_dims.raises = "ValueError"


def case_reprs(rng):
    """repr of Linear (with and without bias) and of a nested model, as PyTorch prints them."""
    from tinytorch.layers import Linear

    _, Net = _models()
    return {"linear": _text(repr(Linear(3, 2))), "net": _text(repr(Net())),
            "no_bias": _text(repr(Linear(3, 2, bias=False)))}
