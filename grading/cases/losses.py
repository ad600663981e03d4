"""Differential cases of tt-losses (module 05): values of every loss, options and errors.

Each `case_*` gets its own `rng` (seeded by its name) and returns arrays; the
grader compares them with the reference package's. Cases import tinytorch
inside their body, so a package that does not import fails its cases only.
Public API only: tinytorch.losses and tinytorch.tensor (gradients of the
losses are checked by later modules' cases, once autograd is installed).
"""

import numpy as np

REDUCTIONS = ("mean", "sum", "none")


def _logits(rng, *shape, scale=2.0, dtype=np.float32):
    from tinytorch.tensor import Tensor

    return Tensor(rng.normal(0.0, scale, size=shape).astype(dtype))


def case_mse_reductions(rng):
    """mse_loss and MSELoss with 'mean', 'sum' and 'none' on (4, 5) float32 values."""
    from tinytorch.losses import MSELoss, mse_loss

    x, y = _logits(rng, 4, 5), rng.normal(size=(4, 5)).astype(np.float32)
    out = {r: mse_loss(x, y, reduction=r) for r in REDUCTIONS}
    out["object"] = MSELoss(reduction="sum")(x, y)
    out["equal_is_zero"] = mse_loss(x, x.numpy().copy())
    return out


def case_mse_int_target_and_float64(rng):
    """mse_loss casts an integer target; float64 inputs stay float64; large values stay finite."""
    from tinytorch.losses import mse_loss
    from tinytorch.tensor import Tensor

    return {"int_target": mse_loss(Tensor(np.array([1.5, 2.5], np.float32)), np.array([1, 3])),
            "float64": mse_loss(_logits(rng, 3, 2, dtype=np.float64), rng.normal(size=(3, 2))),
            "large": mse_loss(Tensor(np.array([1e18, -1e18], np.float32)), np.zeros(2))}


def case_mse_shape_mismatch(rng):
    """mse_loss of (4, 5) against (5,) raises ValueError."""
    from tinytorch.losses import mse_loss

    mse_loss(_logits(rng, 4, 5), np.zeros(5, np.float32))


case_mse_shape_mismatch.raises = "ValueError"


def case_cross_entropy_reductions(rng):
    """cross_entropy of (6, 4) logits and int labels: 'mean', 'sum', 'none', and the object."""
    from tinytorch.losses import CrossEntropyLoss, cross_entropy
    from tinytorch.tensor import Tensor

    x, labels = _logits(rng, 6, 4), rng.integers(0, 4, 6)
    out = {r: cross_entropy(x, labels, reduction=r) for r in REDUCTIONS}
    out["object"] = CrossEntropyLoss()(x, Tensor(labels.astype(np.int32)))
    out["uniform_logits"] = cross_entropy(Tensor(np.zeros((3, 5), np.float32)), [0, 2, 4])
    out["one_sample"] = cross_entropy(x[0], int(labels[0]))
    return out


def case_cross_entropy_extreme_logits(rng):
    """cross_entropy of logits +-1e4, 88, 100: finite and exact (a stable log-softmax)."""
    from tinytorch.losses import cross_entropy
    from tinytorch.tensor import Tensor

    logits = np.array([[1e4, -1e4, 0.0], [1e4, -1e4, 0.0], [-1e4, -1e4, -1e4],
                       [88.0, 100.0, -100.0]], dtype=np.float32)
    return cross_entropy(Tensor(logits), np.array([0, 1, 2, 0]), reduction="none")


def case_cross_entropy_ignore_index(rng):
    """Targets equal to ignore_index (-100 or -7) count for nothing; all ignored gives nan."""
    from tinytorch.losses import cross_entropy, nll_loss

    x = _logits(rng, 6, 4)
    labels = np.array([3, -100, 1, -100, 2, 3])
    return {"none": cross_entropy(x, labels, reduction="none"), "mean": cross_entropy(x, labels),
            "other_index": cross_entropy(x, np.where(labels < 0, -7, labels), ignore_index=-7),
            "all_ignored": cross_entropy(x, np.full(6, -100)),
            "all_ignored_sum": cross_entropy(x, np.full(6, -100), reduction="sum"),
            "nll_all_ignored": nll_loss(x, np.full(6, -100))}


def case_cross_entropy_class_weights(rng):
    """Class weights: 'mean' divides by the weight of the targets; 'none' and the object."""
    from tinytorch.losses import CrossEntropyLoss, cross_entropy
    from tinytorch.tensor import Tensor

    x, labels = _logits(rng, 6, 4), rng.integers(0, 4, 6)
    w = np.array([1.0, 2.0, 0.5, 4.0])
    return {"mean": cross_entropy(x, labels, weight=w),
            "none": cross_entropy(x, labels, weight=w, reduction="none"),
            "object": CrossEntropyLoss(weight=Tensor(w))(x, labels)}


