"""Differential cases of tt-activations (module 03): values of every activation.

Each `case_*` gets its own `rng` (seeded by its name) and returns arrays; the
grader compares them with the reference package's. Cases import tinytorch
inside their body, so a package that does not import fails its cases only.
Public API only: tinytorch.activations and tinytorch.tensor.
"""

import numpy as np

# Where naive formulas break in float32: exp overflows past 88.7, 1e4 overflows any exp.
EXTREMES = [-1e4, -100.0, -88.0, -20.0, -3.0, -1.0, -1e-30, 0.0, 1e-30, 0.5, 1.0, 3.0,
            20.0, 88.0, 100.0, 1e4]


def _x(rng, *shape, scale=3.0, dtype=np.float32):
    from tinytorch.tensor import Tensor

    return Tensor(rng.normal(0.0, scale, size=shape).astype(dtype))


def case_relu_values(rng):
    """relu on random (4, 5) float32 values, on -0.0 and on +-inf."""
    from tinytorch.activations import relu
    from tinytorch.tensor import Tensor

    special = Tensor(np.array([-np.inf, -2.0, -0.0, 0.0, 3.5, np.inf], dtype=np.float32))
    return {"random": relu(_x(rng, 4, 5)), "special": relu(special)}


def case_sigmoid_extremes(rng):
    """sigmoid at float32 extremes (+-1e4, +-100, +-88): finite, in [0, 1]."""
    from tinytorch.activations import sigmoid
    from tinytorch.tensor import Tensor

    return sigmoid(Tensor(np.array(EXTREMES, dtype=np.float32)))


def case_sigmoid_tiny_outputs(rng):
    """sigmoid(-20) and sigmoid(-80) keep their relative precision (no 1 - 1 cancellation)."""
    from tinytorch.activations import sigmoid
    from tinytorch.tensor import Tensor

    return sigmoid(Tensor(np.array([-20.0, -50.0, -80.0], dtype=np.float32)))


case_sigmoid_tiny_outputs.tolerance = (1e-5, 0.0)


def case_tanh_values(rng):
    """tanh at the extremes and on random (3, 4, 5) values."""
    from tinytorch.activations import tanh
    from tinytorch.tensor import Tensor

    return {"extremes": tanh(Tensor(np.array(EXTREMES, dtype=np.float32))),
            "random": tanh(_x(rng, 3, 4, 5))}


def case_gelu_exact(rng):
    """gelu (exact, erf form) at the extremes and on random values."""
    from tinytorch.activations import gelu
    from tinytorch.tensor import Tensor

    return {"extremes": gelu(Tensor(np.array(EXTREMES, dtype=np.float32))),
            "random": gelu(_x(rng, 6, 7))}


def case_gelu_tanh(rng):
    """gelu(approximate='tanh') at the extremes and on random values."""
    from tinytorch.activations import gelu
    from tinytorch.tensor import Tensor

    return {"extremes": gelu(Tensor(np.array(EXTREMES, dtype=np.float32)), approximate="tanh"),
            "random": gelu(_x(rng, 6, 7), approximate="tanh")}


def case_float64_stays_float64(rng):
    """relu, sigmoid, tanh, gelu, softmax of a float64 tensor: float64 and exact to 1e-12."""
    from tinytorch.activations import gelu, log_softmax, relu, sigmoid, softmax, tanh

    x = _x(rng, 3, 5, scale=2.0, dtype=np.float64)
    fns = {"relu": relu, "sigmoid": sigmoid, "tanh": tanh, "gelu": gelu,
           "softmax": softmax, "log_softmax": log_softmax}
    return {name: fn(x) for name, fn in fns.items()}


case_float64_stays_float64.tolerance = (1e-12, 1e-300)


def case_softmax_extreme_rows(rng):
    """softmax and log_softmax along dim 1 of rows with +-1e4: finite, exact, rows sum to 1."""
    from tinytorch.activations import log_softmax, softmax
    from tinytorch.tensor import Tensor

    rows = Tensor(np.array([[1e4, -1e4, 0.0, 1.0], [88.0, 100.0, -88.0, -100.0],
                            [1e4, 1e4, 1e4, 1e4], [-1e4, -1e4, -1e4, -1e4],
                            [0.0, 0.0, 0.0, 1e-30], [-1e4, -1e4 + 1, -1e4 + 2, -1e4]],
                           dtype=np.float32))
    return {"softmax": softmax(rows, dim=1), "log_softmax": log_softmax(rows, dim=1)}


