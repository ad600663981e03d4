"""Part II, judged without PyTorch: vision values against stored float64 numbers.

As integration/part1/test_expected_values.py does for Part I (both use
tt_testing's `ExpectedValues`): small fixed float64
examples through convolution, pooling, normalisation, label smoothing, the
batch transforms and a short conv-net training run, each number compared
with the reference implementation's, stored in `expected_values.json` beside
this file. Random draws (dropout masks, random crops) are left out: a
correct package may draw its random numbers in another order.

Regenerate the file after a deliberate change of the reference's numbers:

    python integration/make_expected.py part2

Each case names the last module it needs (`requires`), so a module's session
runs the cases its prefix covers. The modules are imported inside the cases.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from tt_testing import ExpectedValues
from tt_testing.expected import Values, arr, data

pytestmark = pytest.mark.requires("tt-tensor")

BOOK = ExpectedValues(Path(__file__).with_name("expected_values.json"),
                      "python integration/make_expected.py part2")
case = BOOK.case


def tensor(values: np.ndarray, requires_grad: bool = False):
    from tinytorch.tensor import Tensor

    return Tensor(values, dtype=np.float64, requires_grad=requires_grad)


def grads_of(out, *inputs, seed: int = 90) -> Values:
    """Backward of sum(out * fixed weights): the gradient of each input, as float64."""
    weights = tensor(data(*out.shape, seed=seed))
    (out * weights).sum().backward()
    return {f"grad{i}": arr(x.grad) for i, x in enumerate(inputs)}


# -- 09 spatial --------------------------------------------------------------------------------
CONVS = {  # name: (input shape, weight shape, keyword arguments)
    "plain": ((2, 3, 6, 5), (4, 3, 3, 3), {}),
    "stride_pad": ((2, 3, 7, 6), (4, 3, 3, 2), {"stride": 2, "padding": 1}),
    "dilation": ((1, 2, 7, 7), (3, 2, 3, 3), {"dilation": 2, "padding": (1, 2)}),
    "groups": ((2, 4, 5, 5), (6, 2, 3, 3), {"groups": 2, "stride": (1, 2)}),
}


@case("tt-spatial")
def conv2d() -> Values:
    from tinytorch.spatial import conv2d

    out: Values = {}
    for name, (xs, ws, kw) in CONVS.items():
        x, w = tensor(data(*xs, seed=1), True), tensor(data(*ws, seed=2, scale=0.5), True)
        b = tensor(data(ws[0], seed=3), True)
        y = conv2d(x, w, b, **kw)
        out[f"{name}.out"] = arr(y)
        out.update({f"{name}.{k}": v for k, v in grads_of(y, x, w, b).items()})
    return out


@case("tt-spatial")
def pooling() -> Values:
    from tinytorch.spatial import adaptive_avg_pool2d, avg_pool2d, max_pool2d

    ties = np.round(data(2, 2, 7, 6, seed=4, scale=2.0))  # rounded: ties in the windows
    runs = {
        "max_2": lambda x: max_pool2d(x, 2),
        "max_overlap": lambda x: max_pool2d(x, 3, stride=2, padding=1),
        "avg_2": lambda x: avg_pool2d(x, 2),
        "avg_overlap": lambda x: avg_pool2d(x, 3, stride=2, padding=1),
        "adaptive_3x2": lambda x: adaptive_avg_pool2d(x, (3, 2)),
    }
    out: Values = {}
    for name, f in runs.items():
        x = tensor(ties, True)
        y = f(x)
        out[f"{name}.out"], out[f"{name}.grad"] = arr(y), grads_of(y, x)["grad0"]
    return out


# -- 10 dataloader ----------------------------------------------------------------------------
@case("tt-dataloader")
def transforms() -> Values:
    from tinytorch.dataloader import Compose, Normalize, ToTensor

    gray = (np.arange(2 * 4 * 3) * 11 % 256).astype(np.uint8).reshape(2, 4, 3)
    rgb = (np.arange(2 * 3 * 2 * 3) * 7 % 256).astype(np.uint8).reshape(2, 3, 2, 3)
    return {"gray": arr(Compose([ToTensor(), Normalize(0.5, 0.25)])(gray)),
            "rgb": arr(Compose([ToTensor(), Normalize((0.1, 0.2, 0.3), (0.5, 0.6, 0.7))])(rgb))}


# -- 11 normalization -------------------------------------------------------------------------
@case("tt-normalization")
def batch_norm() -> Values:
    from tinytorch.normalization import BatchNorm1d, BatchNorm2d

    out: Values = {}
    for name, layer, shape in (("bn2d", BatchNorm2d(3, momentum=0.2, dtype=np.float64),
                                (4, 3, 3, 2)),
                               ("bn1d", BatchNorm1d(5, dtype=np.float64), (6, 5))):
        layer.load_state_dict({**layer.state_dict(),
                               "weight": 1 + 0.3 * data(shape[1], seed=5),
                               "bias": data(shape[1], seed=6)})
        for step in range(2):
            x = tensor(data(*shape, seed=7 + step, scale=2.0) + step, True)
            y = layer(x)
            grads = grads_of(y, x, layer.weight, layer.bias)
            layer.weight.grad = layer.bias.grad = None
        out[f"{name}.train"], out[f"{name}.grad_x"] = arr(y), grads["grad0"]
        out[f"{name}.grad_w"], out[f"{name}.grad_b"] = grads["grad1"], grads["grad2"]
        out[f"{name}.running_mean"] = arr(layer.running_mean)
        out[f"{name}.running_var"] = arr(layer.running_var)
        layer.eval()
        out[f"{name}.eval"] = arr(layer(tensor(data(*shape, seed=9))))
    return out


@case("tt-normalization")
def layer_norm() -> Values:
    from tinytorch.normalization import LayerNorm

    norm = LayerNorm((3, 4), dtype=np.float64)
    norm.load_state_dict({"weight": 1 + 0.2 * data(3, 4, seed=10), "bias": data(3, 4, seed=11)})
    x = tensor(data(2, 3, 4, seed=12, scale=3.0), True)
    y = norm(x)
    grads = grads_of(y, x, norm.weight, norm.bias)
    return {"out": arr(y), "grad_x": grads["grad0"], "grad_w": grads["grad1"],
            "grad_b": grads["grad2"]}


# -- 12 regularization ------------------------------------------------------------------------
@case("tt-regularization")
def label_smoothing_and_dropout_eval() -> Values:
    from tinytorch.losses import CrossEntropyLoss
    from tinytorch.regularization import Dropout, smooth_labels

    classes = np.array([0, 2, 1, 2])
    soft = smooth_labels(classes, 3, smoothing=0.2, dtype=np.float64)
    logits = tensor(data(4, 3, seed=13, scale=2.0))
    drop = Dropout(0.5)
    drop.eval()
    return {"soft": arr(soft), "loss": arr(CrossEntropyLoss()(logits, soft)),
            "dropout_eval": arr(drop(logits))}


@case("tt-regularization")
def conv_net_training() -> Values:
    """Three SGD steps of conv - BN - ReLU - max-pool - linear, weights from `data`."""
    from tinytorch.activations import ReLU
    from tinytorch.layers import Linear, Sequential
    from tinytorch.losses import CrossEntropyLoss
    from tinytorch.normalization import BatchNorm2d
    from tinytorch.optimizers import SGD
    from tinytorch.regularization import weight_decay_groups
    from tinytorch.spatial import Conv2d, Flatten, MaxPool2d

    f64 = np.float64
    model = Sequential(Conv2d(1, 3, 3, padding=1, dtype=f64), BatchNorm2d(3, dtype=f64), ReLU(),
                       MaxPool2d(2), Flatten(), Linear(12, 3, dtype=f64))
    state = model.state_dict()
    model.load_state_dict({**state, **{k: data(*np.shape(v), seed=20 + i, scale=0.5)
                                       for i, (k, v) in enumerate(sorted(state.items()))
                                       if k.endswith(("weight", "bias"))}})
    opt = SGD(weight_decay_groups(model, 0.01), lr=0.1, momentum=0.9)
    x, y = tensor(data(6, 1, 4, 4, seed=30)), np.array([0, 1, 2, 0, 1, 2])
    losses = []
    for _ in range(3):
        opt.zero_grad()
        loss = CrossEntropyLoss()(model(x), y)
        loss.backward()
        opt.step()
        losses.append(loss.item())
    model.eval()
    return {"losses": np.array(losses), "eval_out": arr(model(x)),
            **{f"param.{k}": arr(v) for k, v in model.state_dict().items()}}


# -- the comparison --------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def expected() -> dict:
    return BOOK.load()


@pytest.mark.parametrize("name", BOOK.params())
def test_values_equal_the_reference(name: str, expected: dict) -> None:
    BOOK.check(name, expected)


def test_the_stored_file_has_no_stale_cases(expected: dict) -> None:
    BOOK.check_no_stale_cases(expected)


def test_stored_values_agree_with_pytorch(expected: dict) -> None:
    """The stored numbers themselves, checked against PyTorch where it is installed."""
    from tt_testing import torch_or_skip

    torch = torch_or_skip()
    F = torch.nn.functional
    stored = expected["cases"]

    def want(case_name: str, key: str) -> np.ndarray:
        v = stored[case_name][key]
        return np.array(v["values"]).reshape(v["shape"])

    for name, (xs, ws, kw) in CONVS.items():
        x = torch.tensor(data(*xs, seed=1), requires_grad=True)
        w = torch.tensor(data(*ws, seed=2, scale=0.5), requires_grad=True)
        b = torch.tensor(data(ws[0], seed=3), requires_grad=True)
        y = F.conv2d(x, w, b, **kw)
        (y * torch.tensor(data(*y.shape, seed=90))).sum().backward()
        np.testing.assert_allclose(want("conv2d", f"{name}.out"), y.detach().numpy(),
                                   rtol=1e-9, atol=1e-12)
        for i, t in enumerate((x, w, b)):
            np.testing.assert_allclose(want("conv2d", f"{name}.grad{i}"), t.grad.numpy(),
                                       rtol=1e-9, atol=1e-12)
    x = torch.tensor(np.round(data(2, 2, 7, 6, seed=4, scale=2.0)), requires_grad=True)
    y = F.max_pool2d(x, 3, stride=2, padding=1)
    (y * torch.tensor(data(*y.shape, seed=90))).sum().backward()
    np.testing.assert_allclose(want("pooling", "max_overlap.out"), y.detach().numpy())
    np.testing.assert_allclose(want("pooling", "max_overlap.grad"), x.grad.numpy())
