"""use_fused / use_composite: same outputs and gradients, shared Parameters, the same
state_dict keys, an optimizer built before keeps training, and an exact restore."""

from __future__ import annotations

import numpy as np
import pytest
from tinytorch.activations import GELU, ReLU, Tanh
from tinytorch.kernels import (
    CompositeLayerNorm,
    FusedAway,
    FusedGELU,
    KernelSwap,
    LinearReLU,
    use_composite,
    use_fused,
)
from tinytorch.layers import Linear, Module, Sequential
from tinytorch.normalization import LayerNorm
from tinytorch.tensor import Tensor, manual_seed
from tinytorch.transformers import GPT, GPTConfig, lm_loss
from tt_testing import assert_close


def mlp() -> Sequential:
    """Linear+ReLU twice (fusable), a Linear without bias before a ReLU (not), GELU, LN."""
    manual_seed(0)
    layers = [Linear(6, 8, dtype=np.float64), ReLU(), Linear(8, 8, dtype=np.float64), ReLU(),
              Linear(8, 8, bias=False, dtype=np.float64), ReLU(), Tanh(),
              Linear(8, 8, dtype=np.float64), GELU(approximate="tanh"),
              LayerNorm(8, dtype=np.float64), Linear(8, 3, dtype=np.float64)]
    return Sequential(*layers)


def snapshot(model: Module) -> tuple:
    """What 'restored exactly' compares: every child object, every flag, the repr."""
    children = [(name, id(m)) for name, m in model.named_modules()]
    flags = [(name, vars(m).get("fused")) for name, m in model.named_modules()
             if isinstance(m, Module)]
    config = vars(model).get("config")
    return children, flags, id(config), repr(model)


def forward_backward(model: Module, x: np.ndarray, g: np.ndarray) -> list[np.ndarray]:
    model.zero_grad()
    xt = Tensor(x, requires_grad=True)
    out = model(xt)
    out.backward(Tensor(g))
    return [out.data, xt.grad.data] + [p.grad.data for p in model.parameters()]


def test_use_fused_swaps_the_named_patterns_only() -> None:
    model = mlp()
    before = list(model)
    swap = use_fused(model)
    layers = list(model)
    assert isinstance(layers[0], LinearReLU) and isinstance(layers[1], FusedAway)
    assert isinstance(layers[2], LinearReLU) and isinstance(layers[3], FusedAway)
    assert layers[4] is before[4] and layers[5] is before[5]  # no bias: left alone
    assert layers[6] is before[6] and layers[7] is before[7]
    assert isinstance(layers[8], FusedGELU) and layers[8].approximate == "tanh"
    assert layers[9] is before[9]  # LayerNorm already runs the fused primitive
    assert swap.paths == ["0", "1", "2", "3", "8"]
    assert len(model) == len(before)
    swap.restore()
    assert list(model) == before


@pytest.mark.parametrize("switch", [use_fused, use_composite])
def test_same_outputs_gradients_and_state_dict_keys(switch) -> None:
    model = mlp()
    rng = np.random.default_rng(1)
    x, g = rng.standard_normal((5, 6)), rng.standard_normal((5, 3))
    expected = forward_backward(model, x, g)
    keys = list(model.state_dict())
    params = [id(p) for p in model.parameters()]
    with switch(model) as same:
        assert same is model
        assert list(model.state_dict()) == keys
        assert [id(p) for p in model.parameters()] == params
        got = forward_backward(model, x, g)
    for a, b in zip(got, expected, strict=True):
        assert_close(a, b, rtol=1e-12, atol=1e-14)
    assert list(model.state_dict()) == keys


def test_use_composite_replaces_layer_norm_sharing_its_parameters() -> None:
    model = mlp()
    ln = model[9]
    swap = use_composite(model)
    assert isinstance(model[9], CompositeLayerNorm)
    assert model[9].weight is ln.weight and model[9].bias is ln.bias
    swap.restore()
    assert model[9] is ln


