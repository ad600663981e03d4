"""cross_entropy and nll_loss with PyTorch's options, on every combination.

Shapes (C,), (N, C), (N, C, d1), (N, C, d1, d2); class-index and
class-probability targets; weight, ignore_index, label_smoothing and the
three reductions. Values are checked against a float64 NumPy reference
written here (so a wrong value is caught without PyTorch) and against
torch.nn.functional where PyTorch is installed.

Gradients: this package comes before autograd, so it cannot compute them
itself. When a gradient engine is installed (tt-autograd registers one,
found by `Tensor.backward` through tt-tensor's entry point), the gradients
are checked by finite differences in float64 and against PyTorch; without
one, those tests skip and test_graph.py still checks that the losses are
connected to their inputs.
"""

from __future__ import annotations

import itertools

import numpy as np
import pytest
from tinytorch.losses import CrossEntropyLoss, NLLLoss, cross_entropy, nll_loss
from tinytorch.tensor import Tensor, get_engine
from tt_testing import assert_close, numerical_grad, torch_or_skip

SHAPES = {"C": (5,), "NC": (4, 5), "NCd": (3, 5, 2), "NCdd": (2, 5, 2, 3)}
WEIGHTS = ["none", "weight"]
IGNORES = ["none_ignored", "some_ignored", "ignore_class_2"]
SMOOTHING = [0.0, 0.25]
REDUCTIONS = ["mean", "sum", "none"]
INDEX_CASES = list(itertools.product(SHAPES, WEIGHTS, IGNORES, SMOOTHING, REDUCTIONS))
PROB_CASES = list(itertools.product(SHAPES, WEIGHTS, SMOOTHING, REDUCTIONS))
NLL_CASES = list(itertools.product(SHAPES, WEIGHTS, IGNORES, REDUCTIONS))


def case_id(case: tuple) -> str:
    return "-".join(str(part) for part in case)


def make_case(shape_name: str, weight: str, ignore: str, seed: int = 0) -> dict:
    """Small random logits (float64), class indices, and the options of one case."""
    rng = np.random.default_rng(seed)
    shape = SHAPES[shape_name]
    dim = 0 if len(shape) == 1 else 1
    n_classes = shape[dim]
    target_shape = () if len(shape) == 1 else shape[:1] + shape[2:]
    logits = rng.normal(0.0, 2.0, size=shape)
    labels = np.array(rng.integers(0, n_classes, size=target_shape))
    ignore_index = -100
    if ignore == "some_ignored":  # every other target; the only one of a (C,) input
        labels.reshape(-1)[::2] = -100  # a view: writes into labels
    elif ignore == "ignore_class_2":
        ignore_index = 2
        labels.reshape(-1)[0] = 2  # at least one target of the ignored class
    w = rng.uniform(0.2, 2.0, size=n_classes) if weight == "weight" else None
    probs = rng.uniform(0.0, 1.0, size=shape)
    probs = probs / probs.sum(axis=dim, keepdims=True)
    return {"logits": logits, "labels": labels, "ignore_index": ignore_index, "weight": w,
            "probs": probs, "dim": dim}


def ref_loss(x: np.ndarray, target: np.ndarray, weight: np.ndarray | None = None,
             ignore_index: int = -100, reduction: str = "mean", smoothing: float = 0.0,
             log_softmax: bool = True) -> np.ndarray:
    """PyTorch's cross-entropy (or nll_loss with log_softmax=False), in float64, loops-free.

    Written independently of the package: classes moved to the last axis,
    log-softmax by log-sum-exp, class picked with take_along_axis.
    """
    x = np.moveaxis(np.asarray(x, np.float64), 0 if x.ndim == 1 else 1, -1)  # (..., C)
    n_classes = x.shape[-1]
    if log_softmax:
        m = x.max(axis=-1, keepdims=True)
        logp = x - m - np.log(np.exp(x - m).sum(axis=-1, keepdims=True))
    else:
        logp = x
    w = np.ones(n_classes) if weight is None else np.asarray(weight, np.float64)
    if target.dtype.kind == "f":  # probabilities, classes moved last like x
        t = np.moveaxis(target, 0 if target.ndim == 1 else 1, -1)
        t = t * (1 - smoothing) + smoothing / n_classes
        loss = -(logp * t * w).sum(axis=-1)
        denominator = loss.size
    else:
        valid = target != ignore_index
        safe = np.where(valid, target, 0)
        nll = -np.take_along_axis(logp, safe[..., None], axis=-1)[..., 0] * w[safe]
        uniform = -(logp * w).sum(axis=-1)
        loss = np.where(valid, (1 - smoothing) * nll + smoothing / n_classes * uniform, 0.0)
        denominator = (w[safe] * valid).sum()
    if reduction == "sum":
        return np.asarray(loss.sum())
    if reduction == "mean":
        with np.errstate(invalid="ignore"):
            return np.asarray(loss.sum() / denominator)
    return loss


