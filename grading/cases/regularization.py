"""Differential cases of tt-regularization (module 12): dropout, label smoothing, decay groups.

Each `case_*` gets its own `rng` (seeded by its name) and returns arrays; the
grader compares them with the reference package's. Cases import tinytorch
inside their body, so a package that does not import fails its cases only.
Dropout's mask is part of the contract (one float32 uniform draw per element,
or per channel, from the shared generator, kept where >= p), so masks are
compared exactly after `manual_seed`. Public API only:
tinytorch.regularization and the earlier modules.
"""

import numpy as np
from _shared import training_step


def _positions(model, params):
    """The places of `params` in `model.named_parameters()` (so groups compare as numbers)."""
    order = {id(p): i for i, (_, p) in enumerate(model.named_parameters())}
    return np.array([order.get(id(p), -1) for p in params], dtype=np.int64)


def _net():
    """A model with Linear, BatchNorm1d, Dropout, LayerNorm, a 1-D gain and a 2-D table."""
    from tinytorch.layers import Linear, Module, Parameter
    from tinytorch.normalization import BatchNorm1d, LayerNorm
    from tinytorch.regularization import Dropout

    class Net(Module):
        def __init__(self):
            super().__init__()
            self.fc1 = Linear(4, 6)
            self.bn = BatchNorm1d(6)
            self.drop = Dropout(0.1)
            self.fc2 = Linear(6, 5, bias=False)
            self.ln = LayerNorm(5)
            self.scale = Parameter(np.ones(5, dtype=np.float32))
            self.table = Parameter(np.ones((3, 5), dtype=np.float32))

    return Net()


def case_dropout_exact_mask(rng):
    """dropout(x, 0.25) after manual_seed(5): the exact mask; Dropout the same; the next differs."""
    from tinytorch.regularization import Dropout, dropout
    from tinytorch.tensor import Tensor, manual_seed

    x = Tensor(rng.standard_normal((4, 6)).astype(np.float32))
    manual_seed(5)
    out = dropout(x, 0.25)
    manual_seed(5)
    layer = Dropout(0.25)(x)
    return {"out": out, "layer": layer, "next_differs": not np.array_equal(
        dropout(x, 0.25).numpy(), out.numpy())}


def case_dropout_statistics(rng):
    """Over 200000 ones, dropout zeroes about p of them and scales the rest to 1 / (1 - p)."""
    from tinytorch.regularization import dropout
    from tinytorch.tensor import Tensor, manual_seed

    manual_seed(0)
    n = 200_000
    out = {}
    for p in (0.1, 0.5, 0.8):
        values = dropout(Tensor(np.ones(n, dtype=np.float32)), p).numpy()
        out[f"fraction_ok_{int(p * 10)}"] = bool(abs(np.mean(values == 0) - p) < 0.006)
        out[f"values_{int(p * 10)}"] = np.unique(values)
        out[f"mean_ok_{int(p * 10)}"] = bool(abs(values.mean() - 1) < 5 * np.sqrt(p / (1 - p) / n))
    return out


def case_dropout_eval_and_extremes(rng):
    """Dropout is the identity in eval mode and for p=0; p=1 gives zeros of the input's dtype."""
    from tinytorch.regularization import Dropout, dropout
    from tinytorch.tensor import Tensor

    x = Tensor(rng.standard_normal((3, 4)).astype(np.float32))
    layer = Dropout(0.9)
    zeros = dropout(Tensor(np.ones((3, 4), dtype=np.float32), requires_grad=True), 1.0)
    return {"eval_is_x": dropout(x, 0.5, training=False) is x, "p0_is_x": dropout(x, 0.0) is x,
            "layer_eval_is_x": layer.eval()(x) is x, "layer_train_not_x": layer.train()(x) is not x,
            "zeros": zeros}


def case_dropout_layer_in_a_model(rng):
    """A Dropout layer follows its model's mode, has no state, and prints as PyTorch."""
    from tinytorch.layers import Linear, Sequential
    from tinytorch.regularization import Dropout, Dropout2d
    from tinytorch.tensor import Tensor, manual_seed

    model = Sequential(Linear(4, 4), Dropout(0.5))
    model.load_state_dict({k: rng.standard_normal(v.shape) for k, v in model.state_dict().items()})
    x = Tensor(np.ones((8, 4), dtype=np.float32))
    model.eval()
    evaluated = model(x)
    model.train()
    manual_seed(1)
    text = repr(model[1]) + "|" + repr(Dropout2d(0.2))
    return {"eval": evaluated, "train": model(x), "n_params": len(list(model[1].parameters())),
            "n_state": len(model[1].state_dict()),
            "reprs": np.frombuffer(text.encode(), dtype=np.uint8)}


def case_dropout_backward(rng):
    """dropout's backward scales the gradient by the same mask (float32 and float64)."""
    from tinytorch.regularization import dropout, dropout2d
    from tinytorch.tensor import Tensor, manual_seed

    out = {}
    for dtype in (np.float32, np.float64):
        for name, fn in (("dropout", dropout), ("dropout2d", dropout2d)):
            x = Tensor(rng.standard_normal((5, 4, 2, 2)).astype(dtype), requires_grad=True)
            manual_seed(3)
            y = fn(x, 0.3)
            y.backward(Tensor(rng.standard_normal(x.shape).astype(dtype)))
            key = f"{name}_{np.dtype(dtype).name}"
            out[f"{key}_out"], out[f"{key}_grad"] = y.detach(), x.grad
    return out


