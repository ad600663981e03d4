"""Module machinery: registration, names, dedup, modes, zero_grad, state dicts, repr."""

from __future__ import annotations

import numpy as np
import pytest
from tinytorch.layers import IncompatibleKeys, Linear, Module, Parameter, Sequential
from tinytorch.tensor import Tensor, manual_seed


class Block(Module):
    def __init__(self) -> None:
        super().__init__()
        self.fc1 = Linear(3, 4)
        self.scale = Parameter(np.ones(4, dtype=np.float32))
        self.fc2 = Linear(4, 2, bias=False)

    def forward(self, x: Tensor) -> Tensor:
        return self.fc2(self.fc1(x) * self.scale)


class Net(Module):
    def __init__(self) -> None:
        super().__init__()
        self.block = Block()
        self.head = Sequential(Linear(2, 2), Linear(2, 1))
        self.register_buffer("steps", Tensor(np.zeros(1, dtype=np.float32)))

    def forward(self, x: Tensor) -> Tensor:
        return self.head(self.block(x))


def test_parameter_is_a_float_tensor_requiring_grad() -> None:
    p = Parameter(np.arange(3))
    assert isinstance(p, Tensor)
    assert p.requires_grad
    assert p.dtype == np.float32
    np.testing.assert_array_equal(p.data, [0.0, 1.0, 2.0])
    assert Parameter(np.zeros(2), requires_grad=False).requires_grad is False
    assert Parameter(np.zeros(2)).dtype == np.float64
    q = Parameter(Tensor(np.ones((2, 2), dtype=np.float32)))
    assert q.shape == (2, 2)
    assert repr(q).startswith("Parameter containing:\n")


def test_parameter_rejects_non_numbers() -> None:
    with pytest.raises(TypeError, match="Parameter"):
        Parameter(np.array(["a"]))


def test_named_parameters_nested_order_and_names() -> None:
    names = [name for name, _ in Net().named_parameters()]
    # a module's own parameters come before its children's, as in PyTorch
    assert names == [
        "block.scale",
        "block.fc1.weight",
        "block.fc1.bias",
        "block.fc2.weight",
        "head.0.weight",
        "head.0.bias",
        "head.1.weight",
        "head.1.bias",
    ]
    assert all(isinstance(p, Parameter) for p in Net().parameters())
    own = [name for name, _ in Block().named_parameters(recurse=False)]
    assert own == ["scale"]


def test_shared_parameters_counted_once() -> None:
    layer = Linear(3, 3)
    model = Sequential(layer, layer)
    assert [n for n, _ in model.named_parameters()] == ["0.weight", "0.bias"]
    tied = Sequential(Linear(2, 2), Linear(2, 2))
    tied[1].weight = tied[0].weight
    params = list(tied.parameters())
    assert len(params) == 3
    assert len({id(p) for p in params}) == 3
    # the state dict still names every place a weight lives
    assert list(tied.state_dict()) == ["0.weight", "0.bias", "1.weight", "1.bias"]


def test_children_and_modules() -> None:
    net = Net()
    assert [name for name, _ in net.named_children()] == ["block", "head"]
    assert list(net.children()) == [net.block, net.head]
    names = [name for name, _ in net.named_modules()]
    assert names == ["", "block", "block.fc1", "block.fc2", "head", "head.0", "head.1"]
    mods = list(net.modules())
    assert mods[0] is net and len(mods) == 7


def test_buffers_are_state_but_not_parameters() -> None:
    net = Net()
    assert "steps" not in [n for n, _ in net.named_parameters()]
    assert [n for n, _ in net.named_buffers()] == ["steps"]
    assert "steps" in net.state_dict()


def test_attribute_reassignment_and_deletion() -> None:
    m = Block()
    m.scale = Parameter(np.zeros(4, dtype=np.float32))
    assert [n for n, _ in m.named_parameters(recurse=False)] == ["scale"]
    with pytest.raises(TypeError, match=r"cannot assign ndarray to parameter 'scale'"):
        m.scale = np.zeros(4)
    del m.scale
    assert "scale" not in [n for n, _ in m.named_parameters()]
    with pytest.raises(AttributeError, match="scale"):
        _ = m.scale
    m.plain = 3
    assert m.plain == 3 and "plain" not in dict(m.named_parameters())


def test_assignment_before_init_is_a_clear_error() -> None:
    class Broken(Module):
        def __init__(self) -> None:
            self.w = Parameter(np.zeros(2))

    with pytest.raises(AttributeError, match=r"Broken.*super\(\).__init__\(\)"):
        Broken()


def test_forward_must_be_defined() -> None:
    class NoForward(Module):
        pass

    with pytest.raises(NotImplementedError, match="NoForward"):
        NoForward()(Tensor(np.zeros(2)))


def test_call_runs_forward() -> None:
    manual_seed(0)
    net = Net()
    x = Tensor(np.ones((5, 3), dtype=np.float32))
    np.testing.assert_array_equal(net(x).data, net.forward(x).data)
    assert net(x).shape == (5, 1)


def test_train_eval_propagate() -> None:
    net = Net()
    assert all(m.training for m in net.modules())
    assert net.eval() is net
    assert not any(m.training for m in net.modules())
    net.block.train()
    assert net.block.fc1.training and not net.head.training and not net.training
    net.train()
    assert all(m.training for m in net.modules())
    with pytest.raises(TypeError, match="mode must be a bool"):
        net.train("yes")