def needs_engine() -> None:
    if get_engine() is None:
        pytest.skip("no gradient engine installed (tt-autograd): gradients not checkable here")


def grad_of(fn, x: np.ndarray, upstream: np.ndarray) -> np.ndarray:
    """d sum(fn(x) * upstream) / dx, by this package's loss and the installed engine."""
    leaf = Tensor(x.copy(), dtype=np.float64, requires_grad=True)
    out = fn(leaf)
    (out * Tensor(upstream)).sum().backward()
    return leaf.grad.numpy()


def numeric_grad_of(fn, x: np.ndarray, upstream: np.ndarray) -> np.ndarray:
    return numerical_grad(lambda a: float((fn(Tensor(a)).data * upstream).sum()), x)[0]


def torch_loss(torch, x, target, weight, ignore_index, reduction, smoothing):
    F = torch.nn.functional
    return F.cross_entropy(
        x, torch.from_numpy(target), weight=None if weight is None else torch.from_numpy(weight),
        ignore_index=ignore_index, reduction=reduction, label_smoothing=smoothing,
    )


# ---------------------------------------------------------------- class indices


@pytest.mark.parametrize(("shape", "weight", "ignore", "smoothing", "reduction"), INDEX_CASES,
                         ids=[case_id(c) for c in INDEX_CASES])
def test_index_targets_vs_numpy_and_torch(shape, weight, ignore, smoothing, reduction) -> None:
    c = make_case(shape, weight, ignore)
    expected = ref_loss(c["logits"], c["labels"], c["weight"], c["ignore_index"], reduction,
                        smoothing)
    for dtype, rtol in ((np.float64, 1e-10), (np.float32, 2e-5)):
        w = None if c["weight"] is None else c["weight"].astype(dtype)
        out = cross_entropy(Tensor(c["logits"].astype(dtype)), c["labels"], weight=w,
                            ignore_index=c["ignore_index"], reduction=reduction,
                            label_smoothing=smoothing)
        assert out.dtype == dtype
        assert_close(out, expected, rtol=rtol, atol=rtol)
        obj = CrossEntropyLoss(weight=w, ignore_index=c["ignore_index"], reduction=reduction,
                               label_smoothing=smoothing)
        np.testing.assert_array_equal(obj(Tensor(c["logits"].astype(dtype)), c["labels"]).data,
                                      out.data)
    try:
        torch = torch_or_skip()
    except pytest.skip.Exception:
        return  # the NumPy reference above has judged the values
    expected_t = torch_loss(torch, torch.from_numpy(c["logits"]), c["labels"], c["weight"],
                            c["ignore_index"], reduction, smoothing)
    assert_close(out, expected_t, rtol=2e-5, atol=2e-5)


@pytest.mark.parametrize(("shape", "weight", "ignore", "smoothing", "reduction"), INDEX_CASES,
                         ids=[case_id(c) for c in INDEX_CASES])