def case_dropout2d_whole_channels(rng):
    """dropout2d zeroes whole channels by the exact per-channel mask: (N, C, H, W), (N, C, L)."""
    from tinytorch.regularization import Dropout2d, dropout2d
    from tinytorch.tensor import Tensor, manual_seed

    manual_seed(4)
    four = Dropout2d(0.5)(Tensor(np.ones((16, 8, 3, 3), dtype=np.float32)))
    manual_seed(4)
    three = dropout2d(Tensor(rng.standard_normal((4, 6, 5)).astype(np.float32)), 0.5)
    return {"four": four, "three": three}


def case_dropout_training_step(rng):
    """A float64 MLP with Dropout after manual_seed(2): loss, gradients, one SGD step, eval."""
    from tinytorch.activations import ReLU
    from tinytorch.layers import Linear, Sequential
    from tinytorch.regularization import Dropout
    from tinytorch.tensor import Tensor, manual_seed

    model = Sequential(Linear(4, 16, dtype=np.float64), ReLU(), Dropout(0.3),
                       Linear(16, 3, dtype=np.float64))
    model.load_state_dict({k: rng.standard_normal(v.shape) for k, v in model.state_dict().items()})
    x = Tensor(rng.standard_normal((8, 4)))
    manual_seed(2)
    return training_step(rng, model, x)


case_dropout_training_step.tolerance = (1e-9, 1e-12)


def case_dropout_bad_p(rng):
    """Dropout(1.5) raises ValueError."""
    from tinytorch.regularization import Dropout

    Dropout(1.5)


case_dropout_bad_p.raises = "ValueError"


def case_smooth_labels_values(rng):
    """smooth_labels: values, rows summing to 1, smoothing 0 and 1, shapes and dtype."""
    from tinytorch.regularization import smooth_labels
    from tinytorch.tensor import Tensor

    out = smooth_labels(Tensor(np.array([2, 0])), num_classes=4, smoothing=0.2)
    return {"values": out, "row_sums": out.sum(dim=1), "zero": smooth_labels([1], 3, 0.0),
            "one": smooth_labels(1, 4, 1.0),
            "nd": smooth_labels(np.array([[0, 1, 2], [2, 1, 0]]), 3, 0.3, dtype=np.float64),
            "random": smooth_labels(rng.integers(0, 7, 9), 7, 0.15)}


def case_smooth_labels_equal_label_smoothing(rng):
    """Cross-entropy against smooth_labels equals cross_entropy(label_smoothing=s)."""
    from tinytorch.losses import cross_entropy
    from tinytorch.regularization import smooth_labels
    from tinytorch.tensor import Tensor

    logits = Tensor(rng.normal(size=(8, 7)))
    labels = rng.integers(0, 7, 8)
    out = {}
    for i, s in enumerate((0.0, 0.1, 0.5)):
        soft = smooth_labels(labels, 7, s, dtype=np.float64)
        out[f"soft{i}"] = cross_entropy(logits, soft)
        out[f"smoothed{i}"] = cross_entropy(logits, labels, label_smoothing=s)
    return out


case_smooth_labels_equal_label_smoothing.tolerance = (1e-10, 1e-12)


def case_smooth_labels_class_out_of_range(rng):
    """smooth_labels([0, 5], 5, 0.1) raises IndexError."""
    from tinytorch.regularization import smooth_labels

    smooth_labels([0, 5], 5, 0.1)


case_smooth_labels_class_out_of_range.raises = "IndexError"


def case_weight_decay_groups(rng):
    """weight_decay_groups: >= 2-D weights decay; biases, norms and 1-D gains do not."""
    from tinytorch.regularization import weight_decay_groups

    net = _net()
    decay, no_decay = weight_decay_groups(net, 0.05)
    return {"decay": _positions(net, decay["params"]),
            "no_decay": _positions(net, no_decay["params"]),
            "rates": np.array([decay["weight_decay"], no_decay["weight_decay"]]),
            "keys": np.frombuffer("|".join(sorted(decay) + sorted(no_decay)).encode(), np.uint8)}


def case_weight_decay_groups_special_models(rng):
    """Norm layers are found by type (2-D LayerNorm weight); shared weights once; empty groups."""
    from tinytorch.layers import Linear, Sequential
    from tinytorch.normalization import BatchNorm2d, LayerNorm
    from tinytorch.regularization import weight_decay_groups

    model = Sequential(Linear(3, 3), BatchNorm2d(3), LayerNorm((2, 3)))
    decay, no_decay = weight_decay_groups(model, 0.1)
    a = Linear(3, 3)
    shared = Sequential(a, a)
    s_decay, s_no = weight_decay_groups(shared, 0.1)
    lone = Sequential(Linear(2, 2, bias=False))
    l_decay, l_no = weight_decay_groups(lone, 0.1)
    return {"norms_decay": _positions(model, decay["params"]),
            "norms_no": _positions(model, no_decay["params"]),
            "shared_decay": _positions(shared, s_decay["params"]),
            "shared_no": _positions(shared, s_no["params"]),
            "lone": np.array([len(l_decay["params"]), len(l_no["params"])])}


def case_adamw_step_with_decay_groups(rng):
    """Two AdamW steps on weight_decay_groups(net, 0.5): only the decay group shrinks."""
    from tinytorch.optimizers import AdamW
    from tinytorch.regularization import weight_decay_groups
    from tinytorch.tensor import Tensor

    net = _net()
    net.load_state_dict({k: rng.standard_normal(v.shape) if k.endswith(("weight", "bias",
                                                                        "scale", "table")) else v
                         for k, v in net.state_dict().items()})
    opt = AdamW(weight_decay_groups(net, 0.5), lr=0.1)
    for _ in range(2):
        for p in net.parameters():
            p.grad = Tensor(rng.standard_normal(p.shape).astype(np.float32))
        opt.step()
    return {name.replace(".", "_"): p for name, p in net.named_parameters()}
