"""Differential cases of tt-normalization (module 11): BatchNorm1d/2d, LayerNorm, and gradients.

Each `case_*` gets its own `rng` (seeded by its name) and returns arrays; the
grader compares them with the reference package's. Cases import tinytorch
inside their body, so a package that does not import fails its cases only.
float32 layers get the tolerance of the module's tests, (1e-4, 1e-5);
gradients are taken in float64, (1e-9, 1e-12). Public API only:
tinytorch.normalization and the earlier modules.
"""

import numpy as np
from _shared import backward, training_step

SHAPES = {"nc": (6, 3), "ncl": (4, 3, 5), "nchw": (4, 3, 5, 6)}


def _affine(layer, rng):
    """Give a normalization layer a random weight and bias (through load_state_dict)."""
    state = layer.state_dict()
    state["weight"] = rng.normal(size=state["weight"].shape)
    state["bias"] = rng.normal(size=state["bias"].shape)
    layer.load_state_dict(state)
    return layer


def _leaves(rng, shape, c_shape):
    from tinytorch.tensor import Tensor

    return (Tensor(rng.normal(1.0, 2.0, size=shape), requires_grad=True),
            Tensor(rng.normal(size=c_shape), requires_grad=True),
            Tensor(rng.normal(size=c_shape), requires_grad=True))


def case_batchnorm_training_and_running_stats(rng):
    """BatchNorm1d/2d in training, three steps (momentum 0.2): outputs, running stats, count."""
    from tinytorch.normalization import BatchNorm1d, BatchNorm2d
    from tinytorch.tensor import Tensor

    out = {}
    for name, shape in SHAPES.items():
        layer = _affine((BatchNorm2d if len(shape) == 4 else BatchNorm1d)(3, momentum=0.2), rng)
        for step in range(3):
            out[f"{name}_y{step}"] = layer(Tensor(rng.normal(2.0, 3.0, size=shape)
                                                  .astype(np.float32)))
        out.update({f"{name}_mean": layer.running_mean, f"{name}_var": layer.running_var,
                    f"{name}_count": layer.num_batches_tracked})
    return out


case_batchnorm_training_and_running_stats.tolerance = (1e-4, 1e-5)


def case_batchnorm_eval(rng):
    """BatchNorm in eval mode uses the running stats (a batch of one too) and changes nothing."""
    from tinytorch.normalization import BatchNorm1d, BatchNorm2d
    from tinytorch.tensor import Tensor

    out = {}
    for name, shape in SHAPES.items():
        layer = _affine((BatchNorm2d if len(shape) == 4 else BatchNorm1d)(3), rng)
        state = layer.state_dict()
        state["running_mean"] = np.array([0.5, -1.0, 2.0])
        state["running_var"] = np.array([4.0, 0.25, 1.0])
        layer.load_state_dict(state)
        x = Tensor(rng.normal(size=shape).astype(np.float32))
        out[f"{name}_returns_self"] = layer.eval() is layer
        out[f"{name}_y"], out[f"{name}_one"] = layer(x), layer(x[:1])
        out[f"{name}_unchanged"] = all(np.array_equal(v, state[k].astype(v.dtype))
                                       for k, v in layer.state_dict().items())
    return out


case_batchnorm_eval.tolerance = (1e-4, 1e-5)


def case_batchnorm_momentum_none_and_no_stats(rng):
    """momentum=None keeps a cumulative average; without running stats both modes use the batch."""
    from tinytorch.normalization import BatchNorm1d, BatchNorm2d
    from tinytorch.tensor import Tensor

    layer = BatchNorm1d(2, momentum=None)
    for k in range(4):
        layer(Tensor(rng.normal(k, 1.0 + k, size=(5, 2)).astype(np.float32)))
    bare = BatchNorm2d(3, track_running_stats=False, affine=False)
    x = Tensor(rng.normal(1.0, 2.0, size=(2, 3, 4, 4)).astype(np.float32))
    train = bare(x)
    bare.eval()
    return {"mean": layer.running_mean, "var": layer.running_var,
            "count": layer.num_batches_tracked, "train": train, "eval": bare(x),
            "no_params": len(list(bare.parameters())), "no_state": len(bare.state_dict()),
            "nones": bare.running_mean is None and bare.weight is None}


case_batchnorm_momentum_none_and_no_stats.tolerance = (1e-4, 1e-5)