def case_log_softmax_no_underflow(rng):
    """log_softmax of (0, -200) is (0, -200), not log of an underflowed softmax."""
    from tinytorch.activations import log_softmax
    from tinytorch.tensor import Tensor

    return log_softmax(Tensor(np.array([0.0, -200.0], dtype=np.float32)))


def case_softmax_every_dim(rng):
    """softmax and log_softmax along each dim (0, 1, 2, -1, -2, -3) of a (2, 3, 4) tensor."""
    from tinytorch.activations import log_softmax, softmax

    x = _x(rng, 2, 3, 4, scale=5.0)
    out = {}
    for dim in (0, 1, 2, -1, -2, -3):
        key = f"m{-dim}" if dim < 0 else f"d{dim}"
        out[f"softmax_{key}"] = softmax(x, dim=dim)
        out[f"log_softmax_{key}"] = log_softmax(x, dim=dim)
    return out


def case_softmax_default_dim_and_layers(rng):
    """softmax without dim uses the last one; Softmax(dim)/LogSoftmax(dim) objects agree."""
    from tinytorch.activations import LogSoftmax, Softmax, softmax

    x = _x(rng, 3, 4)
    return {"default": softmax(x), "layer_dim0": Softmax(dim=0)(x),
            "log_layer": LogSoftmax()(x)}


def case_softmax_scalar(rng):
    """softmax and log_softmax of a 0-d tensor: a distribution over one value (1 and 0)."""
    from tinytorch.activations import log_softmax, softmax
    from tinytorch.tensor import Tensor

    x = Tensor(np.float32(2.5))
    return {"softmax": softmax(x), "log_softmax": log_softmax(x, dim=0)}


def case_layer_objects(rng):
    """ReLU(), Sigmoid(), Tanh(), GELU(), GELU('tanh') objects give their function's values."""
    from tinytorch.activations import GELU, ReLU, Sigmoid, Tanh

    x = _x(rng, 3, 4)
    layers = {"relu": ReLU(), "sigmoid": Sigmoid(), "tanh": Tanh(), "gelu": GELU(),
              "gelu_tanh": GELU(approximate="tanh")}
    out = {name: layer(x) for name, layer in layers.items()}
    out["forward"] = ReLU().forward(x)
    return out


def case_accepts_arrays(rng):
    """relu and softmax accept NumPy arrays and return tensors of their values."""
    from tinytorch.activations import relu, softmax

    return {"relu": relu(np.array([-1.0, 2.0])),
            "softmax": softmax(rng.normal(size=(2, 3)).astype(np.float32))}


def case_input_not_modified(rng):
    """Every activation leaves its input tensor unchanged."""
    from tinytorch.activations import gelu, log_softmax, relu, sigmoid, softmax, tanh

    x = _x(rng, 4, 6)
    before = x.numpy().copy()
    for fn in (relu, sigmoid, tanh, gelu, softmax, log_softmax):
        fn(x)
    return np.array_equal(x.numpy(), before)


def case_gelu_bad_approximation(rng):
    """gelu(x, approximate='erf') raises ValueError."""
    from tinytorch.activations import gelu

    gelu(_x(rng, 2), approximate="erf")


case_gelu_bad_approximation.raises = "ValueError"


def case_gelu_layer_bad_approximation(rng):
    """GELU(approximate='fast') raises ValueError when built."""
    from tinytorch.activations import GELU

    GELU(approximate="fast")


case_gelu_layer_bad_approximation.raises = "ValueError"


def case_rejects_strings(rng):
    """relu of an array of strings raises TypeError."""
    from tinytorch.activations import relu

    relu(np.array(["a", "b"]))


case_rejects_strings.raises = "TypeError"


def case_softmax_dim_out_of_range(rng):
    """softmax(x, dim=2) of a (3, 4) tensor raises IndexError."""
    from tinytorch.activations import softmax

    softmax(_x(rng, 3, 4), dim=2)


case_softmax_dim_out_of_range.raises = "IndexError"


def case_log_softmax_dim_not_int(rng):
    """log_softmax(x, dim=1.0) raises TypeError."""
    from tinytorch.activations import log_softmax

    log_softmax(_x(rng, 3, 4), dim=1.0)


case_log_softmax_dim_not_int.raises = "TypeError"