def case_cross_entropy_label_smoothing(rng):
    """label_smoothing 0.1, 0.3 and 1.0 (the label then does not matter); all options at once."""
    from tinytorch.losses import CrossEntropyLoss, cross_entropy
    from tinytorch.tensor import Tensor

    x, labels = _logits(rng, 6, 4), rng.integers(0, 4, 6)
    return {"s01": cross_entropy(x, labels, label_smoothing=0.1),
            "s03_none": cross_entropy(x, labels, label_smoothing=0.3, reduction="none"),
            "s1": cross_entropy(x, labels, label_smoothing=1.0, reduction="none"),
            "s1_shifted": cross_entropy(x, (labels + 1) % 4, label_smoothing=1.0,
                                        reduction="none"),
            "uniform": cross_entropy(Tensor(np.zeros((2, 4))), np.array([1, 3]),
                                     label_smoothing=0.3),
            "all_options": CrossEntropyLoss(weight=[1.0, 2.0, 3.0, 4.0], ignore_index=3,
                                            label_smoothing=0.1)(x, labels)}


def case_cross_entropy_probability_targets(rng):
    """Class-probability targets: soft labels, and one-hot targets equal to class indices."""
    from tinytorch.losses import cross_entropy

    x, labels = _logits(rng, 6, 4), rng.integers(0, 4, 6)
    soft = rng.dirichlet(np.ones(4), size=6).astype(np.float32)
    one_hot = np.eye(4, dtype=np.float32)[labels]
    out = {f"soft_{r}": cross_entropy(x, soft, reduction=r) for r in REDUCTIONS}
    out["one_hot"] = cross_entropy(x, one_hot, reduction="none")
    out["indices"] = cross_entropy(x, labels, reduction="none")
    out["soft_smoothed_weighted"] = cross_entropy(x, soft, weight=np.arange(1.0, 5.0),
                                                  label_smoothing=0.2)
    return out


def case_cross_entropy_spatial(rng):
    """cross_entropy of (N, C, H, W) logits and (N, H, W) labels, per pixel and averaged."""
    from tinytorch.losses import cross_entropy

    x, y = _logits(rng, 2, 4, 3, 5), rng.integers(0, 4, size=(2, 3, 5))
    return {"none": cross_entropy(x, y, reduction="none"), "mean": cross_entropy(x, y)}


def case_cross_entropy_label_out_of_range(rng):
    """A class index 4 for 4 classes raises IndexError."""
    from tinytorch.losses import cross_entropy

    cross_entropy(_logits(rng, 6, 4), np.array([0, 1, 4, 0, 0, 0]))


case_cross_entropy_label_out_of_range.raises = "IndexError"


def case_cross_entropy_float_labels(rng):
    """Class indices given as float32 numbers raise TypeError."""
    from tinytorch.losses import cross_entropy

    cross_entropy(_logits(rng, 6, 4), rng.integers(0, 4, 6).astype(np.float32))


case_cross_entropy_float_labels.raises = "TypeError"


def case_cross_entropy_target_shape_mismatch(rng):
    """A (5,) target for (6, 4) logits raises ValueError."""
    from tinytorch.losses import cross_entropy

    cross_entropy(_logits(rng, 6, 4), np.zeros(5, dtype=np.int64))


case_cross_entropy_target_shape_mismatch.raises = "ValueError"


def case_nll_loss(rng):
    """nll_loss of log-probabilities: reductions, class weights, ignore_index, NLLLoss object."""
    from tinytorch.losses import NLLLoss, nll_loss
    from tinytorch.tensor import Tensor

    logp = np.log(rng.dirichlet(np.ones(5), size=7)).astype(np.float32)
    labels = rng.integers(0, 5, 7)
    labels[2] = -100
    x = Tensor(logp)
    out = {r: nll_loss(x, labels, reduction=r) for r in REDUCTIONS}
    out["weighted"] = nll_loss(x, labels, weight=np.linspace(0.5, 2.0, 5))
    out["object"] = NLLLoss(reduction="sum", ignore_index=1)(x, np.where(labels < 0, 1, labels))
    return out


def case_bce_values_and_reductions(rng):
    """binary_cross_entropy of probabilities against soft targets, every reduction, BCELoss."""
    from tinytorch.losses import BCELoss, binary_cross_entropy
    from tinytorch.tensor import Tensor

    p = Tensor(rng.uniform(0.01, 0.99, (4, 5)).astype(np.float32))
    y = rng.uniform(0.0, 1.0, (4, 5)).astype(np.float32)
    out = {r: binary_cross_entropy(p, y, reduction=r) for r in REDUCTIONS}
    out["object"] = BCELoss(reduction="sum")(p, Tensor(y))
    return out