def case_batchnorm_state_dict(rng):
    """BatchNorm2d state_dict keys and initial values; loaded into a fresh layer; reset."""
    from tinytorch.normalization import BatchNorm2d
    from tinytorch.tensor import Tensor

    layer = BatchNorm2d(4)
    state = layer.state_dict()
    out = {"keys": np.frombuffer("|".join(state).encode(), dtype=np.uint8),
           "initial_count": state["num_batches_tracked"], "initial_weight": state["weight"],
           "initial_var": state["running_var"]}
    for _ in range(2):
        layer(Tensor(rng.normal(3.0, 2.0, size=(3, 4, 2, 2)).astype(np.float32)))
    fresh = BatchNorm2d(4)
    fresh.load_state_dict(layer.state_dict())
    x = Tensor(rng.normal(size=(2, 4, 2, 2)).astype(np.float32))
    out.update(fresh_eval=fresh.eval()(x), layer_eval=layer.eval()(x),
               fresh_count=fresh.num_batches_tracked, fresh_mean=fresh.running_mean)
    layer.reset_running_stats()
    out.update(reset_count=layer.num_batches_tracked, reset_var=layer.running_var)
    return out


case_batchnorm_state_dict.tolerance = (1e-4, 1e-5)


def case_batch_norm_gradients(rng):
    """Gradients of batch_norm for input, weight and bias, in training and eval, three layouts."""
    from tinytorch.normalization import batch_norm
    from tinytorch.tensor import Tensor

    out = {}
    for name, shape in {"nc": (5, 3), "ncl": (3, 3, 4), "nchw": (2, 3, 2, 3)}.items():
        for training in (True, False):
            x, w, b = _leaves(rng, shape, (3,))
            mean, var = Tensor(rng.normal(size=3)), Tensor(rng.uniform(0.5, 2.0, size=3))
            y = batch_norm(x, mean, var, w, b, training=training, momentum=0.3, eps=1e-3)
            grads = backward(rng, y, x, w, b)
            grads.update(mean=mean, var=var)
            out.update({f"{name}_{int(training)}_{k}": v for k, v in grads.items()})
    return out


case_batch_norm_gradients.tolerance = (1e-9, 1e-12)


def case_batch_norm_composite_twin(rng):
    """batch_norm_composite gives batch_norm's outputs, gradients and running stats."""
    from tinytorch.normalization import batch_norm_composite
    from tinytorch.tensor import Tensor

    out = {}
    for training in (True, False):
        x, w, b = _leaves(rng, (4, 3, 5), (3,))
        mean, var = Tensor(rng.normal(size=3)), Tensor(rng.uniform(0.5, 2.0, size=3))
        y = batch_norm_composite(x, mean, var, w, b, training=training, momentum=0.3, eps=1e-3)
        grads = backward(rng, y, x, w, b)
        grads.update(mean=mean, var=var)
        out.update({f"train{int(training)}_{k}": v for k, v in grads.items()})
    return out


case_batch_norm_composite_twin.tolerance = (1e-9, 1e-12)


def case_batchnorm_sum_gradient_is_zero(rng):
    """In training, the gradient of the sum of BatchNorm2d's outputs is zero (the mean goes)."""
    from tinytorch.normalization import BatchNorm2d
    from tinytorch.tensor import Tensor

    x = Tensor(rng.normal(size=(4, 3, 2, 2)), requires_grad=True)
    BatchNorm2d(3, dtype=np.float64)(x).sum().backward()
    return bool(np.abs(x.grad.numpy()).max() < 1e-10)


def case_batchnorm_batch_of_one(rng):
    """BatchNorm1d in training on a batch of one (1 value per channel) raises ValueError."""
    from tinytorch.normalization import BatchNorm1d
    from tinytorch.tensor import Tensor

    BatchNorm1d(3)(Tensor(np.ones((1, 3), dtype=np.float32)))


case_batchnorm_batch_of_one.raises = "ValueError"


def case_batchnorm_wrong_channels(rng):
    """BatchNorm2d(3) on a 4-channel input raises ShapeError."""
    from tinytorch.normalization import BatchNorm2d
    from tinytorch.tensor import Tensor

    BatchNorm2d(3)(Tensor(np.ones((2, 4, 5, 5), dtype=np.float32)))


case_batchnorm_wrong_channels.raises = "ShapeError"


def case_batchnorm2d_wrong_dims(rng):
    """BatchNorm2d on a 3-D input raises ShapeError."""
    from tinytorch.normalization import BatchNorm2d
    from tinytorch.tensor import Tensor

    BatchNorm2d(3)(Tensor(np.ones((2, 3, 4), dtype=np.float32)))