def test_zero_grad_sets_none() -> None:
    net = Net()
    for p in net.parameters():
        p.grad = Tensor(np.ones_like(p.data))
    net.zero_grad()
    assert all(p.grad is None for p in net.parameters())
    for p in net.parameters():
        p.grad = Tensor(np.ones_like(p.data))
    net.zero_grad(set_to_none=False)
    assert all(np.all(p.grad.data == 0) for p in net.parameters())


def test_apply_visits_every_module() -> None:
    seen = []
    net = Net()
    assert net.apply(lambda m: seen.append(type(m).__name__)) is net
    assert seen[-1] == "Net" and seen.count("Linear") == 4


def test_state_dict_copies_and_round_trip() -> None:
    manual_seed(1)
    a = Net()
    state = a.state_dict()
    assert list(state) == [
        "steps", "block.scale", "block.fc1.weight", "block.fc1.bias", "block.fc2.weight",
        "head.0.weight", "head.0.bias", "head.1.weight", "head.1.bias",
    ]
    assert all(isinstance(v, np.ndarray) for v in state.values())
    assert state["block.fc1.weight"].shape == (4, 3)
    # copies: changing the model does not change the saved state
    a.block.fc1.weight.data[...] = 7.0
    assert not np.any(state["block.fc1.weight"] == 7.0)
    manual_seed(2)
    b = Net()
    x = Tensor(np.random.default_rng(0).normal(size=(4, 3)).astype(np.float32))
    a.load_state_dict(state)
    assert not np.allclose(a(x).data, b(x).data)
    result = b.load_state_dict(state)
    assert result == IncompatibleKeys([], [])
    np.testing.assert_array_equal(a(x).data, b(x).data)
    for key, value in b.state_dict().items():
        np.testing.assert_array_equal(value, state[key])


def test_load_is_in_place_and_casts() -> None:
    m = Linear(2, 3)
    weight = m.weight
    array = m.weight.data
    m.load_state_dict({"weight": np.ones((3, 2)), "bias": Tensor(np.zeros(3))})
    assert m.weight is weight and m.weight.data is array
    assert m.weight.dtype == np.float32
    np.testing.assert_array_equal(m.weight.data, np.ones((3, 2)))


def test_load_strict_lists_missing_and_unexpected_keys() -> None:
    m = Sequential(Linear(2, 3), Linear(3, 1))
    state = m.state_dict()
    del state["1.bias"]
    state["2.weight"] = np.zeros((1, 1))
    before = m.state_dict()
    with pytest.raises(RuntimeError) as info:
        m.load_state_dict(state)
    message = str(info.value)
    assert "missing key(s): '1.bias'" in message
    assert "unexpected key(s): '2.weight'" in message
    # a failed load changes nothing
    for key, value in m.state_dict().items():
        np.testing.assert_array_equal(value, before[key])


def test_load_non_strict_returns_keys() -> None:
    m = Sequential(Linear(2, 3), Linear(3, 1))
    state = {k: np.full(v.shape, 0.5) for k, v in m.state_dict().items()}
    del state["1.bias"]
    state["extra"] = np.zeros(2)
    result = m.load_state_dict(state, strict=False)
    assert result.missing_keys == ["1.bias"]
    assert result.unexpected_keys == ["extra"]
    np.testing.assert_array_equal(m[0].weight.data, np.full((3, 2), 0.5))


def test_load_shape_mismatch_names_both_shapes() -> None:
    m = Sequential(Linear(2, 3))
    state = m.state_dict()
    state["0.weight"] = np.zeros((2, 3))
    for strict in (True, False):
        with pytest.raises(RuntimeError, match=r"'0.weight'.*\(2, 3\).*\(3, 2\)"):
            m.load_state_dict(state, strict=strict)


def test_load_rejects_non_dict() -> None:
    with pytest.raises(TypeError, match="expected a dict"):
        Linear(1, 1).load_state_dict([("weight", np.zeros((1, 1)))])


def test_repr_nested() -> None:
    assert repr(Net()) == (
        "Net(\n"
        "  (block): Block(\n"
        "    (fc1): Linear(in_features=3, out_features=4, bias=True)\n"
        "    (fc2): Linear(in_features=4, out_features=2, bias=False)\n"
        "  )\n"
        "  (head): Sequential(\n"
        "    (0): Linear(in_features=2, out_features=2, bias=True)\n"
        "    (1): Linear(in_features=2, out_features=1, bias=True)\n"
        "  )\n"
        ")"
    )


def test_repr_with_extra_repr() -> None:
    class Scale(Module):
        def __init__(self, factor: float) -> None:
            super().__init__()
            self.factor = factor

        def extra_repr(self) -> str:
            return f"factor={self.factor}"

    assert repr(Scale(2.0)) == "Scale(factor=2.0)"

    class Empty(Module):
        pass

    assert repr(Empty()) == "Empty()"


def test_bad_names() -> None:
    m = Module()
    with pytest.raises(KeyError, match=r"contain no '\.'"):
        m.register_parameter("a.b", Parameter(np.zeros(1)))
    with pytest.raises(TypeError, match="Parameter or None"):
        m.register_parameter("w", Tensor(np.zeros(1)))
    with pytest.raises(TypeError, match="callable"):
        m.add_module("x", 3)