def test_index_targets_gradients(shape, weight, ignore, smoothing, reduction) -> None:
    needs_engine()
    c = make_case(shape, weight, ignore, seed=1)
    upstream = np.random.default_rng(5).uniform(0.5, 1.5, size=c["labels"].shape)
    if reduction != "none":
        upstream = np.asarray(1.7)

    def fn(x: Tensor) -> Tensor:
        return cross_entropy(x, c["labels"], c["weight"], c["ignore_index"], reduction, smoothing)

    grad = grad_of(fn, c["logits"], upstream)
    value = ref_loss(c["logits"], c["labels"], c["weight"], c["ignore_index"], reduction,
                     smoothing)
    if np.all(np.isfinite(value)):
        assert_close(grad, numeric_grad_of(fn, c["logits"], upstream), rtol=1e-6, atol=1e-8)
    else:  # every target ignored: NaN loss, and PyTorch's gradient is zero
        assert_close(grad, np.zeros_like(grad))
    try:
        torch = torch_or_skip()
    except pytest.skip.Exception:
        return
    x = torch.tensor(c["logits"], requires_grad=True)
    out = torch_loss(torch, x, c["labels"], c["weight"], c["ignore_index"], reduction, smoothing)
    (out * torch.from_numpy(upstream)).sum().backward()
    assert_close(grad, x.grad, rtol=1e-8, atol=1e-10)


# ---------------------------------------------------------- class probabilities


@pytest.mark.parametrize(("shape", "weight", "smoothing", "reduction"), PROB_CASES,
                         ids=[case_id(c) for c in PROB_CASES])
def test_probability_targets_vs_numpy_and_torch(shape, weight, smoothing, reduction) -> None:
    c = make_case(shape, weight, "none_ignored")
    expected = ref_loss(c["logits"], c["probs"], c["weight"], -100, reduction, smoothing)
    out = cross_entropy(Tensor(c["logits"]), c["probs"], weight=c["weight"],
                        reduction=reduction, label_smoothing=smoothing)
    assert_close(out, expected, rtol=1e-10, atol=1e-12)
    out32 = CrossEntropyLoss(weight=c["weight"], reduction=reduction, label_smoothing=smoothing)(
        Tensor(c["logits"].astype(np.float32)), c["probs"].astype(np.float32))
    assert out32.dtype == np.float32
    assert_close(out32, expected, rtol=2e-5, atol=2e-5)
    try:
        torch = torch_or_skip()
    except pytest.skip.Exception:
        return
    expected_t = torch_loss(torch, torch.from_numpy(c["logits"]), c["probs"], c["weight"], -100,
                            reduction, smoothing)
    assert_close(out, expected_t, rtol=1e-10, atol=1e-12)


@pytest.mark.parametrize(("shape", "weight", "smoothing", "reduction"), PROB_CASES,
                         ids=[case_id(c) for c in PROB_CASES])
def test_probability_targets_gradients(shape, weight, smoothing, reduction) -> None:
    needs_engine()
    c = make_case(shape, weight, "none_ignored", seed=2)
    upstream = np.random.default_rng(6).uniform(0.5, 1.5, size=c["labels"].shape)
    if reduction != "none":
        upstream = np.asarray(0.6)
    # the gradient flows into the logits and into a target that requires one
    x = Tensor(c["logits"].copy(), requires_grad=True)
    p = Tensor(c["probs"].copy(), requires_grad=True)
    out = cross_entropy(x, p, c["weight"], reduction=reduction, label_smoothing=smoothing)
    (out * Tensor(upstream)).sum().backward()

    def value(a: np.ndarray, b: np.ndarray) -> float:
        loss = cross_entropy(Tensor(a), Tensor(b), c["weight"], reduction=reduction,
                             label_smoothing=smoothing)
        return float((loss.data * upstream).sum())

    gx, gp = numerical_grad(value, c["logits"], c["probs"])
    assert_close(x.grad, gx, rtol=1e-6, atol=1e-8)
    assert_close(p.grad, gp, rtol=1e-6, atol=1e-8)
    try:
        torch = torch_or_skip()
    except pytest.skip.Exception:
        return
    tx = torch.tensor(c["logits"], requires_grad=True)
    tp = torch.tensor(c["probs"], requires_grad=True)
    F = torch.nn.functional
    out_t = F.cross_entropy(tx, tp, weight=None if c["weight"] is None else
                            torch.from_numpy(c["weight"]), reduction=reduction,
                            label_smoothing=smoothing)
    (out_t * torch.from_numpy(upstream)).sum().backward()
    assert_close(x.grad, tx.grad, rtol=1e-8, atol=1e-10)
    assert_close(p.grad, tp.grad, rtol=1e-8, atol=1e-10)