case_batchnorm2d_wrong_dims.raises = "ShapeError"


def case_batchnorm_dtype_mismatch(rng):
    """A float64 input to a float32 BatchNorm1d raises DTypeError."""
    from tinytorch.normalization import BatchNorm1d
    from tinytorch.tensor import Tensor

    BatchNorm1d(3)(Tensor(np.ones((2, 3))))


case_batchnorm_dtype_mismatch.raises = "DTypeError"


def case_layernorm_values(rng):
    """LayerNorm over the last 1 and 2 dims, with weight and bias, same in train and eval."""
    from tinytorch.normalization import LayerNorm
    from tinytorch.tensor import Tensor

    out = {}
    for i, (shape, normalized) in enumerate([((4, 6), 6), ((2, 3, 4, 5), (4, 5))]):
        layer = _affine(LayerNorm(normalized), rng)
        x = Tensor(rng.normal(3.0, 2.0, size=shape).astype(np.float32))
        out[f"train{i}"] = layer(x)
        layer.eval()
        out[f"eval{i}"], out[f"one{i}"] = layer(x), layer(x[:1])
        out[f"shape{i}"] = np.array(layer.normalized_shape)
    return out


case_layernorm_values.tolerance = (1e-4, 1e-5)


def case_layernorm_options(rng):
    """LayerNorm parameters (ones, zeros), bias=False, elementwise_affine=False."""
    from tinytorch.normalization import LayerNorm
    from tinytorch.tensor import Tensor

    layer = LayerNorm(5)
    no_bias = LayerNorm([2, 3], bias=False)
    bare = LayerNorm(4, elementwise_affine=False)
    return {"weight": layer.weight, "bias": layer.bias, "n_state": len(layer.state_dict()),
            "no_bias": no_bias.bias is None, "no_bias_weight_shape": np.array(no_bias.weight.shape),
            "bare_params": len(list(bare.parameters())),
            "bare": bare(Tensor(rng.normal(size=(3, 4)).astype(np.float32)))}


case_layernorm_options.tolerance = (1e-4, 1e-5)


def case_layer_norm_gradients(rng):
    """Gradients of layer_norm (and its composite twin) for input, weight and bias."""
    from tinytorch.normalization import layer_norm, layer_norm_composite

    out = {}
    for name, fn in (("fused", layer_norm), ("composite", layer_norm_composite)):
        x, w, b = _leaves(rng, (3, 2, 4), (2, 4))
        grads = backward(rng, fn(x, (2, 4), w, b, eps=1e-3), x, w, b)
        out.update({f"{name}_{k}": v for k, v in grads.items()})
        x = _leaves(rng, (3, 4), (4,))[0]
        grads = backward(rng, fn(x, 4), x)
        out.update({f"{name}_plain_{k}": v for k, v in grads.items()})
    return out


case_layer_norm_gradients.tolerance = (1e-9, 1e-12)


def case_layernorm_wrong_shape(rng):
    """LayerNorm(3) on an input whose last dimension is 4 raises ShapeError."""
    from tinytorch.normalization import LayerNorm
    from tinytorch.tensor import Tensor

    LayerNorm(3)(Tensor(np.ones((2, 4), dtype=np.float32)))


case_layernorm_wrong_shape.raises = "ShapeError"


def case_layernorm_bad_shape_argument(rng):
    """LayerNorm((3, 0)) raises ValueError."""
    from tinytorch.normalization import LayerNorm

    LayerNorm((3, 0))


case_layernorm_bad_shape_argument.raises = "ValueError"


def case_normalized_mlp_step(rng):
    """A float64 MLP with BatchNorm1d and LayerNorm: loss, gradients, one SGD step, eval outputs."""
    from tinytorch.activations import ReLU
    from tinytorch.layers import Linear, Sequential
    from tinytorch.normalization import BatchNorm1d, LayerNorm
    from tinytorch.tensor import Tensor

    model = Sequential(Linear(4, 6, dtype=np.float64), BatchNorm1d(6, dtype=np.float64), ReLU(),
                       Linear(6, 5, dtype=np.float64), LayerNorm(5, dtype=np.float64),
                       Linear(5, 3, dtype=np.float64))
    model.load_state_dict({k: rng.standard_normal(v.shape) if k.endswith(("weight", "bias")) else v
                           for k, v in model.state_dict().items()})
    x = Tensor(rng.standard_normal((8, 4)))
    return training_step(rng, model, x)


case_normalized_mlp_step.tolerance = (1e-9, 1e-12)