def case_bce_clamps_log(rng):
    """binary_cross_entropy clamps log at -100 for p = 0 or 1; subnormal p stays exact."""
    from tinytorch.losses import binary_cross_entropy
    from tinytorch.tensor import Tensor

    p = np.array([0.0, 1.0, 0.0, 1.0, 1e-45, 0.5], dtype=np.float32)
    y = np.array([1.0, 0.0, 0.0, 1.0, 1.0, 1.0], dtype=np.float32)
    tiny = np.array([1e-40, 3e-39, 1e-30], dtype=np.float32)
    return {"clamped": binary_cross_entropy(Tensor(p), y, reduction="none"),
            "subnormal": binary_cross_entropy(Tensor(tiny), np.ones(3), reduction="none")}


case_bce_clamps_log.tolerance = (1e-5, 0.0)


def case_bce_outside_0_1(rng):
    """binary_cross_entropy of 'probabilities' -0.5 and 1.5 raises ValueError."""
    from tinytorch.losses import binary_cross_entropy
    from tinytorch.tensor import Tensor

    binary_cross_entropy(Tensor(np.array([-0.5, 0.5, 1.5], dtype=np.float32)), np.zeros(3))


case_bce_outside_0_1.raises = "ValueError"


def case_bce_with_logits(rng):
    """binary_cross_entropy_with_logits on random logits, every reduction, BCEWithLogitsLoss."""
    from tinytorch.losses import BCEWithLogitsLoss, binary_cross_entropy_with_logits

    x = _logits(rng, 4, 5, scale=4.0)
    y = rng.uniform(0.0, 1.0, (4, 5)).astype(np.float32)
    out = {r: binary_cross_entropy_with_logits(x, y, reduction=r) for r in REDUCTIONS}
    out["object"] = BCEWithLogitsLoss()(x, y)
    return out


def case_bce_with_logits_extremes(rng):
    """binary_cross_entropy_with_logits at logits +-1e4, +-100, +-88 for targets 0, 1, 0.3."""
    from tinytorch.losses import binary_cross_entropy_with_logits
    from tinytorch.tensor import Tensor

    x = Tensor(np.array([-1e4, -100.0, -88.0, -20.0, -1.0, 0.0, 1e-30, 1.0, 20.0, 88.0, 100.0,
                         1e4], dtype=np.float32))
    return {f"y{int(10 * y)}": binary_cross_entropy_with_logits(
        x, np.full(12, y, dtype=np.float32), reduction="none") for y in (0.0, 1.0, 0.3)}


def case_float64_stays_float64(rng):
    """Every loss of float64 inputs is float64, exact to 1e-12."""
    from tinytorch.losses import (
        binary_cross_entropy,
        binary_cross_entropy_with_logits,
        cross_entropy,
        mse_loss,
        nll_loss,
    )
    from tinytorch.tensor import Tensor

    x = _logits(rng, 5, 3, dtype=np.float64)
    probs = Tensor(rng.uniform(0.05, 0.95, (5, 3)))
    y = rng.uniform(0.0, 1.0, (5, 3))
    labels = rng.integers(0, 3, 5)
    return {"mse": mse_loss(x, y), "ce": cross_entropy(x, labels), "nll": nll_loss(x, labels),
            "bce": binary_cross_entropy(probs, y),
            "bce_logits": binary_cross_entropy_with_logits(x, y)}


case_float64_stays_float64.tolerance = (1e-12, 1e-14)


def case_bad_reduction(rng):
    """reduction='avg' raises ValueError."""
    from tinytorch.losses import mse_loss

    mse_loss(_logits(rng, 3), np.zeros(3, np.float32), reduction="avg")


case_bad_reduction.raises = "ValueError"


def case_inputs_not_modified(rng):
    """No loss changes its input or target tensors."""
    from tinytorch.losses import binary_cross_entropy_with_logits, cross_entropy, mse_loss
    from tinytorch.tensor import Tensor

    x = _logits(rng, 4, 3)
    y = Tensor(rng.uniform(0, 1, (4, 3)).astype(np.float32))
    before = x.numpy().copy(), y.numpy().copy()
    mse_loss(x, y)
    binary_cross_entropy_with_logits(x, y)
    cross_entropy(x, np.array([0, 1, 2, 0]))
    return np.array_equal(before[0], x.numpy()) and np.array_equal(before[1], y.numpy())