def test_an_optimizer_built_before_the_swap_still_trains_the_model() -> None:
    model = mlp()
    params = list(model.parameters())  # what an optimizer holds, built before the swap
    x = np.random.default_rng(2).standard_normal((4, 6))
    before = model(Tensor(x)).data.copy()
    with use_fused(model):
        model.zero_grad()
        (model(Tensor(x)) ** 2).sum().backward()
        assert all(p.grad is not None for p in params)  # the swapped layers fed them
        for p in params:  # one SGD step, as the optimizer would take it
            p.data -= 0.1 * p.grad.data
        during = model(Tensor(x)).data.copy()
    after = model(Tensor(x)).data
    assert not np.allclose(during, before)
    assert_close(after, during, rtol=1e-12, atol=1e-14)  # the restored model has the step


def test_restore_is_exact_and_idempotent() -> None:
    model = mlp()
    shot = snapshot(model)
    for switch in (use_fused, use_composite):
        swap = switch(model)
        assert isinstance(swap, KernelSwap) and swap.changes
        assert snapshot(model) != shot
        swap.restore()
        assert snapshot(model) == shot
        swap.restore()  # a second call does nothing
        assert snapshot(model) == shot


def test_nested_swaps_of_the_same_attributes_restore_in_reverse_order_only() -> None:
    model = mlp()
    shot = snapshot(model)
    outer = use_fused(model)
    inner = use_composite(model)  # the new layers' fused flags off, LayerNorm composite
    assert model[0].fused is False and isinstance(model[9], CompositeLayerNorm)
    outer.restore()  # touches none of inner's attributes: allowed
    inner.restore()
    assert snapshot(model) == shot
    net = gpt()
    shot = snapshot(net)
    outer = use_composite(net)
    inner = use_fused(net)  # sets the same flags back on
    assert net.h[0].fused is True and net.config.fused is True
    with pytest.raises(RuntimeError, match=r"h\.\d\.[\w.]*fused was changed after "
                                           "this composite switch"):
        outer.restore()
    assert net.h[0].fused is True  # nothing was put back by the refused call
    inner.restore()
    outer.restore()
    assert snapshot(net) == shot


def gpt() -> GPT:
    manual_seed(0)
    model = GPT(GPTConfig(vocab_size=11, block_size=8, n_layer=2, n_head=2, n_embd=8))
    for p in model.parameters():
        p.data = p.data.astype(np.float64)
    return model


def gpt_step(model: GPT, idx: np.ndarray, targets: np.ndarray) -> list[np.ndarray]:
    model.zero_grad()
    logits = model(Tensor(idx))
    lm_loss(logits, Tensor(targets)).backward()
    return [logits.data] + [p.grad.data for p in model.parameters()]


def test_gpt_composite_and_back() -> None:
    model = gpt()
    config = model.config
    rng = np.random.default_rng(3)
    idx, targets = rng.integers(0, 11, (2, 8)), rng.integers(0, 11, (2, 8))
    expected = gpt_step(model, idx, targets)
    keys = list(model.state_dict())
    shot = snapshot(model)
    swap = use_composite(model)
    assert model.config.fused is False and model.config is not config
    assert model.config.n_embd == config.n_embd
    blocks = list(model.h)
    assert all(b.fused is False and b.mlp.fused is False and b.attn.fused is False
               for b in blocks)
    assert isinstance(model.ln_f, CompositeLayerNorm) and model.lm_head.weight is model.wte.weight
    assert list(model.state_dict()) == keys
    got = gpt_step(model, idx, targets)
    for a, b in zip(got, expected, strict=True):
        assert_close(a, b, rtol=1e-9, atol=1e-12)
    swap.restore()
    assert model.config is config and snapshot(model) == shot
    assert use_fused(model).changes == []  # the GPT already runs fused


def test_a_composite_gpt_config_is_switched_on() -> None:
    manual_seed(0)
    model = GPT(GPTConfig(vocab_size=11, block_size=8, n_layer=1, n_head=2, n_embd=8,
                          fused=False))
    with use_fused(model):
        assert model.config.fused is True and model.h[0].mlp.fused is True
    assert model.config.fused is False and model.h[0].mlp.fused is False


def test_errors() -> None:
    with pytest.raises(TypeError, match="use_fused: expected a Module"):
        use_fused(lambda x: x)
    with pytest.raises(TypeError, match="use_composite: expected a Module"):
        use_composite(None)
    with pytest.raises(ValueError, match="FusedGELU: approximate"):
        FusedGELU("erf")
    with pytest.raises(TypeError, match="CompositeLayerNorm: expected a LayerNorm"):
        CompositeLayerNorm(Linear(2, 2))