# -------------------------------------------------------------------- nll_loss


@pytest.mark.parametrize(("shape", "weight", "ignore", "reduction"), NLL_CASES,
                         ids=[case_id(c) for c in NLL_CASES])
def test_nll_loss_vs_numpy_and_torch(shape, weight, ignore, reduction) -> None:
    c = make_case(shape, weight, ignore, seed=3)
    log_probs = c["logits"] - np.log(np.exp(c["logits"]).sum(axis=c["dim"], keepdims=True))
    expected = ref_loss(log_probs, c["labels"], c["weight"], c["ignore_index"], reduction,
                        log_softmax=False)
    out = nll_loss(Tensor(log_probs), c["labels"], weight=c["weight"],
                   ignore_index=c["ignore_index"], reduction=reduction)
    assert_close(out, expected, rtol=1e-12, atol=1e-12)
    obj = NLLLoss(weight=c["weight"], ignore_index=c["ignore_index"], reduction=reduction)
    np.testing.assert_array_equal(obj(Tensor(log_probs), c["labels"]).data, out.data)
    # cross-entropy is nll_loss after a log-softmax
    ce = cross_entropy(Tensor(c["logits"]), c["labels"], weight=c["weight"],
                       ignore_index=c["ignore_index"], reduction=reduction)
    assert_close(ce, out, rtol=1e-12, atol=1e-12)
    try:
        torch = torch_or_skip()
    except pytest.skip.Exception:
        return
    expected_t = torch.nn.functional.nll_loss(
        torch.from_numpy(log_probs), torch.from_numpy(c["labels"]),
        weight=None if c["weight"] is None else torch.from_numpy(c["weight"]),
        ignore_index=c["ignore_index"], reduction=reduction)
    assert_close(out, expected_t, rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize(("shape", "weight", "ignore", "reduction"), NLL_CASES,
                         ids=[case_id(c) for c in NLL_CASES])
def test_nll_loss_gradients(shape, weight, ignore, reduction) -> None:
    needs_engine()
    c = make_case(shape, weight, ignore, seed=4)
    upstream = np.random.default_rng(7).uniform(0.5, 1.5, size=c["labels"].shape)
    if reduction != "none":
        upstream = np.asarray(1.3)

    def fn(x: Tensor) -> Tensor:
        return nll_loss(x, c["labels"], c["weight"], c["ignore_index"], reduction)

    grad = grad_of(fn, c["logits"], upstream)
    if np.all(np.isfinite(fn(Tensor(c["logits"])).data)):
        assert_close(grad, numeric_grad_of(fn, c["logits"], upstream), rtol=1e-6, atol=1e-8)
    # only the picked entries get a gradient (-weight[y] * upstream / denominator)
    n_classes = c["logits"].shape[c["dim"]]
    classes = np.arange(n_classes).reshape([-1] + [1] * (c["logits"].ndim - 1 - c["dim"]))
    unpicked = classes != np.expand_dims(c["labels"], c["dim"])  # the input's shape
    assert np.all(grad[unpicked] == 0)
    try:
        torch = torch_or_skip()
    except pytest.skip.Exception:
        return
    x = torch.tensor(c["logits"], requires_grad=True)
    out = torch.nn.functional.nll_loss(
        x, torch.from_numpy(c["labels"]),
        weight=None if c["weight"] is None else torch.from_numpy(c["weight"]),
        ignore_index=c["ignore_index"], reduction=reduction)
    (out * torch.from_numpy(upstream)).sum().backward()
    assert_close(grad, x.grad, rtol=1e-10, atol=1e-12)
