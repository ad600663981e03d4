"""weight_decay_groups: which parameters decay, the group format, and an AdamW step."""

from __future__ import annotations

import numpy as np
import pytest
from tinytorch.layers import Linear, Module, Parameter, Sequential
from tinytorch.normalization import BatchNorm1d, BatchNorm2d, LayerNorm
from tinytorch.regularization import Dropout, weight_decay_groups
from tinytorch.tensor import manual_seed
from tt_testing import assert_close, torch_or_skip


class Net(Module):
    def __init__(self) -> None:
        super().__init__()
        self.fc1 = Linear(4, 6)
        self.bn = BatchNorm1d(6)
        self.drop = Dropout(0.1)
        self.fc2 = Linear(6, 5, bias=False)
        self.ln = LayerNorm(5)
        self.scale = Parameter(np.ones(5, dtype=np.float32))  # 1-D: a gain, no decay
        self.table = Parameter(np.ones((3, 5), dtype=np.float32))  # 2-D: decays


def ids(params):
    return [id(p) for p in params]


def test_groups_split_weights_from_biases_norms_and_1d() -> None:
    net = Net()
    decay, no_decay = weight_decay_groups(net, 0.05)
    assert decay["weight_decay"] == 0.05 and no_decay["weight_decay"] == 0.0
    assert set(decay) == set(no_decay) == {"params", "weight_decay"}
    # in named_parameters() order: the module's own parameters first, then its children's
    assert ids(decay["params"]) == ids([net.table, net.fc1.weight, net.fc2.weight])
    assert ids(no_decay["params"]) == ids([net.scale, net.fc1.bias, net.bn.weight, net.bn.bias,
                                           net.ln.weight, net.ln.bias])
    # every parameter exactly once
    assert sorted(ids(decay["params"] + no_decay["params"])) == sorted(ids(net.parameters()))


def test_norm_layers_are_recognised_by_type_even_with_2d_weights() -> None:
    model = Sequential(Linear(3, 3), BatchNorm2d(3), LayerNorm((2, 3)))
    decay, no_decay = weight_decay_groups(model, 0.1)
    assert ids(decay["params"]) == [id(model[0].weight)]
    assert model[2].weight.ndim == 2 and id(model[2].weight) in ids(no_decay["params"])


def test_shared_parameters_appear_once_and_empty_groups_are_allowed() -> None:
    a = Linear(3, 3)
    model = Sequential(a, a)
    decay, no_decay = weight_decay_groups(model, 0.1)
    assert ids(decay["params"]) == [id(a.weight)] and ids(no_decay["params"]) == [id(a.bias)]
    decay, no_decay = weight_decay_groups(Sequential(Linear(2, 2, bias=False)), 0.1)
    assert len(decay["params"]) == 1 and no_decay["params"] == []


def test_errors() -> None:
    with pytest.raises(TypeError, match="expected a Module"):
        weight_decay_groups([Linear(2, 2).weight], 0.1)
    with pytest.raises(ValueError, match="non-negative number"):
        weight_decay_groups(Linear(2, 2), -1.0)


def adamw_first_step(p, g, lr, wd, eps=1e-8):
    """One AdamW step from zero state in float64: decoupled decay, then g / (|g| + eps)."""
    return p * (1 - lr * wd) - lr * g / (np.abs(g) + eps)


def test_an_adamw_step_decays_only_the_decay_group() -> None:
    # tinytorch.optimizers is a later install than this package needs, so the step
    # is checked against the AdamW formula (below) and PyTorch's AdamW (if installed)
    torch = torch_or_skip()
    manual_seed(0)
    net = Net()
    rng = np.random.default_rng(0)
    grads = {name: rng.normal(size=p.shape) for name, p in net.named_parameters()}
    before = {name: p.data.astype(np.float64) for name, p in net.named_parameters()}
    tensors = {name: torch.tensor(before[name], requires_grad=True) for name in before}
    by_id = {id(p): name for name, p in net.named_parameters()}
    groups = [{"params": [tensors[by_id[id(p)]] for p in group["params"]],
               "weight_decay": group["weight_decay"]}
              for group in weight_decay_groups(net, 0.5)]
    optimizer = torch.optim.AdamW(groups, lr=0.1)
    for name, t in tensors.items():
        t.grad = torch.tensor(grads[name])
    optimizer.step()
    decayed = {by_id[id(p)] for p in weight_decay_groups(net, 0.5)[0]["params"]}
    assert decayed == {"fc1.weight", "fc2.weight", "table"}
    for name, t in tensors.items():
        wd = 0.5 if name in decayed else 0.0
        expected = adamw_first_step(before[name], grads[name], 0.1, wd)
        assert_close(t.detach().numpy(), expected, rtol=1e-6, atol=1e-7)

